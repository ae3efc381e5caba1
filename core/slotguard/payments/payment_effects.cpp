#include "slotguard/payments/payment_effects.h"

#include <algorithm>

#include "slotguard/base/backoff.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

namespace slotguard {

namespace {

// Why an effect's decision said no: the event was applied before, or it paid for a
// session slotguard created for this hold that another session beat (its money goes
// back before the event is recorded).
enum class Rejection { None, Duplicate, OrphanSession, Series };

// What an effect decided, beside its plan: the outcome it records, and why it rejected.
struct Decision {
  std::string outcome;  // confirmed, refunded, released, held_for_voucher, ignored, ...
  Rejection rejected = Rejection::None;
};

// An effect's result and, when its decision rejected, why.
struct Effect {
  EffectResult result;
  Rejection rejected = Rejection::None;
};

// Stripe retries a delivery for up to three days; a record kept four days longer
// still answers every retry as a duplicate, then retention removes it.
constexpr int64_t kWebhookEventKeepMs = 7 * kDayMs;

bool cancelled_by_guest(const Reservation& r) {
  return r.status == ReservationStatus::Released && r.release_reason == release_reason_name(ReleaseReason::cancelled);
}

bool already_seen(const TxnView& v, const EventRef& ev) {
  const KvItem* seen = v.snapshot.find(keys::webhook_event(ev.id));
  return seen && seen->present();
}

// Shared shape of every effect: check for a duplicate, let `choose` decide, record
// the event with the outcome it names. `choose` may also Reject, saying why.
using Choose = std::function<TxnPlan(const TxnView&, Decision&)>;

// The effect's decision on the reservation the event names. Alone, a series' lead
// rejects (Rejection::Series): its series decides together (series_effect).
Decide effect_decision(const EventRef& ev, const std::string& rid, Decision& decision, Choose choose, bool alone) {
  return [&ev, &rid, &decision, choose, alone](const TxnView& v) {
    TxnPlan plan;
    decision = Decision();
    if (already_seen(v, ev)) {
      plan.kind = TxnPlan::Kind::Reject;
      decision.rejected = Rejection::Duplicate;
      return plan;
    }
    if (alone && v.current->series_lead()) {
      plan.kind = TxnPlan::Kind::Reject;
      decision.rejected = Rejection::Series;
      return plan;
    }
    plan = choose(v, decision);
    SG_ASSERT((plan.kind == TxnPlan::Kind::Reject) == (decision.rejected != Rejection::None));
    if (plan.kind == TxnPlan::Kind::Reject) return plan;
    if (plan.kind == TxnPlan::Kind::NoChange) plan.kind = TxnPlan::Kind::ExtrasOnly;
    record_event_mutations(ev, rid, decision.outcome, v.now, plan.extra_mutations);
    return plan;
  };
}

// What a reservation the effect wrote is counted and logged as; a refund decided in
// it is made now (and retried by the sweep until Stripe confirms it).
Co<bool> after_written(Services& s, const EventRef& ev, const Reservation& r) {
  const std::string& rid = r.id;
  if (r.status == ReservationStatus::Confirmed) {
    s.metrics.add(Metric::confirmations_total);
    s.log(LogLevel::Info, "reservation_confirmed", {{"reservation_id", rid}, {"stripe_event", ev.id}});
  } else if (r.status == ReservationStatus::Refunded) {
    s.metrics.add(Metric::refunds_total);
    s.log(LogLevel::Warn, "payment_refunded_slot_lost", {{"reservation_id", rid}, {"stripe_event", ev.id}});
    co_await execute_refund(s, r);
  } else if (r.status == ReservationStatus::Released) {
    s.metrics.add(Metric::releases_total, "reason=\"" + r.release_reason + "\"");
    s.log(LogLevel::Info, "reservation_released",
          {{"reservation_id", rid}, {"stripe_event", ev.id}, {"reason", r.release_reason}});
  }
  co_return true;
}

// What the rest of a series does once its lead decided `outcome` (planned as `lead`):
// confirmed, refunded, released or held with it, each for its own share.
TxnPlan follow_lead(const std::string& outcome, const Reservation& lead, const TxnView& v) {
  TxnPlan plan;
  if (planted(Defect::series_member_alone)) return plan;  // the lead decides for itself only
  const Reservation& cur = *v.current;
  using S = ReservationStatus;
  const bool confirm = (outcome == "confirmed" || outcome == "confirmed_late") && cur.status != S::Confirmed;
  const bool refund = outcome == "refunded" && cur.status != S::Refunded && cur.confirmed_at == 0;
  const bool pending = cur.status == S::PendingPayment;
  if (!confirm && !refund && !((outcome == "released" || outcome == "held_for_voucher") && pending)) return plan;
  plan.kind = TxnPlan::Kind::Write;
  plan.next = cur;
  if (!lead.payment_intent_id.empty()) plan.next.payment_intent_id = lead.payment_intent_id;
  if (confirm) {
    plan.next.status = S::Confirmed;
    plan.next.confirmed_at = v.now;
    plan.next.release_reason.clear();
  } else if (refund) {
    plan.next.status = S::Refunded;
    plan.next.release_reason = lead.release_reason;
    plan.next.refund_next_at = v.now;
    plan.next.refund_amount = cur.price.amount;
  } else if (outcome == "released") {
    plan.next.status = S::Released;
    plan.next.release_reason = lead.release_reason;
  } else {
    plan.next.expires_at = std::max(cur.expires_at, lead.expires_at);
  }
  return plan;
}

// A series' effect, in one commit: the lead decides as if alone, except that its slot
// counts as free only while every occurrence's is (and none was cancelled); the others
// follow it. A payment for a series that lost a slot is refunded whole.
Co<TxnOutcome> series_effect(Services& s, const EventRef& ev, const Reservation& lead, Decision& decision, Choose choose) {
  bool all_free = true;
  TxnPlan lead_plan;
  Decide lead_decides = effect_decision(ev, lead.id, decision, std::move(choose), false);
  std::vector<GroupMember> members;
  members.push_back(GroupMember{lead.id, existing_reservation(), {keys::webhook_event(ev.id)},
                                [&all_free, &lead_plan, lead_decides](const TxnView& v) {
                                  const TxnView joint{v.current, v.snapshot, all_free, v.now, v.guest_holds};
                                  lead_plan = lead_decides(joint);
                                  return lead_plan;
                                }});
  for (size_t i = 1; i < lead.series.size(); ++i)
    members.push_back(GroupMember{lead.series[i], existing_reservation(), no_keys(),
                                  [&decision, &lead_plan](const TxnView& v) {
                                    return follow_lead(decision.outcome, lead_plan.next, v);
                                  }});
  Survey survey = [&all_free](const std::vector<TxnView>& views) {
    all_free = true;
    for (const TxnView& v : views) all_free &= v.span_free && !cancelled_by_guest(*v.current);
  };
  GroupOutcome out = co_await run_group_txn(s, std::move(members), std::move(survey));
  if (out.kind == TxnOutcome::Kind::Written)
    for (size_t i = 1; i < out.members.size(); ++i)
      if (out.members[i].kind == TxnOutcome::Kind::Written) co_await after_written(s, ev, *out.members[i].reservation);
  TxnOutcome answer = std::move(out.members[0]);
  if (out.kind != TxnOutcome::Kind::Written && out.kind != TxnOutcome::Kind::NoChange) answer.kind = out.kind;
  co_return answer;
}

Co<Effect> run_effect(Services& s, EventRef ev, std::string rid, Choose choose) {
  Decision decision;
  Decide decide = effect_decision(ev, rid, decision, choose, true);
  std::vector<std::string> extra{keys::webhook_event(ev.id)};
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), std::move(extra), decide);
  if (out.kind == TxnOutcome::Kind::Rejected && decision.rejected == Rejection::Series) {
    const Reservation lead = *out.reservation;
    out = co_await series_effect(s, ev, lead, decision, choose);
  }
  Effect effect;
  EffectResult& res = effect.result;
  res.outcome = decision.outcome;
  switch (out.kind) {
    case TxnOutcome::Kind::Written:
    case TxnOutcome::Kind::NoChange: res.kind = EffectResult::Kind::Applied; break;
    case TxnOutcome::Kind::Rejected:
      effect.rejected = decision.rejected;
      res.kind = decision.rejected == Rejection::Duplicate ? EffectResult::Kind::Duplicate : EffectResult::Kind::Refused;
      break;
    case TxnOutcome::Kind::Refused:
      s.log(LogLevel::Warn, "payment_effect_refused", {{"reservation_id", rid}, {"stripe_event", ev.id}});
      if (planted(Defect::refusal_as_duplicate)) {  // 200 duplicate: Stripe stops retrying, nobody refunds
        res.kind = EffectResult::Kind::Duplicate;
        break;
      }
      res.kind = EffectResult::Kind::Refused;
      break;
    case TxnOutcome::Kind::NotFound: res.kind = EffectResult::Kind::NotFound; break;
    case TxnOutcome::Kind::Busy: res.kind = EffectResult::Kind::Busy; break;
    case TxnOutcome::Kind::StoreError: res.kind = EffectResult::Kind::StoreError; break;
  }
  // Only a committed transaction may be reported as applied.
  SG_ASSERT(res.kind != EffectResult::Kind::Applied || out.kind == TxnOutcome::Kind::Written ||
            out.kind == TxnOutcome::Kind::NoChange);
  if (out.kind == TxnOutcome::Kind::Written && out.reservation) co_await after_written(s, ev, *out.reservation);
  co_return effect;
}

