// The core's maintenance endpoints, which the Worker calls itself (the cron's sweep,
// notification runs) and which, with a Durable Object per expert, must run on every
// object: each object sweeps and delivers only what it holds. This module visits the
// objects a few at a time and turns their answers into one.
import { FAN_OUT } from './per-expert.js';
import { jsonOf } from './http.js';

/** @typedef {import('./http.js').BridgeResponse} BridgeResponse */
/** @typedef {import('./http.js').BridgeRequest} BridgeRequest */
/** @typedef {import('./isolate.js').WorkerState} WorkerState */

export const SWEEP_PATH = '/v1/maintenance/sweep';
export const NOTIFY_PATH = '/v1/maintenance/notify';

const encoder = new TextEncoder();

/**
 * `items` through `fn`, at most FAN_OUT at a time; the results in order.
 * @template T, R
 * @param {T[]} items
 * @param {(item: T) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function fanOut(items, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FAN_OUT, items.length) }, worker));
  return results;
}

/**
 * The objects' answers as one: their counts summed, a flag (such as "more") set if any
 * object's is, and `objects`, how many answered.
 * @param {BridgeResponse[]} answers  200s only
 * @returns {BridgeResponse}
 */
export function sumAnswers(answers) {
  /** @type {Record<string, number | boolean>} */
  const sum = { objects: answers.length };
  for (const r of answers) {
    for (const [k, v] of Object.entries(jsonOf(r.body) ?? {})) {
      if (typeof v === 'number') sum[k] = /** @type {number} */ (sum[k] ?? 0) + v;
      else if (typeof v === 'boolean') sum[k] = Boolean(sum[k]) || v;
    }
  }
  return { status: 200, headers: [['Content-Type', 'application/json']], body: encoder.encode(JSON.stringify(sum)) };
}

/**
 * Per expert: POST /v1/maintenance/sweep or /notify (admin token checked) run on every
 * object; the answer sums their counts ("more" if any says so), or is the first
 * answer that was not a 200.
 * @param {WorkerState} s  per expert (s.perExpert set)
 * @param {BridgeRequest} req
 * @returns {Promise<BridgeResponse>}
 */
export async function maintenanceEverywhere(s, req) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const answers = await fanOut(await px.allStores(), (store) => s.runner.runRequest(req, { store }));
  const failed = answers.find((r) => r.status !== 200);
  if (failed) return failed;
  return sumAnswers(answers);
}
