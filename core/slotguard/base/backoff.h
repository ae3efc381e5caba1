// Exponential back-off, shared by everything the core retries on a schedule
// (refunds Stripe has not confirmed, notifications the app has not taken).
#pragma once
#include <cstdint>

namespace slotguard {

// The wait before the next try after `failures` failures: `first_ms` after the first,
// doubling with each one after it, never more than `max_ms`.
constexpr int64_t backoff_ms(int64_t failures, int64_t first_ms, int64_t max_ms) {
  int64_t ms = first_ms;
  for (int64_t i = 1; i < failures && ms < max_ms; ++i) ms *= 2;
  return ms < max_ms ? ms : max_ms;
}

}  // namespace slotguard
