// Before a lapsed hold with a linked Checkout Session is released, Stripe is asked what
// became of the session. Webhooks go missing (an endpoint misconfigured after a deploy,
// a secret rotated on one side, an outage longer than Stripe's retries): without this
// look, the sweep would release a hold whose guest paid, and the money would stay with
// the merchant for nothing. What the session says is applied through the same effects
// a delivered webhook applies (payment_effects.h), so an event seen both ways counts
// once.
#pragma once
#include "slotguard/booking/domain.h"
#include "slotguard/host/services.h"

namespace slotguard {

enum class LapsedHold {
  Release,  // the session is expired (now, if it was open), or Stripe refused for good:
            // release the hold as usual
  Settled,  // the session was paid (the hold is confirmed, or refunded when its slot is
            // gone) or completed with a voucher (the hold is extended): do not release
  Keep,     // Stripe did not answer, an open session could not be expired, or the
            // effect could not be applied: the next sweep looks again
};

// The outcomes of a payment effect that settle a booking (it is confirmed, refunded,
// held for a voucher, or let go): what a reconciliation counts and logs.
bool settles_booking(std::string_view outcome);
// Counts (slotguard_reconciled_total{source,outcome}) and logs, ids only, an effect
// applied without its webhook. `source`: sweep, cancel or events; `object`: the
// Stripe object it was learnt from, by id.
void report_reconciled(Services& s, std::string_view source, std::string_view outcome, std::string_view reservation_id,
                       LogField object);

// `r`: a pending hold past its expiry with a linked session.
Co<LapsedHold> settle_lapsed_hold(Services& s, Reservation r);

// `r`: a hold with a linked session that its guest just released (DELETE). Closes the
// session; when Stripe will not, because the guest paid it meanwhile (in another tab),
// applies that payment as its webhook would: a payment for a cancelled hold is refunded
// in full. True when a payment was applied (the reservation changed since `r`).
Co<bool> close_released_session(Services& s, Reservation r);

}  // namespace slotguard
