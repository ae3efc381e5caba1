// The Worker speaks Request/Response; js-bridge and the core speak plain answers
// ({status, headers, body} with bytes). The conversions between the two, and the
// reading of JSON bodies and thrown values, live here so that every module of the
// Worker does them the same way.
import { errorResponse } from '../../js-bridge/src/index.js';

/**
 * An answer as js-bridge and the core give it.
 * @typedef {object} BridgeResponse
 * @property {number} status
 * @property {Array<[string, string]>} headers
 * @property {Uint8Array} body
 */

/**
 * A request as js-bridge's task runner takes it.
 * @typedef {object} BridgeRequest
 * @property {string} method
 * @property {string} path
 * @property {string} [query]  without the leading '?'
 * @property {Headers | Array<[string, string]>} [headers]
 * @property {string | Uint8Array} [body]
 */

const decoder = new TextDecoder();

/**
 * The JSON body of a request or response, or null.
 * @param {Uint8Array} bytes
 * @returns {any}
 */
export function jsonOf(bytes) {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
}

/**
 * A js-bridge answer as a Response, body and all.
 * @param {BridgeResponse} answer
 * @returns {Response}
 */
export function asResponse(answer) {
  return new Response(/** @type {BodyInit} */ (answer.body), { status: answer.status, headers: answer.headers });
}

/**
 * What a thrown value says, for a log line.
 * @param {unknown} error
 * @returns {string}
 */
export function messageOf(error) {
  return String(/** @type {any} */ (error)?.message ?? error);
}

/**
 * An error in the core's shape ({"error": {"code", "message"}}), answered by the Worker.
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Array<[string, string]>} [extraHeaders]
 * @returns {Response}
 */
export function jsonError(status, code, message, extraHeaders = []) {
  return asResponse(errorResponse(status, code, message, extraHeaders));
}

/**
 * The answer to send: no body for HEAD, 204, 304 or an empty one (a Response refuses a
 * body with 204 and 304).
 * @param {BridgeResponse} res
 * @param {string} method
 * @returns {Response}
 */
export function toResponse(res, method) {
  const noBody = method === 'HEAD' || res.status === 204 || res.status === 304 || res.body.length === 0;
  return new Response(noBody ? null : /** @type {BodyInit} */ (res.body), { status: res.status, headers: res.headers });
}
