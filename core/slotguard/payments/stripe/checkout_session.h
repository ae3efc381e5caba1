// What a Checkout Session object says, as Stripe sends it in a checkout.session.* event
// and answers GET /v1/checkout/sessions/{id}: read once, for the webhook and for the
// sweep's look before it releases a lapsed hold (payments/reconcile.h). Also what its
// answer to a create gives the core to link: one reading for a hold's checkout and a
// pack's, so both accept and refuse the same answers.
#pragma once
#include <optional>
#include <string>

#include "slotguard/base/json.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/stripe/stripe_api.h"

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

// The session a create (POST /v1/checkout/sessions) made: its id and the URL the guest
// pays at.
struct CreatedSession {
  std::string id;
  std::string url;
};

// nullopt unless `res` succeeded with a session object whose id is text the core can
// key records by (valid_minted_id) and whose URL is text, not empty. Read in one pass:
// a repeated key counts as its last occurrence, as in read_session.
std::optional<CreatedSession> created_session(const StripeResult& res);

}  // namespace slotguard
