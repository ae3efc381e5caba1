// The module's http_fetch. Every call carries the timeout the core asked for; a
// timeout resumes the task with host status 2, any other failure with status 1, so the
// core can tell the two apart. By default it goes through node:http / node:https with
// kept-alive connections: the global fetch (undici) added about a millisecond to each
// Stripe call of a hold against a plain request on the same connection
// (bench/hold-latency.mjs, docs/benchmarks.md). A `fetchImpl` given by the caller is
// used as a WHATWG fetch instead.
import http from 'node:http';
import https from 'node:https';
import { HostCallError, HOST_FAILED, HOST_TIMEOUT } from '../../js-bridge/src/index.js';

// Kept-alive sockets are closed after this long idle: shorter than the usual 60-65 s
// of servers and proxies, so the server's close is never raced by a request.
const IDLE_SOCKET_MS = 30_000;

/**
 * @param {{fetchImpl?: typeof fetch, defaultTimeoutMs?: number}} [options]
 * @returns {import('../../js-bridge/src/host-calls.js').FetchAdapter}
 */
export function createFetchAdapter({ fetchImpl, defaultTimeoutMs = 10000 } = {}) {
  const send = fetchImpl ? viaFetch(fetchImpl) : viaNodeHttp();
  return async function hostFetch({ method, url, headers = [], body = '', timeout_ms: timeoutMs }) {
    const ms = timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      // fetch refuses a body on GET/HEAD, even an empty one.
      const payload = method === 'GET' || method === 'HEAD' || body === '' ? undefined : body;
      // The body is read under the same deadline as the headers.
      return await send(method, url, headers, payload, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw new HostCallError(`${method} timed out after ${ms} ms`, HOST_TIMEOUT);
      throw new HostCallError(`${method} failed: ${error?.cause?.code ?? error?.code ?? error?.message ?? error}`, HOST_FAILED);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** @typedef {(method: string, url: string, headers: [string, string][], body: string | undefined, signal: AbortSignal) => Promise<{status: number, body: string}>} Send */

/** @param {typeof fetch} fetchImpl  @returns {Send} */
function viaFetch(fetchImpl) {
  return async (method, url, headers, body, signal) => {
    const res = await fetchImpl(url, { method, headers, body, signal, redirect: 'manual' });
    return { status: res.status, body: await res.text() };
  };
}

/** @returns {Send} */
function viaNodeHttp() {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return (method, url, headers, body, signal) =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const agent = agents[/** @type {'http:' | 'https:'} */ (u.protocol)];
      if (!agent) return reject(new Error(`unsupported protocol ${u.protocol}`));
      const data = body === undefined ? undefined : Buffer.from(body, 'utf8');
      /** @type {import('node:http').OutgoingHttpHeaders} */
      const h = {};
      for (const [k, v] of headers) {
        const name = k.toLowerCase();
        const had = h[name];
        h[name] = had === undefined ? v : [...(Array.isArray(had) ? had : [String(had)]), v];
      }
      if (data) h['content-length'] = data.length;
      const req = (u.protocol === 'https:' ? https : http).request(u, { method, headers: h, agent, signal }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the answer was cut short')));
      });
      req.on('error', reject);
      req.end(data);
    });
}
