// The outbox's clock: the core writes each notification in the same commit as the
// change it reports, and signs, sends and records it when asked to by
// POST /v1/maintenance/notify (admin token). The host only keeps time: it asks on an
// interval (for retries that came due) and right after any request that may have
// changed state (kick(), coalesced), repeating while the core says `more`. Runs never
// overlap; a kick during a run makes one more run after it. A 404 means the core has
// no notify endpoint: the notifier then stays quiet.

import { maintenanceHeaders, runBatches } from './maintenance.js';

export const NOTIFY_PATH = '/v1/maintenance/notify';

/**
 * @param {object} o
 * @param {number} o.intervalMs  0: only when kicked
 * @param {string} o.adminToken
 * @param {Parameters<typeof runBatches>[0]['handle']} o.handle  the host's internal calls
 * @param {Parameters<typeof runBatches>[0]['log']} o.log
 * @returns {{kick(): void, runNow(): Promise<void>, stop(): Promise<void>}}
 */
export function startNotifier({ intervalMs, adminToken, handle, log }) {
  const headers = maintenanceHeaders(adminToken);
  let current = null;
  let again = false;
  /** @type {NodeJS.Immediate | null} */
  let soon = null;
  let stopped = false;
  let missing = false;

  async function runOnce() {
    const onSummary = (summary) => {
      if (summary.delivered || summary.failed) log({ level: 'debug', source: 'host', event: 'notify_done', ...summary });
    };
    const outcome = await runBatches({ path: NOTIFY_PATH, headers, handle, log, name: 'notify', onSummary, stopped: () => stopped });
    if (outcome === 'missing') {
      missing = true;
      log({ level: 'warn', source: 'host', event: 'notify_unavailable', status: 404 });
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
        await runOnce();
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
