// Webhooks are Stripe's attempt to push its events; the events themselves stay listable
// for 30 days (GET /v1/events). The events pass lists the checkout.session.* events
// after a cursor kept in the store and applies each one exactly as its webhook would
// (stripe/session_events.h), so a payment, a voucher's outcome or an expiry whose
// webhook never came (an endpoint misconfigured after a deploy, a secret rotated on one
// side, an outage longer than Stripe's three days of retries) still takes effect, once:
// an event seen both ways is recorded under its own id by whichever path came first.
// It runs at the start of every sweep, bounded per run.
#pragma once
#include "slotguard/host/services.h"

namespace slotguard {

struct EventsPass {
  int applied = 0;      // events whose effect settled a booking (reconcile.h)
  bool more = false;    // events remain past this run's bound: sweep again
  bool failed = false;  // Stripe or the store did not answer, or an effect could not be
                        // applied: the cursor stays before it, the next sweep goes on
};

// One bounded pass: at most kEventPagesPerPass pages of Stripe's event list.
//
// The cursor (store key keys::stripe_events_cursor) names the newest event applied;
// each run lists the events after it, oldest first (ending_before). Before the first
// event, and when the one it names has aged out of Stripe's 30 days, it searches back
// from a time instead (created[gte], starting_after) to the oldest event since then.
// The first run starts three days back: Stripe stops retrying a webhook after three.
// Events about reservations this store does not hold are skipped without a record (with
// one store per expert, every store reads every event).
inline constexpr int kEventPagesPerPass = 5;
Co<EventsPass> replay_missed_events(Services& s);

}  // namespace slotguard
