// What Stripe's payment events do to a reservation. Each effect commits together
// with the record of the event that caused it (key whevt/<event id>), so a duplicate
// delivery, or two deliveries racing, apply it once.
#pragma once
#include <string>

#include "reservation_txn.h"
#include "services.h"

namespace slotguard::api {

struct EventRef {
  std::string id;    // Stripe event id
  std::string type;  // e.g. checkout.session.completed
};

struct EffectResult {
  enum class Kind { Applied, Duplicate, NotFound, Busy, StoreError } kind = Kind::StoreError;
  std::string outcome;  // confirmed, refunded, released, held, ignored, ...
};

// A paid session: confirm the reservation, or, when its hold was lost and the slot
// went to someone else (or the guest cancelled), refund the payment.
Co<EffectResult> apply_payment(Services& s, EventRef ev, std::string rid, std::string session_id, std::string pi_id);
// A delayed method (Multibanco): the session completed unpaid; hold until `hold_until`.
Co<EffectResult> apply_voucher_hold(Services& s, EventRef ev, std::string rid, std::string session_id,
                                    std::string pi_id, int64_t hold_until);
// The session expired or its delayed payment failed: release a pending hold.
Co<EffectResult> apply_release(Services& s, EventRef ev, std::string rid, std::string session_id, std::string reason);
// Records an event that changes nothing (unknown session, unsupported type).
Co<EffectResult> record_event(Services& s, EventRef ev, std::string outcome);

// Asks Stripe for the full refund and records its id. Safe to repeat: a full refund
// cannot happen twice (Stripe answers charge_already_refunded, taken as done). Stripe
// replays a stored failure for the same idempotency key, so a retry passes a new
// `attempt` tag; the first attempt passes an empty one.
Co<bool> execute_refund(Services& s, std::string rid, std::string pi_id, std::string attempt = {});

}  // namespace slotguard::api
