// Opening and closing the Checkout Session of a held reservation. Shared by the
// create flow, idempotent replays, cancellation and the sweep.
#pragma once
#include "domain.h"
#include "http_types.h"
#include "reservation_txn.h"
#include "services.h"

namespace slotguard::api {

// Creates (or, under the same idempotency key, re-fetches) the session for a pending
// hold and links it. Answers 201 with the reservation and checkout URL, 502 when
// Stripe fails (the hold is released), 409 when the hold was released meanwhile.
Co<HttpResponse> open_checkout(Services& s, Reservation held, bool replayed);

// Asks Stripe to expire an open session. Failure is logged, not fatal: a payment
// that slips through is confirmed or refunded when its webhook arrives.
Co<bool> expire_checkout(Services& s, std::string session_id);

// Releases a pending reservation with a reason; NoChange if it is not pending.
Co<TxnOutcome> release_pending(Services& s, std::string rid, std::string reason);

}  // namespace slotguard::api