void link_ids(Reservation& r, const std::string& session_id, const std::string& pi_id) {
  if (r.checkout_session_id.empty()) r.checkout_session_id = session_id;
  if (!pi_id.empty()) r.payment_intent_id = pi_id;
}

// The session is this reservation's: the linked one, or before the link one that
// slotguard created for it.
bool is_own_session(const Reservation& r, const SessionFacts& f) {
  if (!r.checkout_session_id.empty()) return r.checkout_session_id == f.id;
  return f.metadata_reservation_id == r.id;
}

// Whether this paid session may confirm (or be refunded as) this reservation: the
// session slotguard linked, or, before the link, one slotguard created for it; and it
// charged what the reservation costs, in the Stripe mode this instance runs in.
bool pays_for(const Reservation& r, const SessionFacts& f, bool live) {
  if (!is_own_session(r, f)) return false;
  if (!f.amount_total || *f.amount_total != r.price.amount * r.occurrences()) return false;
  if (f.currency != r.price.currency) return false;
  if (f.livemode && *f.livemode != live) return false;
  return true;
}

Co<bool> refund_orphan_payment(Services& s, std::string rid, std::string pi_id) {
  if (pi_id.empty()) co_return true;  // nothing was charged
  FormBody form;
  form.add("payment_intent", pi_id).add("metadata[reservation_id]", rid);
  // Stripe replays a saved 5xx to the same key, so each minute's redelivery of the
  // event tries under a key of its own; a second full refund is refused anyway.
  StripeApi stripe(s);
  StripeResult res = co_await stripe.post("/v1/refunds", std::move(form),
                                            "slotguard-refund-orphan-" + pi_id + "-" + std::to_string(s.now() / kMinuteMs));
  co_return res.ok() || (res.kind == StripeResult::Kind::ApiError && res.error_code == "charge_already_refunded");
}

