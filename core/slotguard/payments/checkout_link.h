// Opening and closing the Checkout Session of a held reservation. Shared by the
// create flow, idempotent replays, cancellation and the sweep.
//
// The rules that keep a guest's slot and money safe while Stripe misbehaves:
//   - a hold with a session linked is never released here (only expiry, the guest,
//     or a Stripe event about that session may end it);
//   - a transient answer (no answer, 409 key in flight, 429, 5xx) never releases a
//     hold: the caller answers 503 and the replay or the sweep finishes the link;
//   - a session is only linked while its hold is live, and always expires before it.
#pragma once
#include "slotguard/booking/domain.h"
#include "slotguard/base/http_types.h"
#include "slotguard/ledger/reservation_txn.h"
#include "slotguard/host/services.h"

namespace slotguard {

// Stripe refuses a Checkout Session whose expires_at is less than 30 minutes away.
inline constexpr int64_t kStripeMinSessionLeadMs = 30 * kMinuteMs;
// A hold that could not open its checkout within this long after it was taken is not
// extended again: during a long Stripe outage it lapses instead of blocking the slot.
inline constexpr int64_t kMaxCheckoutOpenDelayMs = 10 * kMinuteMs;

// Sets a new hold's session expiry and hold expiry from `now` (see the .cpp).
void plan_hold_expiry(const Config& cfg, int64_t now, Reservation& r);

// How opening a hold's checkout ended. The flow decides; the API turns each kind into
// its answer (api/reservations_handler.cpp, checkout_answer), the sweep into a count.
struct CheckoutOutcome {
  enum class Kind {
    Linked,      // the hold has its session (linked now, or earlier by a twin): `reservation`
    Deferred,    // Stripe's answer may be transient: the hold stays, and a replay with the
                 // same Idempotency-Key or the sweep finishes the link
    Refused,     // Stripe refused for good: the unlinked hold was released
    Released,    // the hold ended while Stripe was answering
    Busy,        // the store is too contended
    StoreError,  // the store failed
  } kind = Kind::StoreError;
  std::optional<Reservation> reservation;  // Linked only
};

// Creates (or, under the same idempotency key, re-fetches) the session for a pending
// hold and links it.
Co<CheckoutOutcome> open_checkout(Services& s, Reservation held);

// Asks Stripe to expire an open session. Failure is logged, not fatal: a payment
// that slips through is confirmed or refunded when its webhook arrives.
Co<bool> expire_checkout(Services& s, std::string session_id);

// Releases a pending reservation that has no session linked, with a reason; NoChange
// if it is not pending or already has a session.
Co<TxnOutcome> release_unlinked(Services& s, std::string rid, ReleaseReason reason);

// Releases a series' pending occurrences (`ids`: the series, lead first) together, in
// one commit, when its lead is released (with `only_unlinked`, only while the lead has
// no session linked); occurrences that are not pending stay as they are.
Co<GroupOutcome> release_series(Services& s, std::vector<std::string> ids, ReleaseReason reason, bool only_unlinked);
// The same, with the lead's own decision (`lead_decides`: a release, or no change); the
// other pending occurrences follow it.
Co<GroupOutcome> release_series_after(Services& s, std::vector<std::string> ids, ReleaseReason reason, Decide lead_decides);

}  // namespace slotguard
