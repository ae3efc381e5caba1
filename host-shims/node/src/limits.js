// Abuse limits the Node host applies before a request reaches the core: a token bucket
// per client address on the routes the core's route table marks hold_rate_limited
// (POST /v1/reservations, however its path is spelt), a cap on requests in flight on
// this instance, and a body limit per route. The core decides everything about bookings
// (including its own per-guest hold limit); these only keep one client or one burst
// from taking the instance down. Answers use the core's error shape.
import { errorResponse } from '../../js-bridge/src/index.js';

export { bodyLimitOf, tooLarge, undescribedRequest } from '../../js-bridge/src/index.js';

// Buckets kept at most; past it, full (idle) buckets go first, then the least recent.
const MAX_BUCKETS = 10_000;

/**
 * Token buckets keyed by client: `perMinute` tokens refill per minute, up to a burst of
 * the same number. take(key) spends one token and returns 0, or returns the whole
 * seconds until one is available. Memory is bounded by `maxBuckets`.
 * @param {{perMinute: number, maxBuckets?: number, now?: () => number}} o
 * @returns {{take(key: string): number, readonly size: number}}
 */
export function createRateLimiter({ perMinute, maxBuckets = MAX_BUCKETS, now = () => Date.now() }) {
  const capacity = perMinute;
  const perMs = perMinute / 60_000;
  /** @type {Map<string, {tokens: number, at: number}>} */
  const buckets = new Map(); // key -> {tokens, at}; Map order = least recently used first

  function refill(b, t) {
    b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
    b.at = t;
  }

  function evict(t) {
    // A full bucket is the same as no bucket: dropping it forgets nothing.
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= capacity) buckets.delete(key);
    }
    // Still too many active clients: forget the least recent ones (down to 90%, so
    // that this scan does not run on every new client).
    const keep = Math.floor(maxBuckets * 0.9);
    for (const key of buckets.keys()) {
      if (buckets.size <= keep) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (b) {
        buckets.delete(key); // re-inserted below: most recent last
        refill(b, t);
      } else {
        if (buckets.size >= maxBuckets) evict(t);
        b = { tokens: capacity, at: t };
      }
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The client's address: the socket's peer, or, behind trusted proxies, the
 * X-Forwarded-For entry the outermost trusted proxy appended. Proxies (nginx, load
 * balancers, Cloudflare) append the address they saw to whatever the client sent, so
 * only the entries they added can be believed: with `trustProxy` hops of proxies, the
 * `trustProxy`-th entry from the right (true: one hop). The leftmost entries are the
 * client's own words, and a client could claim a fresh address with each request.
 * Null when no address is known.
 * @param {[string, string][]} headers  @param {string | null | undefined} remoteAddress
 * @param {boolean | number} trustProxy  @returns {string | null}
 */
export function clientAddress(headers, remoteAddress, trustProxy) {
  let address = remoteAddress;
  const hops = trustProxy === true ? 1 : typeof trustProxy === 'number' ? trustProxy : 0;
  if (hops > 0) {
    // Repeated headers are one list, in order.
    const entries = headers
      .filter(([name]) => name.toLowerCase() === 'x-forwarded-for')
      .flatMap(([, value]) => value.split(','))
      .map((entry) => entry.trim())
      .filter(Boolean);
    const appended = entries[entries.length - hops];
    if (appended) address = appended;
  }
  if (address === undefined || address === null || address === '') return null;
  address = String(address);
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * @param {{rateLimitPerMinute: number, trustProxy: boolean | number, maxInFlight: number, now?: () => number}} o
 * @returns {{admit(req: {holdRateLimited: boolean, headers: [string, string][], remoteAddress?: string}):
 *   {refused: import('../../js-bridge/src/envelope.js').BridgeResponse | null, release: () => void}, readonly inFlight: number}}
 */
export function createLimits({ rateLimitPerMinute, trustProxy, maxInFlight, now }) {
  const limiter = rateLimitPerMinute > 0 ? createRateLimiter({ perMinute: rateLimitPerMinute, now }) : null;
  let inFlight = 0;
  const noop = () => {};

  return {
    admit({ holdRateLimited, headers, remoteAddress }) {
      if (maxInFlight > 0 && inFlight >= maxInFlight) {
        return { refused: errorResponse(503, 'overloaded', 'too many requests in flight; retry shortly', [['Retry-After', '1']]), release: noop };
      }
      // Only when the client is known: handle() without remoteAddress is not limited.
      const client = limiter && holdRateLimited ? clientAddress(headers, remoteAddress, trustProxy) : null;
      if (limiter && client !== null) {
        const wait = limiter.take(client);
        if (wait > 0) {
          return {
            refused: errorResponse(429, 'rate_limited', `too many reservation requests from this client; retry in ${wait} s`, [['Retry-After', String(wait)]]),
            release: noop,
          };
        }
      }
      inFlight++;
      let released = false;
      return {
        refused: null,
        release() {
          if (!released) {
            released = true;
            inFlight--;
          }
        },
      };
    },
    get inFlight() {
      return inFlight;
    },
  };
}