// The reservation a payment (or an authorization) for it would write, before deciding
// its status: the session and the PaymentIntent linked, no release reason.
TxnPlan paid_plan(const Reservation& cur, const SessionFacts& session) {
  TxnPlan plan;
  plan.kind = TxnPlan::Kind::Write;
  plan.next = cur;
  link_ids(plan.next, session.id, session.payment_intent);
  plan.next.release_reason.clear();
  return plan;
}

// What an authorized (not yet captured) payment does to a booking that awaits its
// expert's approval: it holds the slot until the expert answers, or, when the guest
// cancelled or the slot went to someone else, the authorization is voided (queued as a
// refund of the whole price: execute_refund voids what was never captured).
TxnPlan decide_authorization(const SessionFacts& session, const TxnView& v, Decision& d) {
  TxnPlan plan;
  const Reservation& cur = *v.current;
  using S = ReservationStatus;
  // Answered already (approved, declined, withdrawn): only the answer's own second step
  // changes it now, whatever a late event says.
  if (cur.status == S::AwaitingApproval || cur.status == S::Confirmed || cur.status == S::Refunded ||
      !cur.approval_decision.empty()) {
    d.outcome = cur.status == S::Refunded ? "already_refunded" : "already_authorized";
    return plan;
  }
  plan = paid_plan(cur, session);
  const bool cancelled = cancelled_by_guest(cur);
  if (!cancelled && v.span_free) {
    plan.next.status = S::AwaitingApproval;
    // The expert's deadline; never after the appointment itself.
    plan.next.expires_at = std::min(v.now + cur.approval_minutes * kMinuteMs, cur.start);
    d.outcome = "awaiting_approval";
    return plan;
  }
  plan.next.status = S::Refunded;
  plan.next.release_reason = release_reason_name(cancelled ? ReleaseReason::cancelled : ReleaseReason::slot_lost);
  plan.next.refund_next_at = v.now;
  plan.next.refund_amount = cur.price.amount;
  d.outcome = "refunded";
  return plan;
}

