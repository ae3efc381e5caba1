// Abuse limits the Node host applies before a request reaches the core: a token bucket
// per client address on the routes the core's route table marks hold_rate_limited
// (POST /v1/reservations, however its path is spelt), a cap on requests in flight on
// this instance (with a reserve for the Stripe webhook and health checks), and a body
// limit per route. The core decides everything about bookings (including its own
// per-guest hold limit); these only keep one client or one burst from taking the
// instance down. Answers use the core's error shape.
import { errorResponse } from '../../js-bridge/src/index.js';

export { bodyLimitOf, tooLarge, undescribedRequest } from '../../js-bridge/src/index.js';

/** @typedef {import('../../js-bridge/src/envelope.js').BridgeResponse} BridgeResponse */
/** @typedef {{refused: BridgeResponse | null, release: () => void}} Admission */

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

// Routes, by the core's route table's names, that keep the last places under the cap to
// themselves: a webhook turned away comes back only with Stripe's back-off (up to hours
// later, the booking unconfirmed meanwhile), and a load balancer whose health checks
// fail takes a busy instance out instead of letting it catch up.
const RESERVED_ROUTES = new Set(['stripe.webhook', 'healthz']);

/**
 * The places under a cap of `maxInFlight` that only RESERVED_ROUTES may take: an eighth,
 * and at least one, unless the cap is a single place.
 * @param {number} maxInFlight  @returns {number}
 */
export function reservedPlaces(maxInFlight) {
  return maxInFlight >= 2 ? Math.ceil(maxInFlight / 8) : 0;
}

/**
 * rate() is asked before a request's body is read (a refused client need not send it);
 * enter() once the body has arrived, so a client slow to send one holds a socket but no
 * place under the cap. admit() is both, for requests that come with their body.
 * @param {{rateLimitPerMinute: number, trustProxy: boolean | number, maxInFlight: number, now?: () => number}} o
 */
export function createLimits({ rateLimitPerMinute, trustProxy, maxInFlight, now }) {
  const limiter = rateLimitPerMinute > 0 ? createRateLimiter({ perMinute: rateLimitPerMinute, now }) : null;
  const ordinaryCap = maxInFlight - reservedPlaces(maxInFlight);
  let inFlight = 0;
  const noop = () => {};

  /** The per-client rate limit: a 429 to send, or null.
   * @param {{holdRateLimited: boolean, headers: [string, string][], remoteAddress?: string}} req
   * @returns {BridgeResponse | null} */
  function rate({ holdRateLimited, headers, remoteAddress }) {
    // Only when the client is known: handle() without remoteAddress is not limited.
    const client = limiter && holdRateLimited ? clientAddress(headers, remoteAddress, trustProxy) : null;
    const wait = limiter && client !== null ? limiter.take(client) : 0;
    if (wait === 0) return null;
    return errorResponse(429, 'rate_limited', `too many reservation requests from this client; retry in ${wait} s`, [['Retry-After', String(wait)]]);
  }

  /** A place among the requests in flight, given back by release(), or a 503 to send.
   * @param {string | null} route  the core's name for the request's route
   * @returns {Admission} */
  function enter(route) {
    const cap = route !== null && RESERVED_ROUTES.has(route) ? maxInFlight : ordinaryCap;
    if (maxInFlight > 0 && inFlight >= cap) {
      return { refused: errorResponse(503, 'overloaded', 'too many requests in flight; retry shortly', [['Retry-After', '1']]), release: noop };
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
  }

  return {
    rate,
    enter,
    /** @param {{route: string | null, holdRateLimited: boolean, headers: [string, string][], remoteAddress?: string}} req
     * @returns {Admission} */
    admit(req) {
      const refused = rate(req);
      return refused ? { refused, release: noop } : enter(req.route);
    },
    get inFlight() {
      return inFlight;
    },
  };
}
