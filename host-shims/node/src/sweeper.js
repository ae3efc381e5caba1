// The janitor's clock: every interval, an internal POST /v1/maintenance/sweep with the
// admin token. The core decides what is due; the host only keeps time. A 404 means the
// core has no sweep endpoint: nothing to do. Runs never overlap.

const MAX_BATCHES = 10; // a sweep that says `more` runs again, within reason

export function startSweeper({ intervalMs, adminToken, handle, log }) {
  let current = null;
  const headers = [['authorization', `Bearer ${adminToken}`], ['content-type', 'application/json']];

  async function sweepOnce() {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const res = await handle({ method: 'POST', path: '/v1/maintenance/sweep', headers, body: '{}' });
      if (res.status === 404) return;
      if (res.status !== 200) {
        log({ level: 'warn', source: 'host', event: 'sweep_failed', status: res.status });
        return;
      }
      let summary = {};
      try {
        summary = JSON.parse(Buffer.from(res.body).toString('utf8'));
      } catch {
        // the counts are only for the log
      }
      log({ level: 'debug', source: 'host', event: 'sweep_done', ...summary });
      if (!summary.more) return;
    }
  }

  function tick() {
    if (current) return;
    current = sweepOnce()
      .catch((error) => log({ level: 'error', source: 'host', event: 'sweep_failed', error: String(error?.message ?? error) }))
      .finally(() => (current = null));
  }

  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : null;
  timer?.unref(); // the sweep alone must not keep the process alive

  return {
    /** Runs one sweep now (tests, CLI); resolves when it is done. */
    runNow() {
      tick();
      return current ?? Promise.resolve();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await current;
    },
  };
}