// What a paid session does to the reservation it names (see apply_payment).
TxnPlan decide_payment(const SessionFacts& session, bool live, const TxnView& v, Decision& d) {
  TxnPlan plan;
  const Reservation& cur = *v.current;
  using S = ReservationStatus;
  if (!pays_for(cur, session, live)) {
    if (session.metadata_reservation_id == cur.id && cur.checkout_session_id != session.id) {
      // A session slotguard created for this hold (under an earlier attempt whose
      // answer was lost) that another session beat: its money goes back first.
      plan.kind = TxnPlan::Kind::Reject;
      d.rejected = Rejection::OrphanSession;
      d.outcome = "orphan_session";
      return plan;
    }
    d.outcome = "foreign_session";
    return plan;
  }
  if (cur.status == S::Confirmed || cur.status == S::Refunded) {
    d.outcome = cur.status == S::Confirmed ? "already_confirmed" : "already_refunded";
    return plan;
  }
  if (cur.confirmed_at != 0) {
    // This payment confirmed it before, and the guest cancelled it since under its
    // terms: the cancellation decided the refund, not this delivery.
    d.outcome = "already_confirmed";
    return plan;
  }
  // A booking its expert approves first is confirmed by the approval, never by a
  // payment event: whatever Stripe calls the authorized session, it awaits the expert.
  if (cur.approval_minutes > 0) return decide_authorization(session, v, d);
  plan = paid_plan(cur, session);
  // The guest gets the booking when no other active reservation holds the span
  // (their own hold, live or lapsed, does not count). A guest who cancelled, or
  // whose slot went to someone else, gets the money back.
  const bool cancelled = cancelled_by_guest(cur);
  if (planted(Defect::refusal_as_duplicate) && !cancelled && cur.active_at(v.now)) {
    // A live hold is taken to own its span without asking the ledger.
    plan.next.status = S::Confirmed;
    plan.next.confirmed_at = v.now;
    d.outcome = "confirmed";
    return plan;
  }
  if (!cancelled && v.span_free) {
    plan.next.status = S::Confirmed;
    plan.next.confirmed_at = v.now;
    d.outcome = cur.active_at(v.now) ? "confirmed" : "confirmed_late";
  } else {
    plan.next.status = S::Refunded;
    plan.next.release_reason = release_reason_name(cancelled ? ReleaseReason::cancelled : ReleaseReason::slot_lost);
    plan.next.refund_next_at = v.now;
    plan.next.refund_amount = cur.price.amount;
    d.outcome = "refunded";
  }
  return plan;
}

}  // namespace

