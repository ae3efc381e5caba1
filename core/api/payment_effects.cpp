#include "payment_effects.h"

#include "form_encoding.h"
#include "store_keys.h"

namespace slotguard::api {

namespace {

enum Tag { kDuplicate = 1 };

KvMutation event_record(const EventRef& ev, const std::string& rid, const std::string& outcome) {
  return {KvMutation::Op::Set, keys::webhook_event(ev.id),
          dump_json(Json{{"type", ev.type}, {"reservation_id", rid}, {"outcome", outcome}})};
}

bool already_seen(const TxnView& v, const EventRef& ev) {
  const KvItem* seen = v.snapshot.find(keys::webhook_event(ev.id));
  return seen && seen->present();
}

// Shared shape of every effect: check for a duplicate, let `choose` decide, record
// the event with the outcome it names.
using Choose = std::function<TxnPlan(const TxnView&, std::string& outcome)>;

Co<EffectResult> run_effect(Services& s, EventRef ev, std::string rid, Choose choose) {
  std::string outcome;
  Decide decide = [&ev, &rid, &outcome, choose](const TxnView& v) {
    TxnPlan plan;
    if (already_seen(v, ev)) {
      plan.kind = TxnPlan::Kind::Reject;
      plan.tag = kDuplicate;
      return plan;
    }
    outcome.clear();
    plan = choose(v, outcome);
    if (plan.kind == TxnPlan::Kind::NoChange) plan.kind = TxnPlan::Kind::ExtrasOnly;
    plan.extra_mutations.push_back(event_record(ev, rid, outcome));
    return plan;
  };
  std::vector<std::string> extra{keys::webhook_event(ev.id)};
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), std::move(extra), decide);
  EffectResult res;
  res.outcome = outcome;
  switch (out.kind) {
    case TxnOutcome::Kind::Written:
    case TxnOutcome::Kind::NoChange: res.kind = EffectResult::Kind::Applied; break;
    case TxnOutcome::Kind::Rejected: res.kind = EffectResult::Kind::Duplicate; break;
    case TxnOutcome::Kind::NotFound: res.kind = EffectResult::Kind::NotFound; break;
    case TxnOutcome::Kind::Busy: res.kind = EffectResult::Kind::Busy; break;
    case TxnOutcome::Kind::StoreError: res.kind = EffectResult::Kind::StoreError; break;
  }
  if (out.kind == TxnOutcome::Kind::Written && out.reservation) {
    const Reservation& r = *out.reservation;
    std::string fields = "\"reservation_id\":\"" + rid + "\",\"stripe_event\":\"" + ev.id + "\"";
    if (r.status == ReservationStatus::Confirmed) {
      s.metrics.add("slotguard_confirmations_total");
      s.log(LogLevel::Info, "reservation_confirmed", fields);
    } else if (r.status == ReservationStatus::Refunded) {
      s.metrics.add("slotguard_refunds_total");
      s.log(LogLevel::Warn, "payment_refunded_slot_lost", fields);
      co_await execute_refund(s, rid, r.payment_intent_id);
    } else if (r.status == ReservationStatus::Released) {
      s.metrics.add("slotguard_releases_total", "reason=\"" + r.release_reason + "\"");
      s.log(LogLevel::Info, "reservation_released", fields + ",\"reason\":\"" + r.release_reason + "\"");
    }
  }
  co_return res;
}

void link_ids(Reservation& r, const std::string& session_id, const std::string& pi_id) {
  if (r.checkout_session_id.empty()) r.checkout_session_id = session_id;
  if (!pi_id.empty()) r.payment_intent_id = pi_id;
}

bool is_other_session(const Reservation& r, const std::string& session_id) {
  return !r.checkout_session_id.empty() && !session_id.empty() && r.checkout_session_id != session_id;
}

}  // namespace

