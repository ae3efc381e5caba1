// The module's http_fetch, on Node's global fetch. Every call carries the timeout the
// core asked for (AbortController); a timeout resumes the task with host status 2,
// any other failure with status 1, so the core can tell the two apart.
import { HostCallError, HOST_FAILED, HOST_TIMEOUT } from '../../js-bridge/src/index.js';

/**
 * @param {{fetchImpl?: typeof fetch, defaultTimeoutMs?: number}} [options]
 * @returns {import('../../js-bridge/src/host-calls.js').FetchAdapter}
 */
export function createFetchAdapter({ fetchImpl = globalThis.fetch, defaultTimeoutMs = 10000 } = {}) {
  return async function hostFetch({ method, url, headers = [], body = '', timeout_ms: timeoutMs }) {
    const ms = timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      const res = await fetchImpl(url, {
        method,
        headers,
        // fetch refuses a body on GET/HEAD, even an empty one.
        body: method === 'GET' || method === 'HEAD' || body === '' ? undefined : body,
        signal: controller.signal,
        redirect: 'manual',
      });
      // The body is read under the same deadline as the headers.
      return { status: res.status, body: await res.text() };
    } catch (error) {
      if (controller.signal.aborted) throw new HostCallError(`${method} timed out after ${ms} ms`, HOST_TIMEOUT);
      throw new HostCallError(`${method} failed: ${error?.cause?.code ?? error?.message ?? error}`, HOST_FAILED);
    } finally {
      clearTimeout(timer);
    }
  };
}
