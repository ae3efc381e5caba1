#include "slotguard/payments/reconcile.h"

#include "slotguard/payments/checkout_link.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/stripe/checkout_session.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/base/sg_assert.h"

namespace slotguard {

namespace {

// The effect a completed session calls for, applied as its webhook would apply it;
// recorded under an event id of its own, so two sweeps apply it once. (Arguments are
// named locals: g++ 12 mis-copies temporaries holding a std::optional into a coroutine.)
Co<EffectResult> apply_completed(Services& s, const Reservation& r, const SessionState& session) {
  const std::string rid = r.id;
  const SessionFacts facts = session.facts;
  if (session.paid()) {
    const EventRef ev{"reconciled_paid_" + facts.id, "checkout.session.completed"};
    EffectResult res = co_await apply_payment(s, ev, rid, facts);
    co_return res;
  }
  const UnpaidIntent intent = co_await read_unpaid_intent(s, facts.payment_intent);
  if (!intent.known) {  // an authorization or a voucher: the next sweep asks again
    EffectResult unknown;
    unknown.kind = EffectResult::Kind::ProviderUnavailable;
    co_return unknown;
  }
  if (intent.authorized) {
    const EventRef ev{"reconciled_authorized_" + facts.id, "checkout.session.completed"};
    EffectResult res = co_await apply_authorization(s, ev, rid, facts);
    co_return res;
  }
  const int64_t until = intent.voucher_hold_until;
  if (until <= s.now()) {
    // The voucher lapsed unpaid (Stripe fails its payment): nothing to hold for.
    EffectResult lapsed;
    lapsed.kind = EffectResult::Kind::Applied;
    lapsed.outcome = "voucher_lapsed";
    co_return lapsed;
  }
  const EventRef ev{"reconciled_voucher_" + facts.id, "checkout.session.completed"};
  EffectResult res = co_await apply_voucher_hold(s, ev, rid, facts, until);
  co_return res;
}

// The outcomes that end the lapsed hold's pending state. Any other applied outcome (a
// session that does not pay for this hold, a voucher whose hold is already lost) and a
// duplicate (an earlier sweep applied it, and it changed nothing) leave it to release.
bool ends_hold(std::string_view outcome) { return outcome != "released" && settles_booking(outcome); }

Co<LapsedHold> settle_completed(Services& s, const Reservation& r, const SessionState& session, std::string_view source) {
  EffectResult res = co_await apply_completed(s, r, session);
  if (res.kind == EffectResult::Kind::Duplicate) co_return LapsedHold::Release;
  if (res.kind != EffectResult::Kind::Applied) co_return LapsedHold::Keep;
  if (!ends_hold(res.outcome)) co_return LapsedHold::Release;
  report_reconciled(s, source, res.outcome, r.id, {"session_id", session.facts.id});
  co_return LapsedHold::Settled;
}

// Stripe's record of the hold's session; nullopt when Stripe did not give it (`got`
// says why).
Co<std::optional<SessionState>> fetch_session(Services& s, const Reservation& r, StripeResult& got) {
  StripeApi stripe(s);
  got = co_await stripe.get("/v1/checkout/sessions/" + percent_encode(r.checkout_session_id));
  if (!got.ok()) co_return std::nullopt;
  SessionState session = read_session(got.object);
  if (session.facts.id != r.checkout_session_id) co_return std::nullopt;  // not the session asked for
  co_return session;
}

}  // namespace

bool settles_booking(std::string_view outcome) {
  return outcome == "confirmed" || outcome == "confirmed_late" || outcome == "refunded" ||
         outcome == "held_for_voucher" || outcome == "released" || outcome == "awaiting_approval";
}

void report_reconciled(Services& s, std::string_view source, std::string_view outcome, std::string_view reservation_id,
                       LogField object) {
  s.metrics.add(Metric::reconciled_total, "source=\"" + std::string(source) + "\",outcome=\"" + std::string(outcome) + "\"");
  s.log(LogLevel::Warn, "payment_reconciled",
        {{"reservation_id", reservation_id}, object, {"source", source}, {"outcome", outcome}});
}

Co<LapsedHold> settle_lapsed_hold(Services& s, Reservation r) {
  SG_ASSERT(!r.checkout_session_id.empty());
  StripeResult got;
  const std::optional<SessionState> found = co_await fetch_session(s, r, got);
  if (!found) co_return got.ok() || got.transient() ? LapsedHold::Keep : LapsedHold::Release;
  const SessionState& session = *found;
  if (session.status == "complete") {
    LapsedHold what = co_await settle_completed(s, r, session, "sweep");
    co_return what;
  }
  if (session.status != "open") co_return LapsedHold::Release;
  // Open: closed first, so nobody can pay it once the hold is gone. A failure may be
  // the guest paying this very moment: the next sweep looks again.
  const bool closed = co_await expire_checkout(s, r.checkout_session_id);
  co_return closed ? LapsedHold::Release : LapsedHold::Keep;
}

Co<bool> close_released_session(Services& s, Reservation r) {
  SG_ASSERT(!r.checkout_session_id.empty());
  if (co_await expire_checkout(s, r.checkout_session_id)) co_return false;
  StripeResult got;
  const std::optional<SessionState> found = co_await fetch_session(s, r, got);
  // Not there, not answered, or not paid: a payment still to come is its webhook's.
  if (!found || found->status != "complete" || !found->paid()) co_return false;
  const LapsedHold what = co_await settle_completed(s, r, *found, "cancel");
  co_return what == LapsedHold::Settled;
}

}  // namespace slotguard