Co<UnpaidIntent> read_unpaid_intent(Services& s, std::string pi_id) {
  UnpaidIntent out;
  out.voucher_hold_until = s.now() + s.cfg.multibanco_default_hold_minutes * kMinuteMs;
  if (pi_id.empty()) co_return out;
  StripeApi stripe(s);
  StripeResult pi = co_await stripe.get("/v1/payment_intents/" + percent_encode(pi_id));
  if (!pi.ok()) co_return out;
  out.known = true;
  out.authorized = get_string(pi.object, "status").value_or("") == "requires_capture";
  const JsonValue* next = get_object(pi.object, "next_action");
  const JsonValue* details = next ? get_object(*next, "multibanco_display_details") : nullptr;
  auto expires = details ? get_int(*details, "expires_at") : std::nullopt;
  if (expires && *expires > 0) out.voucher_hold_until = *expires * 1000 + s.cfg.hold_grace_minutes * kMinuteMs;
  co_return out;
}

int64_t refund_backoff_ms(int64_t failures) { return backoff_ms(failures, kMinuteMs, 6 * 60 * kMinuteMs); }

Co<EffectResult> apply_payment(Services& s, EventRef ev, std::string rid, SessionFacts session) {
  const bool live = live_mode_key(s.cfg.stripe_secret_key);
  Choose choose = [session, live](const TxnView& v, Decision& d) { return decide_payment(session, live, v, d); };
  Effect effect = co_await run_effect(s, ev, rid, std::move(choose));
  const EffectResult& applied = effect.result;
  if (effect.rejected != Rejection::OrphanSession) {
    if (applied.outcome == "foreign_session")
      s.log(LogLevel::Warn, "payment_not_for_reservation", {{"reservation_id", rid}, {"session_id", session.id}});
    co_return applied;
  }
  s.log(LogLevel::Warn, "orphan_session_paid", {{"reservation_id", rid}, {"session_id", session.id}});
  if (!co_await refund_orphan_payment(s, rid, session.payment_intent)) {
    EffectResult res;
    res.kind = EffectResult::Kind::ProviderUnavailable;
    res.outcome = "orphan_refund_failed";
    co_return res;
  }
  s.metrics.add(Metric::orphan_refunds_total);
  co_return co_await record_event(s, ev, "orphan_refunded", rid);
}

Co<EffectResult> apply_authorization(Services& s, EventRef ev, std::string rid, SessionFacts session) {
  Choose choose = [session](const TxnView& v, Decision& d) {
    if (v.current->approval_minutes == 0 || !is_own_session(*v.current, session)) {
      d.outcome = "ignored";  // slotguard asks for an authorization only for its approval bookings
      return TxnPlan();
    }
    return decide_authorization(session, v, d);
  };
  co_return (co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose))).result;
}

Co<EffectResult> apply_voucher_hold(Services& s, EventRef ev, std::string rid, SessionFacts session, int64_t hold_until) {
  Choose choose = [session, hold_until](const TxnView& v, Decision& d) {
    TxnPlan plan;
    const Reservation& cur = *v.current;
    if (cur.status != ReservationStatus::PendingPayment || !is_own_session(cur, session)) {
      d.outcome = "ignored";
      return plan;
    }
    if (!cur.active_at(v.now) && !v.span_free) {
      // The hold lapsed and the slot is taken: if the voucher is paid anyway, the
      // payment event refunds it.
      d.outcome = "hold_lost";
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    link_ids(plan.next, session.id, session.payment_intent);
    if (hold_until > plan.next.expires_at) plan.next.expires_at = hold_until;
    d.outcome = "held_for_voucher";
    return plan;
  };
  co_return (co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose))).result;
}

