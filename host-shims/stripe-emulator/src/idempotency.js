// Idempotency-Key handling for POST requests, scoped per API key.
// A replay with the same key, endpoint and params returns the saved response;
// the same key with another endpoint or other params is an idempotency_error.
// Keys expire after 24 hours (emulator clock), like Stripe's.
//
// While a request runs, its key is "in flight": a twin that arrives meanwhile
// gets a 409 and nothing is saved for it, as on Stripe. The first request then
// saves its result (or saves nothing, for results Stripe does not keep) and
// releases the key.
import { idempotencyError, idempotencyInFlight } from './errors.js';

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
  // scope + key -> the claim of the running request. A claim only saves while
  // it is still the one registered, so a request that was running across a
  // reset does not write its result into the fresh store.
  const inFlight = new Map();

  const prune = () => {
    const cutoff = clock.nowMs() - TTL_MS;
    for (const [k, e] of entries) {
      if (e.createdMs >= cutoff) break; // insertion order == age order
      entries.delete(k);
    }
  };

  const store = {
    /**
     * @returns {null | {status:number, body:string, requestId:string}} the saved
     *   response to replay, or null to execute the request (then call begin()
     *   before yielding, so that a twin sees the key in flight).
     * @throws StripeError (idempotency_error): 400 on key reuse with other
     *   params, 409 while another request with the key is still running.
     */
    lookup(scope, key, endpoint, params) {
      if (key.length > 255) throw idempotencyError('Idempotency keys must be at most 255 characters long.');
      prune();
      const id = `${scope}\u0000${key}`;
      const entry = entries.get(id);
      if (!entry) {
        if (inFlight.has(id)) throw idempotencyInFlight();
        return null;
      }
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

    /**
     * Mark the key in flight for a request that is about to execute.
     * @returns {{save(result): void, release(): void}} save() stores the result
     *   and releases the key; release() frees it without saving (idempotent).
     */
    begin(scope, key, endpoint, params) {
      const id = `${scope}\u0000${key}`;
      const claim = {
        save: (result) => {
          if (inFlight.get(id) === claim) store.save(scope, key, endpoint, params, result);
          claim.release();
        },
        release: () => {
          if (inFlight.get(id) === claim) inFlight.delete(id);
        },
      };
      inFlight.set(id, claim);
      return claim;
    },

    clear() {
      entries.clear();
      inFlight.clear();
    },

    get size() {
      return entries.size;
    },
  };
  return store;
}
