// http_fetch of wasm/ABI.md over the Workers fetch(), with a timeout that covers the
// whole exchange (headers and body).
import { HostCallError, HOST_TIMEOUT } from '../../js-bridge/src/index.js';

const NO_BODY = new Set(['GET', 'HEAD']);

/**
 * @param {object} [o]
 * @param {(input: string, init: object) => Promise<Response>} [o.fetch]  defaults to the global fetch
 * @param {number} [o.defaultTimeoutMs]
 * @returns {import('../../js-bridge/src/host-calls.js').FetchAdapter}
 */
export function createFetchAdapter({ fetch: fetchImpl, defaultTimeoutMs = 10000 } = {}) {
  // Call the global unbound-safe: workerd's fetch throws "Illegal invocation" when
  // called as a method of another object.
  const doFetch = fetchImpl ?? ((input, init) => fetch(input, init));
  return async function hostFetch({ method = 'GET', url, headers = [], body, timeout_ms }) {
    const ms = timeout_ms !== undefined && Number.isFinite(timeout_ms) && timeout_ms > 0 ? timeout_ms : defaultTimeoutMs;
    const signal = AbortSignal.timeout(ms);
    const init = { method, headers, signal, redirect: 'manual' };
    if (!NO_BODY.has(method) && body !== undefined && body !== null) init.body = body;
    try {
      const res = await doFetch(url, init);
      return { status: res.status, body: await res.text() };
    } catch (error) {
      if (signal.aborted) throw new HostCallError(`${method} ${new URL(url).host} timed out after ${ms} ms`, HOST_TIMEOUT);
      throw new HostCallError(`${method} ${new URL(url).host} failed: ${error?.message ?? error}`);
    }
  };
}
