// What a Checkout Session object says, as Stripe sends it in a checkout.session.* event
// and answers GET /v1/checkout/sessions/{id}: read once, for the webhook and for the
// sweep's look before it releases a lapsed hold (payments/reconcile.h).
#pragma once
#include <string>

#include "slotguard/base/json.h"
#include "slotguard/payments/payment_effects.h"

namespace slotguard {

struct SessionState {
  SessionFacts facts;
  std::string client_reference_id;
  std::string status;          // open, complete, expired
  std::string payment_status;  // paid, unpaid, no_payment_required
  // Paid, or nothing to pay: what confirms a booking.
  bool paid() const { return payment_status == "paid" || payment_status == "no_payment_required"; }
};

// Reads a session object in one pass (a repeated key counts as its last occurrence);
// members that are absent or of another type read as empty.
SessionState read_session(const JsonValue& session);

}  // namespace slotguard
