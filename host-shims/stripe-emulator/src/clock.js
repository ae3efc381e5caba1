// The emulator's notion of "now": an injectable base clock plus an offset
// that tests (or POST /_emulator/clock) can advance to fast-forward time.

export function createClock(base = Date.now) {
  let offsetMs = 0;
  return {
    /** Current time in milliseconds. */
    nowMs: () => base() + offsetMs,
    /** Current time in unix seconds (what Stripe objects carry). */
    now: () => Math.floor((base() + offsetMs) / 1000),
    advance(ms) {
      offsetMs += ms;
    },
    offsetMs: () => offsetMs,
    resetOffset() {
      offsetMs = 0;
    },
  };
}
