// Timeouts on the Worker's store calls. A D1 query or a Durable Object RPC that never
// settles would leave its task, and the request waiting on it, suspended forever; past
// the deadline the host call fails with host status 2 (timed out), so the core answers
// 503 and changes nothing it has not committed. (A commit that lands after its deadline
// is an outcome the core already handles as unknown; the host never retries it.)
import { HostCallError, HOST_TIMEOUT } from '../../js-bridge/src/index.js';

/**
 * @param {import('../../js-bridge/src/host-calls.js').StoreAdapter} store
 * @param {number} ms
 * @returns {import('../../js-bridge/src/host-calls.js').StoreAdapter}
 */
export function withStoreTimeouts(store, ms) {
  /** @param {'read' | 'list' | 'commit'} op  @returns {(...args: any[]) => Promise<any>} */
  const guard = (op) => (...args) => {
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new HostCallError(`${store.kind ?? 'store'} ${op} timed out after ${ms} ms`, HOST_TIMEOUT)), ms);
    });
    // The call starts here, in the caller's request context, as workerd requires.
    let call;
    try {
      call = Promise.resolve(/** @type {Function} */ (store[op])(...args));
    } catch (error) {
      call = Promise.reject(error);
    }
    return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
  };
  return { kind: store.kind, read: guard('read'), list: guard('list'), commit: guard('commit') };
}
