// The outbox's clock: the core writes each notification in the same commit as the
// change it reports, and signs, sends and records it when asked to by
// POST /v1/maintenance/notify (admin token). The host only keeps time: it asks on an
// interval (for retries that came due) and right after any request that may have
// changed state (kick(), coalesced), repeating while the core says `more`. Runs never
// overlap; a kick during a run makes one more run after it. A 404 means the core has
// no notify endpoint: the notifier then stays quiet.

export const NOTIFY_PATH = '/v1/maintenance/notify';
const MAX_BATCHES = 10; // a run that keeps saying `more` stops here; the next tick goes on

export function startNotifier({ intervalMs, adminToken, handle, log }) {
  const headers = [['authorization', `Bearer ${adminToken}`], ['content-type', 'application/json']];
  let current = null;
  let again = false;
  let soon = null;
  let stopped = false;
  let missing = false;

  async function runBatches() {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const res = await handle({ method: 'POST', path: NOTIFY_PATH, headers, body: '{}' });
      if (res.status === 404) {
        missing = true;
        log({ level: 'warn', source: 'host', event: 'notify_unavailable', status: 404 });
        return;
      }
      if (res.status !== 200) {
        log({ level: 'warn', source: 'host', event: 'notify_failed', status: res.status });
        return;
      }
      let summary = {};
      try {
        summary = JSON.parse(Buffer.from(res.body).toString('utf8'));
      } catch {
        // the counts are only for the log
      }
      if (summary.delivered || summary.failed) log({ level: 'debug', source: 'host', event: 'notify_done', ...summary });
      if (!summary.more || stopped) return;
    }
  }

  function tick() {
    if (stopped || missing) return;
    if (current) {
      again = true;
      return;
    }
    current = (async () => {
      do {
        again = false;
        await runBatches();
      } while (again && !stopped && !missing);
    })()
      .catch((error) => log({ level: 'error', source: 'host', event: 'notify_failed', error: String(error?.message ?? error) }))
      .finally(() => (current = null));
  }

  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : null;
  timer?.unref(); // the notifier alone must not keep the process alive

  return {
    /** Soon (next turn of the event loop), once however many kicks arrive meanwhile. */
    kick() {
      if (stopped || missing || soon) return;
      soon = setImmediate(() => {
        soon = null;
        tick();
      });
      soon.unref();
    },
    /** Runs now (or after the current run); resolves when that run is done. */
    async runNow() {
      tick(); // during a run: one more run, inside `current`
      await current;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (soon) clearImmediate(soon);
      soon = null;
      await current;
    },
  };
}
