// A Stripe event about a Checkout Session, read and applied. Two paths bring events:
// a delivered webhook (api/webhook_handler.cpp, after its signature is verified) and
// the events pass, which lists the ones whose webhooks never came
// (payments/missed_events.h). Both read and apply an event here, so an event seen both
// ways has one meaning and, through the effect's record (payment_effects.h), one effect.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "slotguard/base/json.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/stripe/checkout_session.h"

namespace slotguard {

inline constexpr std::string_view kSessionEventPrefix = "checkout.session.";

// An event as far as its effect needs it. `session` is read only for a
// checkout.session.* event (`about_session`).
struct SessionEvent {
  EventRef ref;
  bool about_session = false;
  SessionState session;
  // account.updated: the connected account and whether it can take charges now.
  std::optional<std::pair<std::string, bool>> account;
};

// Reads an event object in one pass over each object it needs (a repeated key counts
// as its last occurrence). Nullopt when it is not a Stripe event: no safe id, no type,
// or no data.object.
std::optional<SessionEvent> read_session_event(const JsonValue& event);

// The effect of a checkout.session.* event on the reservation it is about, recorded
// under the event's id. NotFound, with nothing recorded: the event names no reservation
// this store holds (outcome "unknown_session" when it names none at all,
// "unknown_reservation" otherwise); the webhook records that, the events pass skips it.
Co<EffectResult> apply_session_event(Services& s, const SessionEvent& ev);

}  // namespace slotguard
