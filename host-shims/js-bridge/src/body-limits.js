// The limits a host applies before a request becomes a task, shared by the Node host
// and the Worker so both refuse the same requests with the same 413 and 429. Which
// body limit a route has and whether the hold rate limit applies are the core's route
// table's answers (sg_describe_request, core/slotguard/api/routes.cpp), asked before
// the body is read: "/v1//reservations/" is the route "reservations.create" to the
// limits exactly as it is to the router. The core has its own limits behind these.
import { errorResponse } from './responses.js';

/** Bytes a request without a described route may carry when its method takes no body. */
const UNDESCRIBED_SMALL_LIMIT = 1024;
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * What the limits assume of a request the module could not describe (its envelope does
 * not decode, so the core will refuse it): the strictest answer.
 * @param {string} method
 * @returns {import('./contract.js').RequestDescription}
 */
export function undescribedRequest(method) {
  return {
    route: null,
    path: '',
    auth: 'public',
    body_limit_bytes: BODILESS_METHODS.has(method) ? UNDESCRIBED_SMALL_LIMIT : 0,
    hold_rate_limited: method === 'POST',
    scope: { kind: 'none' },
  };
}

/**
 * The largest body accepted for a described request; `general` is the host's limit,
 * which a route's limit of 0 means.
 * @param {import('./contract.js').RequestDescription} description  @param {number} general
 */
export function bodyLimitOf(description, general) {
  const own = description.body_limit_bytes;
  return own > 0 ? Math.min(own, general) : general;
}

/** The 413 every host answers, in the core's error shape and with the core's code.
 * @param {number} limit */
export function tooLarge(limit) {
  return errorResponse(413, 'payload_too_large', `the body exceeds ${limit} bytes`);
}