Co<EffectResult> apply_payment(Services& s, EventRef ev, std::string rid, std::string session_id, std::string pi_id) {
  Choose choose = [session_id, pi_id](const TxnView& v, std::string& outcome) {
    TxnPlan plan;
    const Reservation& cur = *v.current;
    using S = ReservationStatus;
    if (cur.status == S::Confirmed || cur.status == S::Refunded || is_other_session(cur, session_id)) {
      outcome = cur.status == S::Confirmed ? "already_confirmed" : cur.status == S::Refunded ? "already_refunded" : "other_session";
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    link_ids(plan.next, session_id, pi_id);
    plan.next.release_reason.clear();
    // Still held, or lost but the slot is free again: the guest gets the booking. A
    // guest who cancelled, or whose slot went to someone else, gets the money back.
    const bool cancelled = cur.status == S::Released && cur.release_reason == "cancelled";
    if (!cancelled && (cur.active_at(v.now) || v.span_free)) {
      plan.next.status = S::Confirmed;
      outcome = cur.active_at(v.now) ? "confirmed" : "confirmed_late";
    } else {
      plan.next.status = S::Refunded;
      plan.next.release_reason = cancelled ? "cancelled" : "slot_lost";
      outcome = "refunded";
    }
    return plan;
  };
  co_return co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose));
}

Co<EffectResult> apply_voucher_hold(Services& s, EventRef ev, std::string rid, std::string session_id,
                                    std::string pi_id, int64_t hold_until) {
  Choose choose = [session_id, pi_id, hold_until](const TxnView& v, std::string& outcome) {
    TxnPlan plan;
    const Reservation& cur = *v.current;
    if (cur.status != ReservationStatus::PendingPayment || is_other_session(cur, session_id)) {
      outcome = "ignored";
      return plan;
    }
    if (!cur.active_at(v.now) && !v.span_free) {
      // The hold lapsed and the slot is taken: if the voucher is paid anyway, the
      // payment event refunds it.
      outcome = "hold_lost";
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    link_ids(plan.next, session_id, pi_id);
    if (hold_until > plan.next.expires_at) plan.next.expires_at = hold_until;
    outcome = "held_for_voucher";
    return plan;
  };
  co_return co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose));
}

Co<EffectResult> apply_release(Services& s, EventRef ev, std::string rid, std::string session_id, std::string reason) {
  Choose choose = [session_id, reason](const TxnView& v, std::string& outcome) {
    TxnPlan plan;
    const Reservation& cur = *v.current;
    if (cur.status != ReservationStatus::PendingPayment || is_other_session(cur, session_id)) {
      outcome = "ignored";
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    if (plan.next.checkout_session_id.empty()) plan.next.checkout_session_id = session_id;
    plan.next.status = ReservationStatus::Released;
    plan.next.release_reason = reason;
    outcome = "released";
    return plan;
  };
  co_return co_await run_effect(s, std::move(ev), std::move(rid), std::move(choose));
}

Co<EffectResult> record_event(Services& s, EventRef ev, std::string outcome) {
  const std::string key = keys::webhook_event(ev.id);
  std::vector<KvCheck> checks{{key, 0}};
  std::vector<KvMutation> writes{event_record(ev, "", outcome)};
  StoreStatus st = co_await s.store.commit(std::move(checks), std::move(writes));
  EffectResult res;
  res.outcome = outcome;
  res.kind = st == StoreStatus::Ok         ? EffectResult::Kind::Applied
             : st == StoreStatus::Conflict ? EffectResult::Kind::Duplicate
                                           : EffectResult::Kind::StoreError;
  co_return res;
}

Co<bool> execute_refund(Services& s, std::string rid, std::string pi_id, std::string attempt) {
  if (pi_id.empty()) {
    s.log(LogLevel::Error, "refund_without_payment_intent", "\"reservation_id\":\"" + rid + "\"");
    co_return false;
  }
  FormBody form;
  form.add("payment_intent", pi_id).add("metadata[reservation_id]", rid);
  StripeResult res = co_await s.stripe.post("/v1/refunds", std::move(form), "slotguard-refund-" + rid + attempt);
  // Stripe answers a repeat refund of a fully refunded charge with this code: done.
  const bool already = res.kind == StripeResult::Kind::ApiError && res.error_code == "charge_already_refunded";
  const std::string* refund_id = res.ok() ? get_string(res.object, "id") : nullptr;
  if (!refund_id && !already) {
    s.log(LogLevel::Warn, "refund_failed", "\"reservation_id\":\"" + rid + "\"");
    co_return false;
  }
  const std::string rf = refund_id ? *refund_id : std::string("already_refunded");
  Decide decide = [rf](const TxnView& v) {
    TxnPlan plan;
    if (!v.current || v.current->status != ReservationStatus::Refunded || !v.current->refund_id.empty()) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    plan.next.refund_id = rf;
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  co_return out.kind == TxnOutcome::Kind::Written || out.kind == TxnOutcome::Kind::NoChange;
}

}  // namespace slotguard::api
