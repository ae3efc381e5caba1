// One pass of the calendar sync, shared by the Node host's timer and the Worker's cron:
// the core names the feeds and the window (POST /v1/maintenance/calendars), the host
// fetches each feed and expands it (ical-busy.js), and hands the core the feed's whole
// set of busy events (POST /v1/experts/{id}/calendars/{feed}/sync), which the core
// applies as busy blocks. A feed that cannot be fetched or read is reported to the core
// as {"error"}: the core logs it, counts it (slotguard_calendar_syncs_total
// {outcome="failed"}) and keeps the feed's last good blocks. The host carries bytes:
// which feeds, which window, what the events become and what is removed are the core's.
import { busyEventsOf } from './ical-busy.js';

const MAX_PAGES = 50; // of the core's list of feeds (100 experts each) in one pass
const MAX_FEED_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_CHARS = 200;
const decoder = new TextDecoder();

/** @typedef {{method: string, path: string, headers: [string, string][], body: string}} CoreRequest */
/** @typedef {(req: CoreRequest) => Promise<{status: number, body: Uint8Array}>} CallCore */
/** @typedef {(url: string) => Promise<string>} FetchFeed  resolves to the feed's text; rejects with why not */
/** @typedef {{applied: number, failed: number, refused: number}} SyncSummary */

/**
 * Fetches a feed with the platform's fetch: a 200 with at most MAX_FEED_BYTES, else it
 * rejects with the reason (the status, a timeout, the size).
 * @param {number} timeoutMs
 * @param {typeof fetch} [fetchImpl]
 * @returns {FetchFeed}
 */
export function feedFetcher(timeoutMs, fetchImpl = fetch) {
  return async (url) => {
    const res = await fetchImpl(url, { headers: { accept: 'text/calendar' }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`the feed answered HTTP ${res.status}`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > MAX_FEED_BYTES) throw new Error(`the feed is larger than ${MAX_FEED_BYTES} bytes`);
    return decoder.decode(bytes);
  };
}

/** @param {Uint8Array} body */
function jsonOf(body) {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    return null;
  }
}

/** @param {any} error */
function reasonOf(error) {
  const text = String(error?.name === 'TimeoutError' ? 'the feed did not answer in time' : error?.message ?? error);
  return text.slice(0, MAX_ERROR_CHARS);
}

/**
 * One pass over every feed the core lists. Never throws for a feed's trouble (each is
 * reported to the core); throws when the core's list cannot be had.
 * @param {object} o
 * @param {CallCore} o.call  a request to the core; the admin token is added here
 * @param {string} o.adminToken
 * @param {FetchFeed} o.fetchFeed
 * @param {(record: Record<string, unknown>) => void} o.log
 * @returns {Promise<SyncSummary>}
 */
export async function syncCalendars({ call, adminToken, fetchFeed, log }) {
  /** @type {[string, string][]} */
  const headers = [['authorization', `Bearer ${adminToken}`], ['content-type', 'application/json']];
  /** @param {string} path  @param {unknown} body */
  const post = (path, body) => call({ method: 'POST', path, headers, body: JSON.stringify(body) });
  const summary = { applied: 0, failed: 0, refused: 0 };
  /** @type {string | undefined} */
  let after;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await post('/v1/maintenance/calendars', after ? { after } : {});
    const due = res.status === 200 ? jsonOf(res.body) : null;
    if (!due || !Array.isArray(due.feeds)) throw new Error(`the core's list of calendar feeds answered ${res.status}`);
    const window = { from: Date.parse(due.from), to: Date.parse(due.to) };
    for (const feed of due.feeds) summary[await syncFeed(post, fetchFeed, log, feed, window)]++;
    if (!due.more || typeof due.after !== 'string') break;
    after = due.after;
  }
  return summary;
}

/**
 * @param {(path: string, body: unknown) => ReturnType<CallCore>} post
 * @param {FetchFeed} fetchFeed
 * @param {(record: Record<string, unknown>) => void} log
 * @param {{expert_id: string, feed_id: string, url: string}} feed
 * @param {{from: number, to: number}} window
 * @returns {Promise<keyof SyncSummary>}
 */
async function syncFeed(post, fetchFeed, log, feed, window) {
  const path = `/v1/experts/${encodeURIComponent(feed.expert_id)}/calendars/${encodeURIComponent(feed.feed_id)}/sync`;
  /** @type {{events: unknown[]} | {error: string}} */
  let body;
  try {
    body = { events: busyEventsOf(await fetchFeed(feed.url), window.from, window.to) };
  } catch (error) {
    body = { error: reasonOf(error) };
  }
  const res = await post(path, body);
  if (res.status === 200) return 'error' in body ? 'failed' : 'applied';
  const answer = jsonOf(res.body);
  log({ level: 'warn', source: 'host', event: 'calendar_sync_refused', expert_id: feed.expert_id, feed_id: feed.feed_id, status: res.status, code: answer?.error?.code });
  // The core refused the events (too many, too large): the feed counts as failed there
  // too, so the metric and the core's log say so, and its last good blocks stay.
  if (res.status === 413 || res.status === 422) {
    const reason = `the core refused the feed's events: ${res.status} ${answer?.error?.message ?? ''}`.slice(0, MAX_ERROR_CHARS);
    await post(path, { error: reason });
  }
  return 'refused';
}
