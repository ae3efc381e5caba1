// What Stripe's payment events do to a reservation. Each effect commits together
// with the record of the event that caused it (key whevt/<event id>), so a duplicate
// delivery, or two deliveries racing, apply it once.
#pragma once
#include <optional>
#include <string>

#include "slotguard/ledger/reservation_txn.h"
#include "slotguard/host/services.h"

namespace slotguard {

struct EventRef {
  std::string id;    // Stripe event id
  std::string type;  // e.g. checkout.session.completed
};

// What a Checkout Session event says about the session, as far as effects need it.
struct SessionFacts {
  std::string id;
  std::string payment_intent;
  std::string metadata_reservation_id;  // set by slotguard on every session it opens for a booking
  std::string metadata_pack_id;         // set instead on a session that buys a pack
  std::optional<int64_t> amount_total;
  std::string currency;
  std::optional<bool> livemode;
};

struct EffectResult {
  // Applied: done and recorded. Duplicate: recorded before. Refused: the ledger
  // refused the decision (nothing recorded; answer so that Stripe retries and the
  // retry decides again). ProviderUnavailable: a refund Stripe must make first did
  // not go through (nothing recorded; Stripe retries).
  enum class Kind { Applied, Duplicate, Refused, ProviderUnavailable, NotFound, Busy, StoreError } kind = Kind::StoreError;
  std::string outcome;  // confirmed, refunded, released, held, ignored, ...
};

// A paid session: confirm the reservation, or, when its hold was lost and the slot
// went to someone else (or the guest cancelled), refund the payment. Only a session
// that slotguard linked to this reservation (or created for it and not yet linked)
// with the reservation's amount, currency and mode can confirm it. A paid session
// slotguard created for it that lost to another is refunded; any other is ignored.
Co<EffectResult> apply_payment(Services& s, EventRef ev, std::string rid, SessionFacts session);
// Both below act only on the session slotguard linked (or, before the link, created
// for this reservation); events about any other session are recorded and ignored.
// A delayed method (Multibanco): the session completed unpaid; hold until `hold_until`.
Co<EffectResult> apply_voucher_hold(Services& s, EventRef ev, std::string rid, SessionFacts session, int64_t hold_until);
// The session expired or its delayed payment failed: release a pending hold.
Co<EffectResult> apply_release(Services& s, EventRef ev, std::string rid, SessionFacts session, ReleaseReason reason);
// The mutations that record an event as applied (whevt/<id>, and when retention may
// purge that record), to commit with its effect.
void record_event_mutations(const EventRef& ev, const std::string& rid, const std::string& outcome, int64_t now,
                            std::vector<KvMutation>& m);
// Records an event that changes nothing (unknown session, unsupported type).
Co<EffectResult> record_event(Services& s, EventRef ev, std::string outcome, std::string rid = {});

// A session completed unpaid is either a card authorized for later capture (a booking
// awaiting approval) or a delayed method's voucher; its PaymentIntent says which.
struct UnpaidIntent {
  bool known = false;       // Stripe answered; if not, nothing may be decided (retry)
  bool authorized = false;  // requires_capture
  // How long to keep a Multibanco hold: the voucher's own expiry plus the grace period;
  // a configured default when the PaymentIntent does not give it.
  int64_t voucher_hold_until = 0;
};
Co<UnpaidIntent> read_unpaid_intent(Services& s, std::string pi_id);
// A card authorized for a booking its expert approves first: it awaits the approval
// (expires_at becomes the deadline), or, when the guest cancelled or the slot is gone,
// the authorization is voided (see execute_refund).
Co<EffectResult> apply_authorization(Services& s, EventRef ev, std::string rid, SessionFacts session);

// Refunds are retried with exponential back-off; after this many failures the
// reservation leaves the queue, is logged as an error and counted in
// slotguard_refunds_abandoned_total: a person must look at it.
inline constexpr int64_t kMaxRefundAttempts = 20;
int64_t refund_backoff_ms(int64_t failures);

// Asks Stripe for the full refund and records its id, or records the failure and
// when to try again. Safe to repeat: a full refund cannot happen twice (Stripe answers
// charge_already_refunded, taken as done). Stripe replays a stored failure for the
// same idempotency key, so each attempt has its own key.
Co<bool> execute_refund(Services& s, Reservation r);

}  // namespace slotguard
