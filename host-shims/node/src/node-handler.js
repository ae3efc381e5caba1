// Serves node:http requests through `handle`: admits them past the host's limits (rate,
// in flight), reads the raw body (with the route's limit), hands method, raw path,
// query and header pairs over, and writes the answer.
import { BodyTooLargeError, readBody } from './body.js';
import { splitTarget } from './request.js';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function sendError(res, status, code, message, extra = {}) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** rawHeaders keeps repeated headers and their order; names are lower-cased. */
function rawHeaderPairs(raw) {
  const pairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
  return pairs;
}

/**
 * @param {object} o
 * @param {(req: object) => Promise<{status: number, headers: object, body: Uint8Array}>} o.handle
 * @param {number | ((method: string, path: string) => number)} o.bodyLimit  per route when a function
 * @param {number} [o.drainLimit]  an oversized body up to this many bytes (times 8) is read
 *   and thrown away, so the client sees the 413; default: the route's limit
 * @param {(req: {method, path, headers, remoteAddress}) => {refused: object|null, release: () => void}} [o.admit]
 *   the host's limits; a refusal ({status, headers: pairs, body}) is sent as is
 * @param {(record: object) => void} o.log
 * @param {() => boolean} [o.closing]  true while shutting down: answer 503 + close
 */
export function createNodeHandler({ handle, bodyLimit, drainLimit, admit = null, log, closing = () => false }) {
  return async function handleNodeRequest(req, res) {
    let release = null;
    try {
      if (closing()) {
        req.resume();
        return sendError(res, 503, 'shutting_down', 'the server is shutting down', { connection: 'close', 'retry-after': '1' });
      }
      const { path, query } = splitTarget(req.url);
      const headers = rawHeaderPairs(req.rawHeaders);
      if (admit) {
        const admitted = admit({ method: req.method, path, headers, remoteAddress: req.socket?.remoteAddress });
        if (admitted.refused) {
          req.resume(); // the body is not wanted; let the answer through
          const r = admitted.refused;
          res.writeHead(r.status, { 'content-length': r.body.byteLength, ...Object.fromEntries(r.headers.map(([k, v]) => [k.toLowerCase(), v])) });
          return res.end(r.body);
        }
        release = admitted.release;
      }
      const limit = typeof bodyLimit === 'function' ? bodyLimit(req.method, path) : bodyLimit;
      let body;
      try {
        body = await readBody(req, limit, Math.max(limit, drainLimit ?? limit));
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return sendError(res, 413, 'payload_too_large', `the body exceeds ${limit} bytes`, { connection: 'close' });
        return res.destroy(); // the client went away mid-body: nobody to answer
      }
      const answer = await handle({ method: req.method, path, query, headers, body });
      // One writeHead with every header: cheaper than a setHeader per header.
      res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.byteLength });
      res.end(answer.body);
    } catch (error) {
      log({ level: 'error', source: 'host', event: 'http_handler_failed', error: String(error?.message ?? error) });
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request could not be completed; retry it');
      else res.destroy();
    } finally {
      release?.();
    }
  };
}
