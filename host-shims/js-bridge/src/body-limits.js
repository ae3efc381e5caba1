// The body limit per route, shared by the Node host and the Worker so both refuse the
// same requests with the same 413: reads and cancellations carry no meaningful body,
// a reservation request is a few hundred bytes, and webhooks and PUT events keep the
// host's general limit. The core has its own limits behind these.
import { errorResponse } from './responses.js';

/** GET, HEAD, DELETE (and OPTIONS): at most this many bytes of body. */
export const SMALL_BODY_LIMIT = 1024;
/** POST /v1/reservations. */
export const RESERVATION_BODY_LIMIT = 16 * 1024;
export const RESERVATIONS_PATH = '/v1/reservations';

const SMALL_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** The largest body accepted for a route; `general` is the host's limit for the rest. */
export function bodyLimitFor(method, path, general) {
  if (SMALL_BODY_METHODS.has(method)) return Math.min(SMALL_BODY_LIMIT, general);
  if (method === 'POST' && path === RESERVATIONS_PATH) return Math.min(RESERVATION_BODY_LIMIT, general);
  return general;
}

/** The 413 every host answers, in the core's error shape and with the core's code. */
export function tooLarge(limit) {
  return errorResponse(413, 'payload_too_large', `the body exceeds ${limit} bytes`);
}
