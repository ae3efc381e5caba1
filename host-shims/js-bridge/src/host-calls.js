// Carries out the module's host calls against the adapters: decodes the call's bytes
// (wire.js, ABI 2), awaits the store or fetch adapter, encodes the answer. A failing adapter becomes
// host status 1 (2 for a timeout) with the error message as payload, as wasm/ABI.md
// asks; the core then answers 503 without changing anything it has not committed.

import { decodeRequest, encodeAnswer } from './wire.js';

export const HOST_OK = 0;
export const HOST_FAILED = 1;
export const HOST_TIMEOUT = 2;

/**
 * @typedef {object} StoreItem  one stored item; version 0 means absent (and no value)
 * @property {string} key
 * @property {string} [value]
 * @property {number} version
 * @typedef {{key: string, version: number}} StoreCheck
 * @typedef {{op: 'set', key: string, value: string} | {op: 'delete', key: string}} StoreMutation
 */
/**
 * @typedef {object} StoreAdapter  the store contract of wasm/ABI.md
 * @property {(keys: string[]) => Promise<{items: StoreItem[]}>} read
 * @property {(start: string, end: string, limit: number, after: string) => Promise<{items: StoreItem[], more: boolean}>} list
 * @property {(checks: StoreCheck[], mutations: StoreMutation[]) => Promise<{outcome: 'committed' | 'conflict'}>} commit
 * @property {() => void | Promise<void>} [close]
 * @property {string} [kind]
 */
/**
 * @typedef {{method: string, url: string, headers: [string, string][], body: string, timeout_ms?: number}} FetchRequest
 * @typedef {(req: FetchRequest) => Promise<{status: number, body: string}>} FetchAdapter
 * @typedef {{status: number, answer: Uint8Array | string}} HostCallResult
 *   the answer is bytes when status is HOST_OK, else the error's message
 * @typedef {(op: string, payload: Uint8Array) => Promise<HostCallResult>} Perform
 *   carries out one host call; never rejects
 */

/** An error an adapter may throw to choose the host status explicitly. */
export class HostCallError extends Error {
  /** @param {string} message  @param {1 | 2} [hostStatus]  HOST_FAILED (default) or HOST_TIMEOUT */
  constructor(message, hostStatus = HOST_FAILED) {
    super(message);
    this.name = 'HostCallError';
    /** @type {1 | 2} */
    this.hostStatus = hostStatus;
  }
}

function statusOf(error) {
  if (error?.hostStatus === HOST_TIMEOUT || error?.name === 'TimeoutError') return HOST_TIMEOUT;
  return HOST_FAILED;
}

/**
 * @param {object} o
 * @param {StoreAdapter} o.store
 * @param {FetchAdapter} o.fetch
 * @param {(level: import('./task-runner.js').LogLevel, fields: object) => void} o.logHost
 * @returns {Perform}
 */
export function createHostCalls({ store, fetch, logHost }) {
  const ops = {
    store_read: (p) => store.read(p.keys),
    store_list: (p) => store.list(p.start, p.end, p.limit, p.after ?? ''),
    store_commit: (p) => store.commit(p.checks, p.mutations),
    http_fetch: (p) => fetch({ method: p.method, url: p.url, headers: p.headers, body: p.body, timeout_ms: p.timeout_ms }),
  };
  return async function perform(op, payload) {
    try {
      const answer = await ops[op](decodeRequest[op](payload));
      return { status: HOST_OK, answer: encodeAnswer[op](answer) };
    } catch (error) {
      const status = statusOf(error);
      // Only the op and the adapter's message: payloads may carry guest data.
      logHost('warn', { event: 'host_call_failed', op, timeout: status === HOST_TIMEOUT, error: String(error?.message ?? error) });
      return { status, answer: String(error?.message ?? error) };
    }
  };
}
