#include "slotguard/payments/checkout_link.h"

#include <algorithm>

#include "slotguard/payments/stripe/checkout_session.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

namespace slotguard {

namespace {

// Instances' clocks and Stripe's may disagree by this much; expiries keep it spare.
constexpr int64_t kClockSlackMs = 30'000;

using Kind = CheckoutOutcome::Kind;

CheckoutOutcome linked(const Reservation& r) { return {Kind::Linked, r}; }
CheckoutOutcome ended(Kind k) { return {k, std::nullopt}; }

// A transaction that could not run: the store's trouble, as an outcome.
CheckoutOutcome store_trouble(const TxnOutcome& t) {
  return ended(t.kind == TxnOutcome::Kind::Busy ? Kind::Busy : Kind::StoreError);
}

std::string stripe_error_name(const StripeResult& res) {
  if (res.kind == StripeResult::Kind::TransportError) return "no_answer";
  return res.error_code.empty() ? res.error_type : res.error_code;
}

Decide release_decision(ReleaseReason reason, bool only_unlinked) {
  return [reason, only_unlinked](const TxnView& v) {
    if (only_unlinked && v.current && !v.current->checkout_session_id.empty()) return TxnPlan();
    return release_pending(v.current, reason);
  };
}

// Moves a live, unlinked hold on to its next create attempt (a new idempotency key).
// With `replan_expiry`, the session and the hold get later expiries from now, so
// Stripe accepts the session and the hold still outlives it.
Decide attempt_decision(const Config& cfg, int64_t seen_attempt, bool replan_expiry) {
  return [seen_attempt, replan_expiry, &cfg](const TxnView& v) {
    TxnPlan plan;
    const auto& cur = v.current;
    if (!cur || cur->status != ReservationStatus::PendingPayment || !cur->active_at(v.now) ||
        !cur->checkout_session_id.empty() || cur->checkout_attempt != seen_attempt)
      return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *cur;
    plan.next.checkout_attempt = seen_attempt + 1;
    if (replan_expiry) {
      Reservation later = *cur;
      plan_hold_expiry(cfg, v.now, later);
      plan.next.session_expires_at = std::max(cur->session_expires_at, later.session_expires_at);
      plan.next.expires_at = std::max(cur->expires_at, later.expires_at);
    }
    return plan;
  };
}

// An occurrence of a series is held as long as its lead, so that no start lapses while
// the series' one session is still payable: it takes the expiries `lead_plan` gives the
// lead. One that lapsed already stays so (its time may be someone else's; a payment then
// refunds the series whole).
Decide follow_lead_expiry(const TxnPlan& lead_plan) {
  return [&lead_plan](const TxnView& v) {
    TxnPlan plan;
    const auto& cur = v.current;
    if (lead_plan.kind != TxnPlan::Kind::Write || !cur || cur->status != ReservationStatus::PendingPayment ||
        !cur->active_at(v.now))
      return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *cur;
    plan.next.session_expires_at = std::max(cur->session_expires_at, lead_plan.next.session_expires_at);
    plan.next.expires_at = std::max(cur->expires_at, lead_plan.next.expires_at);
    return plan;
  };
}

// A series' lead renews its occurrences in the same commit.
Co<TxnOutcome> next_attempt(Services& s, const Reservation& held, bool replan_expiry) {
  const Decide decide = attempt_decision(s.cfg, held.checkout_attempt, replan_expiry);
  if (!replan_expiry || !held.series_lead() || planted(Defect::series_renewed_alone))
    co_return co_await run_reservation_txn(s, held.id, existing_reservation(), no_keys(), decide);
  TxnPlan lead_plan;
  std::vector<GroupMember> members;
  members.push_back(GroupMember{held.id, existing_reservation(), no_keys(), [&lead_plan, decide](const TxnView& v) {
                                  lead_plan = decide(v);
                                  return lead_plan;
                                }});
  for (size_t i = 1; i < held.series.size(); ++i)
    members.push_back(GroupMember{held.series[i], existing_reservation(), no_keys(), follow_lead_expiry(lead_plan)});
  Survey no_survey;
  GroupOutcome group = co_await run_group_txn(s, std::move(members), std::move(no_survey));
  TxnOutcome out = std::move(group.members[0]);
  if (group.kind != TxnOutcome::Kind::Written && group.kind != TxnOutcome::Kind::NoChange) out.kind = group.kind;
  co_return out;
}

// A hold whose state moved on while this request worked: answer from what it is now.
CheckoutOutcome outcome_from_state(const Reservation& r, int64_t now) {
  if (r.status == ReservationStatus::PendingPayment && r.active_at(now) && !r.checkout_session_id.empty())
    return linked(r);
  if (r.status == ReservationStatus::PendingPayment && r.active_at(now)) return ended(Kind::Deferred);
  return ended(Kind::Released);
}

// Stripe gave no usable session: the hold stays for the replay or the sweep when the
// answer may be transient, and is released when Stripe refused for good.
Co<CheckoutOutcome> checkout_failed(Services& s, const Reservation& held, const StripeResult& res) {
  s.log(LogLevel::Warn, "checkout_create_failed",
        {{"reservation_id", held.id}, {"stripe_status", res.http_status}, {"stripe_error", stripe_error_name(res)}});
  if (planted(Defect::release_on_transient)) {
    TxnOutcome rel = co_await run_reservation_txn(s, held.id, existing_reservation(), no_keys(),
                                                  release_decision(ReleaseReason::payment_provider_error, false));
    (void)rel;
    co_return ended(Kind::Refused);
  }
  if (res.transient() || res.expiry_refused()) {
    // Another request may be creating this very session (409), or Stripe may have
    // created it and lost the answer: the hold stays for the replay or the sweep.
    // After a 5xx, Stripe replays that answer to the same key: move to a new one
    // (as after an expiry that reached Stripe too late; the next try re-plans it).
    if (res.key_spent() || res.expiry_refused()) {
      TxnOutcome moved = co_await next_attempt(s, held, false);
      (void)moved;  // if this fails, the next try sees the old key's 5xx and tries again
    }
    s.metrics.add(Metric::checkout_deferred_total);
    co_return ended(Kind::Deferred);
  }
  TxnOutcome rel = co_await release_unlinked(s, held.id, ReleaseReason::payment_provider_error);
  if (rel.kind == TxnOutcome::Kind::NoChange && rel.reservation && !rel.reservation->checkout_session_id.empty())
    co_return outcome_from_state(*rel.reservation, s.now());  // a twin linked it meanwhile
  co_return ended(Kind::Refused);
}

// Links the created session to the hold while the hold is still live and unlinked; a
// session that no hold can use any more is closed.
Co<CheckoutOutcome> link_session(Services& s, const Reservation& held, std::string sid, std::string link) {
  Decide decide = [sid, link](const TxnView& v) {
    TxnPlan plan;
    // Only a hold that is still live gets its session; one that lapsed while Stripe
    // answered may already belong to someone else.
    if (!v.current || v.current->status != ReservationStatus::PendingPayment || !v.current->active_at(v.now) ||
        !v.current->checkout_session_id.empty())
      return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    plan.next.checkout_session_id = sid;
    plan.next.checkout_url = link;
    return plan;
  };
  // The hold was read or written just now: its place is known, the first read is saved.
  TxnOutcome done = co_await run_reservation_txn(s, held.id, existing_at(held), no_keys(), decide);
  if (done.kind != TxnOutcome::Kind::Written && done.kind != TxnOutcome::Kind::NoChange) co_return store_trouble(done);
  const Reservation& now_r = *done.reservation;
  const bool live = now_r.status == ReservationStatus::PendingPayment && now_r.active_at(s.now());
  if (done.kind == TxnOutcome::Kind::Written) {
    SG_ASSERT(now_r.checkout_session_id == sid && now_r.session_expires_at < now_r.expires_at);
    s.log(LogLevel::Info, "checkout_linked", {{"reservation_id", held.id}, {"session_id", sid}});
    co_return linked(now_r);
  }
  if (live && now_r.checkout_session_id == sid) co_return linked(now_r);
  // Released or lapsed while Stripe was answering, or another attempt linked its own
  // session first: this session is nobody's, so close it.
  co_await expire_checkout(s, sid);
  if (live && !now_r.checkout_session_id.empty()) co_return linked(now_r);
  co_return ended(Kind::Released);
}

}  // namespace

void plan_hold_expiry(const Config& cfg, int64_t now, Reservation& r) {
  // The hold outlives the session by the grace period, so no session is ever payable
  // for a slot that is not held.
  r.session_expires_at = session_expiry_ms(cfg, now);
  r.expires_at = r.session_expires_at + cfg.hold_grace_minutes * kMinuteMs;
}

Co<GroupOutcome> release_series(Services& s, std::vector<std::string> ids, ReleaseReason reason, bool only_unlinked) {
  co_return co_await release_series_after(s, std::move(ids), reason, release_decision(reason, only_unlinked));
}

Co<GroupOutcome> release_series_after(Services& s, std::vector<std::string> ids, ReleaseReason reason, Decide lead_decides) {
  TxnPlan lead_plan;
  std::vector<GroupMember> members;
  members.push_back(GroupMember{ids[0], existing_reservation(), no_keys(), [&lead_plan, lead_decides](const TxnView& v) {
                                  lead_plan = lead_decides(v);
                                  return lead_plan;
                                }});
  for (size_t i = 1; i < ids.size(); ++i)
    members.push_back(GroupMember{ids[i], existing_reservation(), no_keys(), [&lead_plan, reason](const TxnView& v) {
                                    if (lead_plan.kind != TxnPlan::Kind::Write) return TxnPlan();
                                    return release_pending(v.current, reason);
                                  }});
  Survey no_survey;
  GroupOutcome out = co_await run_group_txn(s, std::move(members), std::move(no_survey));
  if (out.kind != TxnOutcome::Kind::Written) co_return out;
  const std::string_view why = release_reason_name(reason);
  for (const TxnOutcome& one : out.members) {
    if (one.kind != TxnOutcome::Kind::Written) continue;
    s.metrics.add(Metric::releases_total, "reason=\"" + std::string(why) + "\"");
    s.log(LogLevel::Info, "reservation_released", {{"reservation_id", one.reservation->id}, {"reason", why}});
  }
  co_return out;
}

Co<TxnOutcome> release_unlinked(Services& s, std::string rid, ReleaseReason reason) {
  Decide decide = release_decision(reason, true);
  // A series' lead is released with its whole series, in one commit.
  Decide alone = [decide](const TxnView& v) {
    if (v.current && v.current->series_lead()) {
      TxnPlan plan;
      plan.kind = TxnPlan::Kind::Reject;
      return plan;
    }
    return decide(v);
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), alone);
  if (out.kind == TxnOutcome::Kind::Rejected) {
    GroupOutcome group = co_await release_series(s, out.reservation->series, reason, true);
    out = std::move(group.members[0]);
    if (group.kind != TxnOutcome::Kind::Written && group.kind != TxnOutcome::Kind::NoChange) out.kind = group.kind;
    co_return out;
  }
  if (out.kind == TxnOutcome::Kind::Written) {
    const std::string_view why = release_reason_name(reason);
    s.metrics.add(Metric::releases_total, "reason=\"" + std::string(why) + "\"");
    s.log(LogLevel::Info, "reservation_released", {{"reservation_id", rid}, {"reason", why}});
  }
  co_return out;
}

