// The Worker's scheduled(): holds expire, refunds and purges come due without anyone
// asking, so the cron trigger runs the core's sweep (POST /v1/maintenance/sweep with the
// admin token) through the same runner as requests, then delivers the notifications it
// produced, then syncs the experts' calendar feeds into busy blocks (the same pass as
// the Node host's timer, js-bridge/src/calendar-sync.js). With a Durable Object per
// expert every object sweeps its own keys and syncs its own experts' feeds.
import { SWEEP_PATH, fanOut } from './maintenance.js';
import { feedFetcher, syncCalendars } from '../../js-bridge/src/calendar-sync.js';
import { jsonOf } from './http.js';
import { notifyRun } from './notify.js';

/** @typedef {import('./isolate.js').Isolate} Isolate */
/** @typedef {import('./isolate.js').Store} Store */
/** @typedef {import('./isolate.js').WorkerState} WorkerState */

// A cron run does bounded work: at most this many sweeps, each bounded by the core.
const MAX_SWEEPS_PER_RUN = 5;
const FEED_TIMEOUT_MS = 15_000;

/**
 * The calendar sync on one store. A feed's trouble is the core's to record (it keeps
 * the feed's last good blocks); a sync that cannot even list the feeds is logged and
 * does not fail the run, whose sweep already succeeded.
 * @param {WorkerState} s
 * @param {Store} store
 * @returns {Promise<void>}
 */
export async function syncCalendarsOn(s, store) {
  try {
    const summary = await syncCalendars({
      call: (req) => s.runner.runRequest(req, { store }),
      adminToken: s.adminToken,
      fetchFeed: feedFetcher(FEED_TIMEOUT_MS),
      log: s.log,
    });
    s.log({ level: 'info', source: 'host', event: 'scheduled_calendar_sync', ...summary, object: store.objectName });
  } catch (error) {
    s.log({ level: 'error', source: 'host', event: 'calendar_sync_failed', error: String(error?.message ?? error), object: store.objectName });
  }
}

/**
 * The cron's sweep on one store: repeated while it says `more`; throws unless 200.
 * @param {WorkerState} s
 * @param {Store} store
 * @param {string | undefined} cron  the trigger's schedule, for the log
 * @returns {Promise<void>}
 */
export async function sweepStore(s, store, cron) {
  for (let run = 1; run <= MAX_SWEEPS_PER_RUN; run++) {
    const res = await s.runner.runRequest(
      { method: 'POST', path: SWEEP_PATH, headers: [['authorization', `Bearer ${s.adminToken}`]], body: '' },
      { store },
    );
    const result = jsonOf(res.body);
    s.log({ level: res.status === 200 ? 'info' : 'error', source: 'host', event: 'scheduled_sweep', cron, run, status: res.status, result, object: store.objectName });
    if (res.status !== 200) throw new Error(`the sweep answered ${res.status}${store.objectName ? ` on ${store.objectName}` : ''}`);
    if (!result?.more) break;
  }
  // What the sweep released or refunded, and any retry that came due, goes out now.
  await notifyRun(s, store);
  await syncCalendarsOn(s, store);
}

/**
 * Per expert: every object the directory lists, and the unrouted one. One object's
 * failure does not stop the others; the run is marked failed afterwards.
 * @param {WorkerState} s  per expert (s.perExpert set)
 * @param {string | undefined} cron
 * @returns {Promise<void>}
 */
async function sweepEverywhere(s, cron) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const stores = await px.allStores();
  const failures = (
    await fanOut(stores, (store) =>
      sweepStore(s, store, cron).then(
        () => null,
        (error) => error,
      ),
    )
  ).filter(Boolean);
  s.log({ level: failures.length ? 'error' : 'info', source: 'host', event: 'scheduled_fan_out', objects: stores.length, failed: failures.length });
  if (failures.length) throw failures[0];
}

/**
 * @param {Isolate} isolate
 * @returns {(controller: {cron?: string} | undefined, env: any, ctx?: unknown) => Promise<void>}
 *   (workerd's ctx is not needed: the run is the scheduled event's own promise)
 *   rejects when the run failed (a refused configuration, a sweep that did not answer 200),
 *   so that the cron run is marked failed
 */
export function createScheduled(isolate) {
  return async function scheduled(controller, env) {
    const s = await isolate.readyState(env);
    if (!s) throw new Error(/** @type {string} */ (isolate.refusal()));
    if (!s.perExpert) return sweepStore(s, s.store, controller?.cron);
    return sweepEverywhere(s, controller?.cron);
  };
}