Co<EffectResult> apply_release(Services& s, EventRef ev, std::string rid, SessionFacts session, ReleaseReason reason) {
  Choose choose = [session, reason](const TxnView& v, Decision& d) {
    TxnPlan plan;
    const Reservation& cur = *v.current;
    if (cur.status != ReservationStatus::PendingPayment || !is_own_session(cur, session)) {
      d.outcome = "ignored";
      return plan;
    }
    plan = release_pending(v.current, reason);
    if (plan.next.checkout_session_id.empty()) plan.next.checkout_session_id = session.id;
    d.outcome = "released";
    return plan;
  };
  co_return (co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose))).result;
}

void record_event_mutations(const EventRef& ev, const std::string& rid, const std::string& outcome, int64_t now,
                            std::vector<KvMutation>& m) {
  JsonWriter record;
  record.object().field("type", ev.type).field("reservation_id", rid).field("outcome", outcome).end_object();
  m.push_back({KvMutation::Op::Set, keys::webhook_event(ev.id), record.take()});
  m.push_back({KvMutation::Op::Set, keys::webhook_event_purge(now + kWebhookEventKeepMs, ev.id), ev.id});
}

Co<EffectResult> record_event(Services& s, EventRef ev, std::string outcome, std::string rid) {
  const std::string key = keys::webhook_event(ev.id);
  std::vector<KvCheck> checks{{key, 0}};
  std::vector<KvMutation> writes;
  record_event_mutations(ev, rid, outcome, s.now(), writes);
  StoreStatus st = co_await s.store.commit(std::move(checks), std::move(writes));
  EffectResult res;
  res.outcome = outcome;
  res.kind = st == StoreStatus::Ok         ? EffectResult::Kind::Applied
             : st == StoreStatus::Conflict ? EffectResult::Kind::Duplicate
                                           : EffectResult::Kind::StoreError;
  co_return res;
}