Co<bool> expire_checkout(Services& s, std::string session_id) {
  StripeApi stripe(s);
  StripeResult res = co_await stripe.post("/v1/checkout/sessions/" + percent_encode(session_id) + "/expire",
                                            FormBody(), "slotguard-expire-" + session_id);
  if (!res.ok())
    s.log(LogLevel::Warn, "checkout_expire_failed", {{"session_id", session_id}, {"stripe_error", stripe_error_name(res)}});
  co_return res.ok();
}

Co<CheckoutOutcome> open_checkout(Services& s, Reservation held) {
  if (!held.checkout_session_id.empty()) co_return linked(held);

  // A create that comes later than planned (a replay, the sweep) would send an expiry
  // Stripe refuses as too close: start a new attempt with later expiries first.
  if (held.session_expires_at < s.now() + kStripeMinSessionLeadMs + kClockSlackMs) {
    if (s.now() - held.created_at > kMaxCheckoutOpenDelayMs) co_return ended(Kind::Deferred);
    TxnOutcome renewed = co_await next_attempt(s, held, true);
    if (renewed.kind != TxnOutcome::Kind::Written && renewed.kind != TxnOutcome::Kind::NoChange)
      co_return store_trouble(renewed);
    if (renewed.kind == TxnOutcome::Kind::NoChange) co_return outcome_from_state(*renewed.reservation, s.now());
    held = *renewed.reservation;
  }

  StripeApi stripe(s);
  StripeResult res = co_await stripe.post("/v1/checkout/sessions", checkout_session_form(held),
                                            checkout_idempotency_key(held.id, held.checkout_attempt));
  std::optional<CreatedSession> created = created_session(res);
  if (!created) co_return co_await checkout_failed(s, held, res);
  co_return co_await link_session(s, held, std::move(created->id), std::move(created->url));
}

}  // namespace slotguard
