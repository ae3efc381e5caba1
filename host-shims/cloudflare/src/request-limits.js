// What a request must pass before it becomes a task on the module: the rate-limiting
// binding on the routes that take holds, and a body limit per route, both as the core's
// route table describes the request (so every spelling of a path is limited alike).
// Both are answered by the Worker itself, so that a flood or an oversized body costs no
// store call.
import { bodyLimitOf, tooLarge } from '../../js-bridge/src/index.js';
import { asResponse, jsonError, messageOf } from './http.js';

/** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */

export const MAX_BODY_BYTES = 1024 * 1024;
// The rate-limiting binding answers only yes or no; its period (60 s in the example's
// wrangler.toml) is the longest a refused client has to wait.
const RATE_LIMIT_RETRY_AFTER_S = '60';

/**
 * Cloudflare's rate-limiting binding, when the deployment has one (wrangler.toml
 * [[ratelimits]]): one key per client address, on the route that takes holds. The
 * limiter is a safeguard, not a dependency: if it fails, the request is served.
 * @param {Request} request
 * @param {RequestDescription} d  the core's description of the request
 * @param {any} env  the Worker's bindings
 * @param {(record: object) => void} log
 * @returns {Promise<Response | null>}  the 429 to send, or null to go on
 */
export async function rateLimited(request, d, env, log) {
  const limiter = env.SLOTGUARD_RATE_LIMITER;
  if (!limiter || typeof limiter.limit !== 'function' || !d.hold_rate_limited) return null;
  let success = true;
  try {
    ({ success } = await limiter.limit({ key: request.headers.get('cf-connecting-ip') ?? 'unknown' }));
  } catch (error) {
    log({ level: 'warn', source: 'host', event: 'rate_limiter_failed', error: messageOf(error) });
  }
  if (success) return null;
  return jsonError(429, 'rate_limited', `too many reservation requests from this client; retry in ${RATE_LIMIT_RETRY_AFTER_S} s`, [
    ['Retry-After', RATE_LIMIT_RETRY_AFTER_S],
  ]);
}

/**
 * The request's body, within its route's limit: refused on the declared length before
 * it is read, and on the bytes read (a body may come without a length).
 * @param {Request} request
 * @param {RequestDescription} d  the core's description of the request
 * @returns {Promise<Uint8Array | Response>}  the body, or the 413 to send
 */
export async function readBody(request, d) {
  const limit = bodyLimitOf(d, MAX_BODY_BYTES);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) return asResponse(tooLarge(limit));
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.length > limit) return asResponse(tooLarge(limit));
  return body;
}