namespace {

// Records how a refund attempt ended: done (with Stripe's refund id), or failed and due
// again after the back-off, until kMaxRefundAttempts.
Co<bool> record_refund_attempt(Services& s, std::string rid, int64_t attempt, bool done, std::string rf) {
  Decide decide = [done, rf, attempt](const TxnView& v) {
    TxnPlan plan;
    if (!v.current || !v.current->refund_queued() || v.current->refund_attempts != attempt) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    if (done) {
      plan.next.refund_id = rf;
      return plan;
    }
    plan.next.refund_attempts = attempt + 1;
    plan.next.refund_next_at = v.now + refund_backoff_ms(attempt + 1);
    if (plan.next.refund_attempts >= kMaxRefundAttempts) plan.next.refund_gave_up = true;
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  if (!done) {
    s.log(LogLevel::Warn, "refund_failed", {{"reservation_id", rid}, {"attempt", attempt}});
    if (out.kind == TxnOutcome::Kind::Written && out.reservation->refund_gave_up) {
      s.metrics.add(Metric::refunds_abandoned_total);
      s.log(LogLevel::Error, "refund_needs_attention",
            {{"reservation_id", rid}, {"attempts", out.reservation->refund_attempts}});
    }
    co_return false;
  }
  co_return out.kind == TxnOutcome::Kind::Written || out.kind == TxnOutcome::Kind::NoChange;
}

// A payment authorized for a booking awaiting approval and never captured: its money
// goes back by voiding the authorization (the guest was never charged). Stripe refuses
// a second void for the intent's state, which then says whether it is voided, or was
// captured after all (then it is refunded like any payment).
enum class Voiding { Voided, Captured, Failed };

Co<Voiding> void_authorization(Services& s, const Reservation& r) {
  StripeApi stripe(s);
  const std::string pi = "/v1/payment_intents/" + percent_encode(r.payment_intent_id);
  // A key per minute: Stripe replays a saved 5xx to every retry under one key.
  StripeResult res = co_await stripe.post(pi + "/cancel", FormBody(),
                                            "slotguard-void-" + r.id + "-" + std::to_string(s.now() / kMinuteMs));
  if (res.ok()) co_return Voiding::Voided;
  if (res.transient()) co_return Voiding::Failed;
  StripeResult got = co_await stripe.get(pi);
  const std::string status(got.ok() ? get_string(got.object, "status").value_or("") : std::string_view());
  co_return status == "canceled" ? Voiding::Voided : status == "succeeded" ? Voiding::Captured : Voiding::Failed;
}

}  // namespace

Co<bool> execute_refund(Services& s, Reservation r) {
  const std::string rid = r.id;
  const int64_t attempt = r.refund_attempts;
  if (r.approval_minutes > 0 && r.confirmed_at == 0 && !r.payment_intent_id.empty()) {
    const Voiding voided = co_await void_authorization(s, r);
    if (voided != Voiding::Captured)
      co_return co_await record_refund_attempt(s, rid, attempt, voided == Voiding::Voided, "voided");
  }
  StripeResult res;
  bool found = false;                   // an earlier attempt's refund turned up in the lookup
  std::optional<std::string> found_id;  // and its id, when it has one
  if (!r.payment_intent_id.empty()) {
    StripeApi stripe(s);
    FormBody form;
    form.add("payment_intent", r.payment_intent_id).add("metadata[reservation_id]", rid);
    // A destination charge: the expert's transfer and the platform's fee go back in the
    // refund's proportion, so neither keeps money the guest got back.
    if (!r.transfer_destination.empty() && !planted(Defect::refund_keeps_transfer))
      form.add("reverse_transfer", "true").add("refund_application_fee", "true");
    // A cancellation policy may return only part of the price. Stripe refuses a second
    // full refund of a charge, but not a second partial one: before retrying one whose
    // earlier answer may have been lost, look for it.
    // A series' occurrence refunds its own share of the series' one charge.
    const bool partial = r.refund_amount > 0 && (r.refund_amount < r.price.amount || r.in_series());
    if (partial) form.add("amount", std::to_string(r.refund_amount));
    bool settled = false;  // found already made, or the lookup failed (try again later)
    if (partial && attempt > 0) {
      res = co_await stripe.get("/v1/refunds?limit=100&payment_intent=" + r.payment_intent_id);
      settled = !res.ok();
      const JsonValue* data = res.ok() ? get_array(res.object, "data") : nullptr;
      for (rapidjson::SizeType i = 0; data && i < data->Size() && !settled; ++i) {
        const JsonValue& refund = (*data)[i];
        const JsonValue* meta = get_object(refund, "metadata");
        auto owner = meta ? get_string(*meta, "reservation_id") : std::nullopt;
        auto status = get_string(refund, "status");
        if (owner && *owner == rid && (!status || *status != "failed")) {
          if (auto id = get_string(refund, "id")) found_id.emplace(*id);
          found = settled = true;
        }
      }
    }
    std::string key = "slotguard-refund-" + rid;
    if (attempt > 0) key += "-" + std::to_string(attempt);
    if (!settled) res = co_await stripe.post("/v1/refunds", std::move(form), std::move(key));
  }
  // Stripe answers a repeat refund of a fully refunded charge with this code: done.
  const bool already = res.kind == StripeResult::Kind::ApiError && res.error_code == "charge_already_refunded";
  // The refund's id: the one found made, else Stripe's answer to the create.
  std::optional<std::string> refund_id = std::move(found_id);
  if (!found && res.ok())
    if (auto id = get_string(res.object, "id")) refund_id.emplace(*id);
  const bool done = refund_id.has_value() || already;
  const std::string rf = refund_id ? *refund_id : std::string("already_refunded");
  co_return co_await record_refund_attempt(s, rid, attempt, done, rf);
}

}  // namespace slotguard
