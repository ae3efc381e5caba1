// Plain request/response objects for embedding (Express, Next.js route handlers,
// tests): what `handle` accepts and returns, and their conversion to the bridge's shape.
import { headerPairs, toBytes } from '../../js-bridge/src/index.js';

/** Splits a request target into the raw path and query (no decoding: the core routes
 * on the bytes it was sent). Absolute-form targets (proxies) keep only the path.
 * @param {string} [target]  @returns {{path: string, query: string}} */
export function splitTarget(target = '/') {
  let t = String(target);
  if (!t.startsWith('/')) {
    try {
      const u = new URL(t);
      t = u.pathname + u.search;
    } catch {
      t = `/${t}`;
    }
  }
  const q = t.indexOf('?');
  return q < 0 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q + 1) };
}

/**
 * @typedef {{method: string, path: string, query: string, headers: [string, string][], body: Uint8Array}} NormalizedRequest
 */
/**
 * @param {import('./index.js').SlotguardRequest} req
 * @returns {NormalizedRequest}
 */
export function normalizeRequest(req) {
  const method = String(req.method ?? 'GET').toUpperCase();
  let { path, query } = req.path !== undefined ? { path: req.path, query: req.query ?? '' } : splitTarget(req.url);
  if (query && typeof query === 'object') query = new URLSearchParams(query).toString();
  if (typeof query === 'string' && query.startsWith('?')) query = query.slice(1);
  return { method, path: String(path), query: String(query ?? ''), headers: headerPairs(req.headers), body: toBytes(req.body) };
}

/** Header pairs -> a plain object; repeated names are joined with ", " (RFC 9110).
 * @param {[string, string][]} pairs  @returns {Record<string, string>} */
export function headerObject(pairs) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of pairs) {
    const name = k.toLowerCase();
    out[name] = name in out ? `${out[name]}, ${v}` : v;
  }
  return out;
}
