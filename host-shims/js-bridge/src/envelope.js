// The envelope format of wasm/ABI.md: u32 little-endian head length, JSON head, raw
// body bytes to the end. The body stays raw so webhook signatures can be checked over
// the exact bytes the client sent.

const encoder = new TextEncoder();
// fatal: a head the module wrote is always valid UTF-8; anything else is a bug worth
// surfacing rather than papering over with U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** @param {object} head  @param {Uint8Array} body  @returns {Uint8Array} */
export function encodeEnvelope(head, body = new Uint8Array(0)) {
  const headBytes = encoder.encode(JSON.stringify(head));
  const out = new Uint8Array(4 + headBytes.length + body.length);
  new DataView(out.buffer).setUint32(0, headBytes.length, true);
  out.set(headBytes, 4);
  out.set(body, 4 + headBytes.length);
  return out;
}

/** @param {Uint8Array} bytes  @returns {{head: any, body: Uint8Array}} */
export function decodeEnvelope(bytes) {
  if (bytes.length < 4) throw new Error('envelope shorter than its length prefix');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (n > bytes.length - 4) throw new Error('envelope head length exceeds the envelope');
  const head = JSON.parse(decoder.decode(bytes.subarray(4, 4 + n)));
  return { head, body: bytes.subarray(4 + n) };
}

/**
 * @typedef {object} BridgeRequest  a request as the bridge hands it to the core
 * @property {string} method
 * @property {string} path
 * @property {string} [query]  without the '?'
 * @property {HeaderInput} [headers]
 * @property {BodyInput} [body]
 */
/**
 * @typedef {object} BridgeResponse  a response as the core (or the bridge) answers it
 * @property {number} status
 * @property {[string, string][]} headers
 * @property {Uint8Array} body
 */
/**
 * @typedef {[string, string][] | Iterable<[string, string]> | Record<string, string | string[] | undefined> | null | undefined} HeaderInput
 * @typedef {string | Uint8Array | ArrayBuffer | ArrayBufferView | null | undefined} BodyInput
 */

/** Request head as the core reads it: headers are [name, value] pairs.
 * @param {BridgeRequest} req  @returns {Uint8Array} */
export function encodeRequest({ method, path, query = '', headers = [], body }) {
  return encodeEnvelope({ method, path, query, headers: headerPairs(headers) }, toBytes(body));
}

/** Response envelope -> {status, headers: [[name, value]], body}.
 * @param {Uint8Array} bytes  @returns {BridgeResponse} */
export function decodeResponse(bytes) {
  const { head, body } = decodeEnvelope(bytes);
  if (!Number.isInteger(head.status)) throw new Error('response envelope without a status');
  return { status: head.status, headers: Array.isArray(head.headers) ? head.headers : [], body };
}

/** Accepts pairs, a plain object (array values repeat the header) or anything iterable
 * as pairs (a WHATWG Headers). Names are lower-cased: HTTP names are case-insensitive.
 * @param {HeaderInput} headers  @returns {[string, string][]} */
export function headerPairs(headers) {
  if (!headers) return [];
  /** @type {[string, string][]} */
  const out = [];
  /** @param {unknown} k  @param {unknown} v */
  const add = (k, v) => out.push([String(k).toLowerCase(), String(v)]);
  if (typeof headers[Symbol.iterator] === 'function') {
    for (const [k, v] of /** @type {Iterable<[string, string]>} */ (headers)) add(k, v);
  } else {
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) v.forEach((x) => add(k, x));
      else add(k, v);
    }
  }
  return out;
}

/** @param {BodyInput} body  @returns {Uint8Array} */
export function toBytes(body) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('body must be a string, Uint8Array or ArrayBuffer');
}
