// The janitor's clock: every interval, an internal POST /v1/maintenance/sweep with the
// admin token. The core decides what is due; the host only keeps time. A 404 means the
// core has no sweep endpoint: nothing to do. Runs never overlap.

import { maintenanceHeaders, runBatches } from './maintenance.js';

/**
 * @param {object} o
 * @param {number} o.intervalMs  0 disables the timer (runNow still sweeps)
 * @param {string} o.adminToken
 * @param {Parameters<typeof runBatches>[0]['handle']} o.handle  the host's internal calls
 * @param {Parameters<typeof runBatches>[0]['log']} o.log
 * @returns {{runNow(): Promise<unknown>, stop(): Promise<void>}}
 */
export function startSweeper({ intervalMs, adminToken, handle, log }) {
  let current = null;
  const headers = maintenanceHeaders(adminToken);

  function sweepOnce() {
    const onSummary = (summary) => log({ level: 'debug', source: 'host', event: 'sweep_done', ...summary });
    return runBatches({ path: '/v1/maintenance/sweep', headers, handle, log, name: 'sweep', onSummary });
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
