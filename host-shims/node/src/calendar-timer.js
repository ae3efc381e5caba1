// The calendar sync's clock in the Node host: every interval, one pass of the shared
// sync (js-bridge/src/calendar-sync.js) through the host's internal calls, beside the
// sweeper. The core decides which feeds and what their events become; the host keeps
// time, fetches and expands. Passes never overlap.
import { feedFetcher, syncCalendars } from '../../js-bridge/src/calendar-sync.js';

const FEED_TIMEOUT_MS = 15_000;

/**
 * @param {object} o
 * @param {number} o.intervalMs  0 disables the timer (runNow still syncs)
 * @param {string} o.adminToken
 * @param {import('../../js-bridge/src/calendar-sync.js').CallCore} o.handle  the host's internal calls
 * @param {(record: any) => void} o.log
 * @returns {{runNow(): Promise<import('../../js-bridge/src/calendar-sync.js').SyncSummary | null>, stop(): Promise<void>}}
 */
export function startCalendarSync({ intervalMs, adminToken, handle, log }) {
  /** @type {Promise<import('../../js-bridge/src/calendar-sync.js').SyncSummary | null> | null} */
  let current = null;
  const fetchFeed = feedFetcher(FEED_TIMEOUT_MS);

  function tick() {
    if (current) return current;
    current = syncCalendars({ call: handle, adminToken, fetchFeed, log })
      .then((summary) => {
        log({ level: 'debug', source: 'host', event: 'calendar_sync_done', ...summary });
        return summary;
      })
      .catch((error) => {
        log({ level: 'error', source: 'host', event: 'calendar_sync_failed', error: String(error?.message ?? error) });
        return null;
      })
      .finally(() => (current = null));
    return current;
  }

  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : null;
  timer?.unref(); // the sync alone must not keep the process alive

  return {
    /** One pass now (tests, CLI), or the one under way; resolves to its summary (null: it failed). */
    runNow: tick,
    async stop() {
      if (timer) clearInterval(timer);
      await current;
    },
  };
}
