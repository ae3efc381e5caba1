// The sweeper and the notifier keep time for two of the core's maintenance endpoints
// (POST /v1/maintenance/sweep and /notify). Both call theirs the same way, here: with
// the admin token, in batches while the core's summary says `more`, and a bounded
// number of batches per run, so one run cannot hold the host forever.

const MAX_BATCHES = 10; // a run that keeps saying `more` stops here; the next one goes on

/** @typedef {import('../../js-bridge/src/task-runner.js').BridgeLogRecord} HostLogRecord */

/** The headers of an internal maintenance call.
 * @param {string} adminToken  @returns {[string, string][]} */
export function maintenanceHeaders(adminToken) {
  return [['authorization', `Bearer ${adminToken}`], ['content-type', 'application/json']];
}

/**
 * POSTs `path` through `handle` until the summary stops saying `more`, `stopped()`
 * becomes true, or MAX_BATCHES calls were made. Each summary (the parsed answer; {}
 * when it does not parse, the counts are only for the log) goes to `onSummary`.
 * Resolves 'missing' on a 404 (the core has no such endpoint), 'failed' on any other
 * non-200 (logged as `${name}_failed` with the status), else 'done'.
 * @param {object} o
 * @param {string} o.path
 * @param {[string, string][]} o.headers
 * @param {(req: {method: string, path: string, headers: [string, string][], body: string}) => Promise<{status: number, body: Uint8Array}>} o.handle
 * @param {(record: HostLogRecord) => void} o.log
 * @param {string} o.name
 * @param {(summary: Record<string, any>) => void} o.onSummary
 * @param {() => boolean} [o.stopped]
 * @returns {Promise<'missing' | 'failed' | 'done'>}
 */
export async function runBatches({ path, headers, handle, log, name, onSummary, stopped = () => false }) {
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const res = await handle({ method: 'POST', path, headers, body: '{}' });
    if (res.status === 404) return 'missing';
    if (res.status !== 200) {
      log({ level: 'warn', source: 'host', event: `${name}_failed`, status: res.status });
      return 'failed';
    }
    /** @type {Record<string, any>} */
    let summary = {};
    try {
      summary = JSON.parse(Buffer.from(res.body).toString('utf8'));
    } catch {
      // the counts are only for the log
    }
    onSummary(summary);
    if (!summary.more || stopped()) return 'done';
  }
  return 'done';
}
