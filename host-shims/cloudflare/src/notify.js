// Notifications leave through the core's outbox, but a Worker has no loop of its own to
// empty it: after a request that may have written to it, and after the cron's sweep,
// the Worker asks the core to deliver what is due (POST /v1/maintenance/notify with the
// admin token). Runs on one store are coalesced, so a burst of requests makes one run
// that goes round once more rather than many runs racing over the same outbox.
import { jsonOf, messageOf } from './http.js';
import { NOTIFY_PATH } from './maintenance.js';

/** @typedef {import('./isolate.js').WorkerState} WorkerState */
/** @typedef {import('./isolate.js').Store} Store */

// A notification run asks the core at most this many times while it says `more`.
const MAX_NOTIFY_BATCHES = 5;

/**
 * One notification run on `store` (the isolate's store, or one expert's object): asks
 * the core to deliver what is due, while it says `more`. Runs on one store coalesce.
 * Never rejects: failures are logged.
 * @param {WorkerState} s
 * @param {Store} [store]
 * @returns {Promise<void>}
 */
export function notifyRun(s, store = s.store) {
  if (!s.notify || s.notifyMissing) return Promise.resolve();
  const running = s.notifyRuns.get(store);
  if (running) {
    // Coalesced: the run in progress goes round once more.
    running.again = true;
    return Promise.resolve();
  }
  const run = { again: false };
  s.notifyRuns.set(store, run);
  return (async () => {
    do {
      run.again = false;
      for (let batch = 1; batch <= MAX_NOTIFY_BATCHES; batch++) {
        const res = await s.runner.runRequest(
          {
            method: 'POST',
            path: NOTIFY_PATH,
            headers: [['authorization', `Bearer ${s.adminToken}`], ['content-type', 'application/json']],
            body: '{}',
          },
          { store },
        );
        if (res.status === 404) {
          s.notifyMissing = true; // a core without the endpoint: nothing to deliver, ever
          s.log({ level: 'warn', source: 'host', event: 'notify_unavailable' });
          return;
        }
        const result = jsonOf(res.body);
        if (res.status !== 200) {
          s.log({ level: 'error', source: 'host', event: 'notify_failed', status: res.status, result, object: store.objectName });
          return;
        }
        if (result?.delivered || result?.failed) s.log({ level: 'info', source: 'host', event: 'notify_done', batch, ...result, object: store.objectName });
        if (!result?.more) break;
      }
    } while (run.again);
  })()
    .catch((error) => s.log({ level: 'error', source: 'host', event: 'notify_failed', error: messageOf(error) }))
    .finally(() => s.notifyRuns.delete(store));
}
