#include "slotguard/payments/approval.h"

#include "slotguard/base/sg_assert.h"
#include "slotguard/ledger/reservation_txn.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"

namespace slotguard {

namespace {

using Kind = ApprovalOutcome::Kind;
using S = ReservationStatus;

ApprovalOutcome outcome(Kind kind, std::optional<Reservation> r = std::nullopt) { return {kind, std::move(r)}; }

Kind store_kind(TxnOutcome::Kind k) {
  if (k == TxnOutcome::Kind::NotFound) return Kind::NotFound;
  if (k == TxnOutcome::Kind::Busy) return Kind::Busy;
  return Kind::StoreError;
}

// Step one: the decision, committed from awaiting_approval only. The same decision
// again (a retry, or the sweep finishing it) goes on to step two.
Co<ApprovalOutcome> commit_decision(Services& s, std::string rid, ApprovalDecision d, ReleaseReason why_declined) {
  const std::string name = approval_decision_name(d);
  Kind refused = Kind::NotAwaiting;
  Decide decide = [&](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    const Reservation& cur = *v.current;
    plan.kind = TxnPlan::Kind::Reject;
    if (cur.status != S::AwaitingApproval) return plan;
    if (!cur.approval_decision.empty()) {
      if (cur.approval_decision == name) return TxnPlan();  // decided so before: finish it
      refused = Kind::DecidedOtherwise;
      return plan;
    }
    if (d == ApprovalDecision::Approve && v.now >= cur.expires_at) {
      refused = Kind::DeadlinePassed;
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    plan.next.approval_decision = name;
    // Recorded with the decision, so whoever finishes it releases for the same reason.
    if (d == ApprovalDecision::Decline) plan.next.release_reason = release_reason_name(why_declined);
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  if (out.kind == TxnOutcome::Kind::Rejected) co_return outcome(refused, out.reservation);
  if (out.kind != TxnOutcome::Kind::Written && out.kind != TxnOutcome::Kind::NoChange)
    co_return outcome(store_kind(out.kind));
  co_return outcome(Kind::Done, out.reservation);
}

// What Stripe did with the PaymentIntent: asked when a capture or a void is refused for
// the intent's state (it was captured or voided before, by this booking or otherwise).
// Other: any other state (nothing to capture any more). Nullopt: Stripe did not answer.
enum class Intent { Captured, Voided, Other };

Co<std::optional<Intent>> intent_state(Services& s, const std::string& pi) {
  StripeApi stripe(s);
  StripeResult got = co_await stripe.get("/v1/payment_intents/" + percent_encode(pi));
  if (!got.ok()) co_return std::nullopt;
  const std::string status(get_string(got.object, "status").value_or(""));
  co_return status == "succeeded" ? Intent::Captured : status == "canceled" ? Intent::Voided : Intent::Other;
}

// Capture or void the booking's PaymentIntent. Stripe replays a saved 5xx to every retry
// under one key, so each minute's retry has a key of its own; a second capture or void
// is refused for the intent's state anyway, and the intent is then read.
Co<StripeResult> post_intent(Services& s, const Reservation& r, bool capture) {
  const std::string path = "/v1/payment_intents/" + percent_encode(r.payment_intent_id) + (capture ? "/capture" : "/cancel");
  const std::string key = std::string(capture ? "slotguard-capture-" : "slotguard-void-") + r.id + "-" +
                          std::to_string(s.now() / kMinuteMs);
  StripeApi stripe(s);
  StripeResult res = co_await stripe.post(path, FormBody(), key);
  co_return res;
}

// Step two at Stripe: capture or void. Nullopt: not done yet (Stripe did not answer, or
// refused a void of an authorization it still holds); asking again finishes it.
Co<std::optional<Intent>> carry_out_at_stripe(Services& s, const Reservation& r, ApprovalDecision d) {
  const bool approve = d == ApprovalDecision::Approve;
  StripeResult res = co_await post_intent(s, r, approve);
  if (res.ok()) co_return approve ? Intent::Captured : Intent::Voided;
  if (res.transient()) co_return std::nullopt;
  const std::optional<Intent> now = co_await intent_state(s, r.payment_intent_id);
  if (!now || *now != Intent::Other) co_return now;  // captured or voided before, or unknown
  if (!approve) co_return std::nullopt;
  // Approved, but Stripe refuses to capture an authorization it still holds (the
  // destination account lost a capability, say): the booking cannot stand, and the
  // guest's money must not stay held for it, so the authorization is voided.
  StripeResult voided = co_await post_intent(s, r, false);
  if (!voided.ok()) co_return std::nullopt;
  co_return Intent::Voided;
}

// The booking as Stripe left it: confirmed when captured on approval; released when
// voided; refunded in full when a decline finds the payment captured anyway.
TxnPlan settle(const TxnView& v, const std::string& decision, Intent at_stripe) {
  TxnPlan plan;
  if (!v.current || v.current->status != S::AwaitingApproval || v.current->approval_decision != decision) return plan;
  plan.kind = TxnPlan::Kind::Write;
  plan.next = *v.current;
  Reservation& next = plan.next;
  if (at_stripe == Intent::Captured && decision == approval_decision_name(ApprovalDecision::Approve)) {
    next.status = S::Confirmed;
    next.confirmed_at = v.now;
    next.release_reason.clear();
  } else if (at_stripe == Intent::Captured) {
    next.status = S::Refunded;
    next.refund_amount = next.price.amount;
    next.refund_next_at = v.now;
    next.confirmed_at = v.now;  // captured: the refund returns money, not an authorization
  } else {
    next.status = S::Released;
    if (decision == approval_decision_name(ApprovalDecision::Approve))
      next.release_reason = release_reason_name(ReleaseReason::authorization_lost);
  }
  return plan;
}

Co<ApprovalOutcome> carry_out(Services& s, Reservation r) {
  SG_ASSERT(r.status == S::AwaitingApproval && !r.approval_decision.empty());
  const ApprovalDecision d = r.approval_decision == "approve" ? ApprovalDecision::Approve : ApprovalDecision::Decline;
  const std::optional<Intent> at_stripe = co_await carry_out_at_stripe(s, r, d);
  if (!at_stripe) co_return outcome(Kind::ProviderUnavailable, r);
  const Intent done = *at_stripe;
  const std::string decision = r.approval_decision;
  Decide decide = [&decision, done](const TxnView& v) { return settle(v, decision, done); };
  TxnOutcome out = co_await run_reservation_txn(s, r.id, existing_reservation(), no_keys(), decide);
  if (out.kind != TxnOutcome::Kind::Written && out.kind != TxnOutcome::Kind::NoChange)
    co_return outcome(store_kind(out.kind));
  const Reservation& after = *out.reservation;
  s.log(LogLevel::Info, "approval_finished",
        {{"reservation_id", after.id}, {"decision", decision}, {"status", status_name(after.status)}});
  const bool lost = d == ApprovalDecision::Approve && after.status == S::Released;
  co_return outcome(lost ? Kind::AuthorizationLost : Kind::Done, after);
}

}  // namespace

const char* approval_decision_name(ApprovalDecision d) { return d == ApprovalDecision::Approve ? "approve" : "decline"; }

Co<ApprovalOutcome> decide_approval(Services& s, std::string rid, ApprovalDecision d, ReleaseReason why_declined) {
  ApprovalOutcome decided = co_await commit_decision(s, rid, d, why_declined);
  if (decided.kind != Kind::Done) co_return decided;
  const Reservation& r = *decided.reservation;
  if (r.status != S::AwaitingApproval) co_return decided;  // finished meanwhile by another call
  ApprovalOutcome finished = co_await carry_out(s, r);
  co_return finished;
}

Co<ApprovalOutcome> finish_approval(Services& s, const Reservation& r) {
  const ApprovalDecision d = r.approval_decision == "approve" ? ApprovalDecision::Approve : ApprovalDecision::Decline;
  ApprovalOutcome out = co_await decide_approval(s, r.id, d, ReleaseReason::approval_expired);
  co_return out;
}

}  // namespace slotguard
