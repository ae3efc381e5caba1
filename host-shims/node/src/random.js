// Randomness for the module: reservation ids are capabilities, so only a CSPRNG will do.
import { webcrypto } from 'node:crypto';

/** @type {(view: Uint8Array) => Uint8Array} */
export const getRandomValues = (view) => webcrypto.getRandomValues(view);

/** A random token for humans and bearer headers (hex, 2 * bytes characters).
 * @param {number} [bytes]  @returns {string} */
export function randomToken(bytes = 24) {
  return Buffer.from(getRandomValues(new Uint8Array(bytes))).toString('hex');
}
