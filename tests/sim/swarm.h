// The swarm simulation: one seed decides a whole run of slotguard under faults.
//
// Several instances of the core share one store, each with its own clock (they
// disagree by up to a skew the seed draws). Guests book overlapping slots of one
// expert across event types with buffers (some as weekly series, paid at once), and of
// a round-robin pool of two, retry with the same Idempotency-Key, cancel,
// pay by card or Multibanco, or walk away; Stripe's webhooks arrive late, twice, out of
// order and concurrently; sweeps run at random times. Meanwhile the seed's fault rates
// make store reads, lists and commits fail, commits apply with their answer lost,
// Stripe answer 5xx, 429, 409 for a key still in flight, time out, or perform a call
// and lose its answer; instances crash (every task in flight is dropped) and come back
// on the same store; time jumps forward.
//
// A state checker judges every step (no two active overlapping reservations; no
// refund of a confirmed reservation; at most one refund per payment; no payable
// session for a slot that is not held; every series all or nothing; the pool's state
// agreeing with the bookings it gave, and its turns) and, after the run is healed (faults off, every
// task finished, every webhook delivered, time past every expiry, sweeps until quiet),
// the end state (every paid session confirmed or refunded exactly once; no hold past
// its expiry; every session linked or expired). Same seed, same run: a failure names
// its seed, and SLOTGUARD_SEED=<seed> replays it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slotguard::sim {

struct SwarmOptions {
  uint64_t seed = 1;
  int workload_steps = 400;  // steps before healing
  bool trace = false;        // print every step to stderr
};

struct SwarmReport {
  uint64_t seed = 0;
  std::string violation;  // empty: every invariant held
  uint64_t steps = 0;     // host calls served and workload actions taken
  // What the run did, for the long-run summary.
  uint64_t holds = 0, conflicts = 0, payments = 0, confirmed = 0, refunded = 0;
  uint64_t store_faults = 0, stripe_faults = 0, crashes = 0, webhooks = 0;
  uint64_t ledger_refusals = 0;  // decisions the ledger refused (clocks disagreeing)
  // Series held (201), confirmed, and occurrences cancelled after confirmation; bookings
  // the pool gave.
  uint64_t series = 0, series_confirmed = 0, occurrences_cancelled = 0, pool_bookings = 0;
  // Bookings paid with the pack's credits, and of them those cancelled with the credit back.
  uint64_t pack_bookings = 0, credits_returned = 0;
  std::vector<std::string> last_steps;  // the tail of the trace, for a failure report
  bool ok() const { return violation.empty(); }
};

SwarmReport run_swarm(const SwarmOptions& options);

}  // namespace slotguard::sim
