// Serves node:http requests through `handle`: checks the client's rate limit, reads the
// raw body (with the route's limit and a deadline), admits the request past the cap on
// requests in flight only then, hands method, raw path, query and header pairs over,
// and writes the answer.
import { BodyTimeoutError, BodyTooLargeError, readBody } from './body.js';
import { performance } from 'node:perf_hooks';
import { splitTarget } from './request.js';

/** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */
/** @typedef {import('../../js-bridge/src/envelope.js').BridgeResponse} BridgeResponse */

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

/** An answer the host makes itself ({status, headers: pairs, body}), sent as is.
 * @param {import('node:http').ServerResponse} res  @param {BridgeResponse} r */
function sendAnswer(res, r) {
  res.writeHead(r.status, { 'content-length': r.body.byteLength, ...Object.fromEntries(r.headers.map(([k, v]) => [k.toLowerCase(), v])) });
  res.end(r.body);
}

/**
 * The body, or null once the request is answered (413, 408) or its client has gone.
 * Both answers close the connection: the rest of the body is not worth waiting for.
 * @param {import('node:http').IncomingMessage} req  @param {import('node:http').ServerResponse} res
 * @param {number} limit  @param {number} drainBase  @param {number} timeoutMs
 * @returns {Promise<Uint8Array | null>}
 */
async function receiveBody(req, res, limit, drainBase, timeoutMs) {
  try {
    return await readBody(req, limit, drainBase, timeoutMs);
  } catch (error) {
    if (error instanceof BodyTooLargeError) sendError(res, 413, 'payload_too_large', `the body exceeds ${limit} bytes`, { connection: 'close' });
    else if (error instanceof BodyTimeoutError) sendError(res, 408, 'request_timeout', error.message, { connection: 'close' });
    else res.destroy(); // the client went away mid-body: nobody to answer
    return null;
  }
}

/**
 * @param {object} o
 * @param {(req: {method: string, path: string, query: string, headers: [string, string][], body: Uint8Array}, d: RequestDescription) => Promise<{status: number, headers: Record<string, string>, body: Uint8Array}>} o.handle
 * @param {(req: {method: string, path: string, query: string, headers: [string, string][]}) => Promise<RequestDescription>} o.describe
 *   the core's route table on the request before its body is read (its limits)
 * @param {(d: RequestDescription) => number} o.bodyLimit  the route's body limit
 * @param {number} [o.drainLimit]  an oversized body up to this many bytes (times 8) is read
 *   and thrown away, so the client sees the 413; default: the route's limit
 * @param {number} [o.bodyTimeoutMs]  a body not in this long after its headers is answered 408; 0: no deadline
 * @param {{rate: (req: {holdRateLimited: boolean, headers: [string, string][], remoteAddress?: string}) => BridgeResponse | null,
 *   enter: (route: string | null) => {refused: BridgeResponse | null, release: () => void}} | null} [o.limits]
 *   the host's limits (limits.js): the rate limit before the body, the in-flight cap after it
 * @param {(record: import('../../js-bridge/src/task-runner.js').BridgeLogRecord) => void} o.log
 * @param {() => boolean} [o.closing]  true while shutting down: answer 503 + close
 * @param {import('./trace.js').Tracer | null} [o.tracer]  bench-only timing (trace.js); null: none
 * @param {import('./trace.js').Tracer | null} [o.spans]  the same tracer, inside its own wrapper
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function createNodeHandler({ handle, describe, bodyLimit, drainLimit, bodyTimeoutMs = 0, limits = null, log, closing = () => false, tracer = null, spans = null }) {
  if (tracer && !spans) {
    const untraced = createNodeHandler({ handle, describe, bodyLimit, drainLimit, bodyTimeoutMs, limits, log, closing, tracer, spans: tracer });
    return (req, res) =>
      tracer.request(async () => {
        const t0 = performance.now();
        res.once('finish', () => (tracer.mark('flushed', t0), tracer.done({ method: req.method, url: req.url, status: res.statusCode })));
        await untraced(req, res);
        tracer.mark('handler', t0);
      });
  }
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
      const limited = limits?.rate({ holdRateLimited: d.hold_rate_limited, headers, remoteAddress: req.socket?.remoteAddress });
      if (limited) {
        req.resume(); // the body is not wanted; let the answer through
        return sendAnswer(res, limited);
      }
      const limit = bodyLimit(d);
      const tBody = spans ? performance.now() : 0;
      const body = await receiveBody(req, res, limit, Math.max(limit, drainLimit ?? limit), bodyTimeoutMs);
      spans?.mark('body', tBody);
      if (body === null) return;
      // Counted from here: a client slow to send its body must not hold a place.
      const place = limits?.enter(d.route);
      if (place?.refused) return sendAnswer(res, place.refused);
      release = place?.release ?? null;
      const answer = await handle({ method, path, query, headers, body }, d);
      const tWrite = spans ? performance.now() : 0;
      // One writeHead with every header: cheaper than a setHeader per header.
      res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.byteLength });
      res.end(answer.body);
      spans?.mark('write', tWrite);
    } catch (error) {
      log({ level: 'error', source: 'host', event: 'http_handler_failed', error: String(error?.message ?? error) });
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request could not be completed; retry it');
      else res.destroy();
    } finally {
      release?.();
    }
  };
}
