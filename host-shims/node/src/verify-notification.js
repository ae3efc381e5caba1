// verifyNotification: what an app runs on each notification slotguard sends it. The
// core signs the raw body the way Stripe signs webhooks, so the scheme is familiar:
//   Slotguard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// signed with the first of the sender's secrets; while rotating, the receiver lists the
// new and the old secret, and any v1 matching any of them verifies. Verification needs
// the exact bytes received: pass the raw body, not a re-serialised object.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** @param {string | string[]} secrets  @returns {string[]} */
function secretList(secrets) {
  const list = (Array.isArray(secrets) ? secrets : String(secrets ?? '').split(','))
    .map((s) => String(s).trim())
    .filter(Boolean);
  if (list.length === 0) throw new TypeError('verifyNotification: no secret given (the notify secret, or several comma-separated)');
  return list;
}

/** @param {string | Uint8Array | ArrayBuffer} rawBody  @returns {Buffer} */
function rawBytes(rawBody) {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (rawBody instanceof ArrayBuffer) return Buffer.from(rawBody);
  if (ArrayBuffer.isView(rawBody)) return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  throw new TypeError('verifyNotification: rawBody must be the raw body as a string, Buffer or Uint8Array');
}

/** @param {string | string[] | undefined | null} header */
function parseHeader(header) {
  if (Array.isArray(header)) header = header.join(',');
  if (typeof header !== 'string' || header.trim() === '') throw new Error('slotguard notification: the Slotguard-Signature header is missing');
  /** @type {number | null} */
  let t = null;
  /** @type {Buffer[]} */
  const signatures = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (t === null) throw new Error('slotguard notification: the Slotguard-Signature header has no valid timestamp (t=)');
  if (signatures.length === 0) throw new Error('slotguard notification: the Slotguard-Signature header has no v1 signature');
  return { t, signatures };
}

/**
 * @param {string|Uint8Array|ArrayBuffer} rawBody  the body exactly as received
 * @param {string|string[]|undefined|null} header  the Slotguard-Signature header (missing: an Error)
 * @param {string|string[]} secrets  the notify secret(s): comma-separated or an array
 * @param {{toleranceSeconds?: number}} [options]  how old (or how far ahead) t may be; default 300
 * @returns {import('./index.js').SlotguardNotification} the parsed notification {id, type, created, data}
 * @throws {Error} bad header, stale timestamp, or no signature matches
 */
export function verifyNotification(rawBody, header, secrets, { toleranceSeconds = 300 } = {}) {
  const keys = secretList(secrets);
  const body = rawBytes(rawBody);
  const { t, signatures } = parseHeader(header);
  const now = Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > toleranceSeconds)
    throw new Error(`slotguard notification: the signature timestamp is outside the tolerance of ${toleranceSeconds} s`);
  const prefix = Buffer.from(`${t}.`, 'utf8');
  let matched = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(prefix).update(body).digest();
    // Every pair is compared (no early exit), each in constant time.
    for (const sig of signatures) if (timingSafeEqual(expected, sig)) matched = true;
  }
  if (!matched) throw new Error('slotguard notification: no signature matches (wrong secret, or the body was changed)');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('slotguard notification: the signed body is not JSON');
  }
}
