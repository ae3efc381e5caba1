import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string of `length` characters. */
export function randomToken(length) {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

/** Stripe-style object id, e.g. newId('pi') -> "pi_3Nf...". */
export function newId(prefix, length = 24) {
  return `${prefix}_${randomToken(length)}`;
}

/** Random decimal digits (Multibanco references, entities). */
export function randomDigits(length) {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += String(bytes[i] % 10);
  return out;
}
