// Idempotency-Key handling for POST requests, scoped per API key.
// A replay with the same key, endpoint and params returns the saved response;
// the same key with another endpoint or other params is an idempotency_error.
// Keys expire after 24 hours (emulator clock), like Stripe's.
import { idempotencyError } from './errors.js';

const TTL_MS = 24 * 60 * 60 * 1000;

/** JSON with object keys sorted, so param order does not matter. */
export function fingerprint(value) {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${fingerprint(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createIdempotencyStore({ clock }) {
  const entries = new Map();

  const prune = () => {
    const cutoff = clock.nowMs() - TTL_MS;
    for (const [k, e] of entries) {
      if (e.createdMs >= cutoff) break; // insertion order == age order
      entries.delete(k);
    }
  };

  return {
    /**
     * @returns {null | {status:number, body:string, requestId:string}} the saved
     *   response to replay, or null to execute the request.
     * @throws StripeError (idempotency_error) on key reuse with other params.
     */
    lookup(scope, key, endpoint, params) {
      if (key.length > 255) throw idempotencyError('Idempotency keys must be at most 255 characters long.');
      prune();
      const entry = entries.get(`${scope}\u0000${key}`);
      if (!entry) return null;
      if (entry.endpoint !== endpoint) {
        throw idempotencyError(
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (entry.fingerprint !== fingerprint(params)) {
        throw idempotencyError(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      return entry;
    },

    save(scope, key, endpoint, params, { status, body, requestId }) {
      entries.set(`${scope}\u0000${key}`, {
        endpoint,
        fingerprint: fingerprint(params),
        status,
        body,
        requestId,
        createdMs: clock.nowMs(),
      });
    },

    clear() {
      entries.clear();
    },

    get size() {
      return entries.size;
    },
  };
}
