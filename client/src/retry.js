// Retrying a 503: slotguard answers 503 with Retry-After when trying again later is the
// way through (the host is at its cap, a store or Stripe was briefly unreachable, a
// commit lost a race); a 503 without it (a webhook secret not configured) is final.

/**
 * Milliseconds a Retry-After asks for (delta-seconds or an HTTP date), or null.
 * @param {string | null} value  @param {number} now
 * @returns {number | null}
 */
export function retryAfterMs(value, now = Date.now()) {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Sends `make()` until it answers something other than a 503 with Retry-After, at most
 * `retries` times more, waiting what the server asks (never more than `maxDelayMs`: a
 * longer wait is the caller's decision, so that answer is returned as it is).
 * @param {() => Promise<Response>} make
 * @param {{retries: number, maxDelayMs: number, sleep?: (ms: number) => Promise<void>}} o
 * @returns {Promise<Response>}
 */
export async function with503Retries(make, { retries, maxDelayMs, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  for (let attempt = 0; ; attempt++) {
    const res = await make();
    if (res.status !== 503 || attempt >= retries) return res;
    const wait = retryAfterMs(res.headers.get('retry-after'));
    if (wait === null || wait > maxDelayMs) return res;
    await res.body?.cancel();
    await sleep(wait);
  }
}
