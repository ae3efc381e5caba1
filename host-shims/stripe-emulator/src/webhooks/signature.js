// Stripe webhook signatures: Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256
// of "<t>.<raw body>" keyed with the endpoint secret>.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function computeSignature(timestamp, payload, secret) {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

export function signatureHeader(payload, secret, timestamp) {
  return `t=${timestamp},v1=${computeSignature(timestamp, payload, secret)}`;
}

/**
 * Verify a Stripe-Signature header (for consumers without the SDK).
 * @returns {boolean}
 */
export function verifySignature(payload, header, secret, { toleranceSeconds = 300, now = Math.floor(Date.now() / 1000) } = {}) {
  if (typeof header !== 'string') return false;
  let t = null;
  const sigs = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k === 't') t = Number(v);
    else if (k === 'v1' && v) sigs.push(v);
  }
  if (!Number.isInteger(t) || sigs.length === 0) return false;
  if (toleranceSeconds > 0 && Math.abs(now - t) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(t, payload, secret), 'hex');
  return sigs.some((s) => {
    const got = Buffer.from(s, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
