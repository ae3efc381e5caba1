// Serves node:http requests through `handle`: reads the raw body (with the limit),
// hands method, raw path, query and header pairs over, and writes the answer.
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
 * @param {number} o.bodyLimit
 * @param {(record: object) => void} o.log
 * @param {() => boolean} [o.closing]  true while shutting down: answer 503 + close
 */
export function createNodeHandler({ handle, bodyLimit, log, closing = () => false }) {
  return async function handleNodeRequest(req, res) {
    try {
      if (closing()) {
        req.resume();
        return sendError(res, 503, 'shutting_down', 'the server is shutting down', { connection: 'close', 'retry-after': '1' });
      }
      let body;
      try {
        body = await readBody(req, bodyLimit);
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return sendError(res, 413, 'payload_too_large', `the body exceeds ${bodyLimit} bytes`, { connection: 'close' });
        return res.destroy(); // the client went away mid-body: nobody to answer
      }
      const { path, query } = splitTarget(req.url);
      const answer = await handle({ method: req.method, path, query, headers: rawHeaderPairs(req.rawHeaders), body });
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.setHeader('content-length', answer.body.byteLength);
      res.end(answer.body);
    } catch (error) {
      log({ level: 'error', source: 'host', event: 'http_handler_failed', error: String(error?.message ?? error) });
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request could not be completed; retry it');
      else res.destroy();
    }
  };
}
