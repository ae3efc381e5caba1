// Serves node:http requests through `handle`: admits them past the host's limits (rate,
// in flight), reads the raw body (with the route's limit), hands method, raw path,
// query and header pairs over, and writes the answer.
import { BodyTooLargeError, readBody } from './body.js';
import { splitTarget } from './request.js';

/** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/**
 * @param {import('node:http').ServerResponse} res  @param {number} status  @param {string} code
 * @param {string} message  @param {Record<string, string>} [extra]
 */
function sendError(res, status, code, message, extra = {}) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** rawHeaders keeps repeated headers and their order; names are lower-cased.
 * @param {string[]} raw  @returns {[string, string][]} */
function rawHeaderPairs(raw) {
  /** @type {[string, string][]} */
  const pairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
  return pairs;
}

/**
 * @param {object} o
 * @param {(req: {method: string, path: string, query: string, headers: [string, string][], body: Uint8Array}, d: RequestDescription) => Promise<{status: number, headers: Record<string, string>, body: Uint8Array}>} o.handle
 * @param {(req: {method: string, path: string, query: string, headers: [string, string][]}) => Promise<RequestDescription>} o.describe
 *   the core's route table on the request before its body is read (its limits)
 * @param {(d: RequestDescription) => number} o.bodyLimit  the route's body limit
 * @param {number} [o.drainLimit]  an oversized body up to this many bytes (times 8) is read
 *   and thrown away, so the client sees the 413; default: the route's limit
 * @param {((req: {holdRateLimited: boolean, headers: [string, string][], remoteAddress?: string}) => {refused: import('../../js-bridge/src/envelope.js').BridgeResponse | null, release: () => void}) | null} [o.admit]
 *   the host's limits; a refusal ({status, headers: pairs, body}) is sent as is
 * @param {(record: import('../../js-bridge/src/task-runner.js').BridgeLogRecord) => void} o.log
 * @param {() => boolean} [o.closing]  true while shutting down: answer 503 + close
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function createNodeHandler({ handle, describe, bodyLimit, drainLimit, admit = null, log, closing = () => false }) {
  return async function handleNodeRequest(req, res) {
    /** @type {(() => void) | null} */
    let release = null;
    try {
      if (closing()) {
        req.resume();
        return sendError(res, 503, 'shutting_down', 'the server is shutting down', { connection: 'close', 'retry-after': '1' });
      }
      const { path, query } = splitTarget(req.url);
      const method = /** @type {string} */ (req.method); // always set on a server's request
      const headers = rawHeaderPairs(req.rawHeaders);
      const d = await describe({ method, path, query, headers });
      if (admit) {
        const admitted = admit({ holdRateLimited: d.hold_rate_limited, headers, remoteAddress: req.socket?.remoteAddress });
        if (admitted.refused) {
          req.resume(); // the body is not wanted; let the answer through
          const r = admitted.refused;
          res.writeHead(r.status, { 'content-length': r.body.byteLength, ...Object.fromEntries(r.headers.map(([k, v]) => [k.toLowerCase(), v])) });
          res.end(r.body);
          return;
        }
        release = admitted.release;
      }
      const limit = bodyLimit(d);
      let body;
      try {
        body = await readBody(req, limit, Math.max(limit, drainLimit ?? limit));
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return sendError(res, 413, 'payload_too_large', `the body exceeds ${limit} bytes`, { connection: 'close' });
        res.destroy(); // the client went away mid-body: nobody to answer
        return;
      }
      const answer = await handle({ method, path, query, headers, body }, d);
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
