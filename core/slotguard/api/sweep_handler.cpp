// POST /v1/maintenance/sweep (admin): the janitor. First applies the Stripe events
// whose webhooks never came (payments/missed_events.h). Then releases holds past their
// expiry and closes their Checkout Sessions, finishes or undoes holds whose session
// creation never completed, retries refunds Stripe has not confirmed, and settles packs
// still waiting for a payment once their checkout expired. Every step is a
// conditional transaction or an idempotent Stripe call, so sweeps may overlap each
// other and live traffic. Each run does bounded work and says whether more remains.
// Last, it removes what retention lets go (retention.h).
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/payments/checkout_link.h"
#include "slotguard/api/handlers.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/approval.h"
#include "slotguard/payments/missed_events.h"
#include "slotguard/payments/pack_checkout.h"
#include "slotguard/payments/reconcile.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/api/retention.h"
#include "slotguard/host/store_keys.h"

namespace slotguard::api {

namespace {

constexpr size_t kBatch = 100;
// A hold younger than this may still be creating its session in another request.
constexpr int64_t kUnlinkedAfterMs = 2 * kMinuteMs;

// `looked_at`: the session Stripe was asked about just before (empty: none). A hold
// whose linked session was not the one looked at is left for the next sweep's look:
// it may have lapsed only since it was read, and its session may be paid.
// A series' lead (`series`: every occurrence, lead first) is released with every pending
// occurrence in one commit, so a lapsed series is never split.
Co<TxnOutcome> release_if_expired(ApiServices& s, std::string rid, std::vector<std::string> series, std::string looked_at) {
  Decide decide = [&looked_at](const TxnView& v) {
    if (v.current && v.current->expires_at > v.now) return TxnPlan();
    if (v.current && !v.current->checkout_session_id.empty() && v.current->checkout_session_id != looked_at)
      return TxnPlan();
    return release_pending(v.current, ReleaseReason::hold_expired);
  };
  if (series.empty()) co_return co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  GroupOutcome group = co_await release_series_after(s, std::move(series), ReleaseReason::hold_expired, decide);
  TxnOutcome out = std::move(group.members[0]);
  if (group.kind != TxnOutcome::Kind::Written && group.kind != TxnOutcome::Kind::NoChange) out.kind = group.kind;
  co_return out;
}

// An occurrence of a series other than its lead lapses with its lead (whose session
// the sweep asks Stripe about first): true while the lead is still pending.
Co<bool> waits_for_lead(ApiServices& s, const Reservation& r) {
  if (!r.in_series() || r.series_lead() || r.status != ReservationStatus::PendingPayment) co_return false;
  Loaded<Reservation> lead = co_await load_reservation(s, r.series.front());
  if (!lead.record) co_return lead.error.status != 404;  // unread: wait for the next sweep
  co_return lead.record->status == ReservationStatus::PendingPayment;
}

// A released hold that never linked a session: ask Stripe, under the latest attempt's
// idempotency key and parameters, whether a session was created whose answer was
// lost; if so, close it. If none was, Stripe refuses the stale expires_at and nothing
// is payable. (Earlier attempts ended in a 5xx that Stripe keeps under their keys, so
// they created nothing.)
Co<bool> close_orphan_session(ApiServices& s, Reservation r) {
  StripeApi stripe(s);
  StripeResult res = co_await stripe.post("/v1/checkout/sessions", checkout_session_form(r),
                                            checkout_idempotency_key(r.id, r.checkout_attempt));
  auto sid = res.ok() ? get_string(res.object, "id") : std::nullopt;
  if (!sid) co_return false;
  co_return co_await expire_checkout(s, std::string(*sid));
}

struct SweepCounts {
  int released = 0, linked = 0, reconciled = 0, refunds = 0, failed = 0;
  bool more = false;
};

// One hold past its expiry. With a linked session, Stripe is asked first what became of
// it (payments/reconcile.h): a payment whose webhooks never came is applied instead of
// the hold being released, an open session is closed, and a Stripe that does not answer
// leaves the hold for the next sweep. Then the hold is released.
Co<bool> settle_expired(ApiServices& s, std::string rid, SweepCounts& n) {
  Loaded<Reservation> found = co_await load_reservation(s, rid);
  const std::optional<Reservation>& r = found.record;
  if (r && r->status == ReservationStatus::AwaitingApproval) {
    // Nobody answered by the deadline: declined (or a decision cut short, finished).
    const ApprovalOutcome out = co_await finish_approval(s, *r);
    out.kind == ApprovalOutcome::Kind::Done ? ++n.released : ++n.failed;
    co_return true;
  }
  if (!r) {  // unreadable now (or gone): whether it leads a series is not known, so wait
    ++n.failed;
    co_return false;
  }
  if (co_await waits_for_lead(s, *r)) co_return true;
  std::string looked_at;  // the session Stripe said may be let go
  if (planted(Defect::release_without_asking) && r) {
    looked_at = r->checkout_session_id;  // released blind: a payment whose webhook is lost is kept
  } else if (r && r->status == ReservationStatus::PendingPayment && !r->active_at(s.now()) &&
             !r->checkout_session_id.empty()) {
    const LapsedHold what = co_await settle_lapsed_hold(s, *r);
    if (what == LapsedHold::Settled) ++n.reconciled;
    if (what == LapsedHold::Keep) ++n.failed;
    if (what != LapsedHold::Release) co_return true;
    looked_at = r->checkout_session_id;
  }
  std::vector<std::string> series;
  if (r && r->series_lead()) series = r->series;
  TxnOutcome out = co_await release_if_expired(s, rid, std::move(series), looked_at);
  if (out.kind != TxnOutcome::Kind::Written) {
    n.failed += out.kind == TxnOutcome::Kind::NoChange ? 0 : 1;
    co_return false;
  }
  ++n.released;
  const std::string_view why = release_reason_name(ReleaseReason::hold_expired);
  if (!r || !r->series_lead()) {  // a series' releases are counted and logged as they commit
    s.metrics.add(Metric::releases_total, "reason=\"" + std::string(why) + "\"");
    s.log(LogLevel::Info, "reservation_released", {{"reservation_id", rid}, {"reason", why}});
  }
  // Without a linked session: one whose create's answer was lost is closed now.
  const Reservation& released = *out.reservation;
  if (released.checkout_session_id.empty()) co_await close_orphan_session(s, released);
  co_return true;
}

// Step 1: holds past their expiry, settled one by one. Each step answers false when the
// store cannot list its work.
Co<bool> release_expired(ApiServices& s, int64_t now, SweepCounts& n) {
  ListResult expired = co_await s.store.list(std::string(keys::kHoldPrefix),
                                             std::string(keys::kHoldPrefix) + keys::padded(now + 1, 13), kBatch);
  if (expired.status != StoreStatus::Ok) co_return false;
  n.more |= expired.page.more;
  for (const auto& item : expired.page.items) co_await settle_expired(s, item.value, n);
  co_return true;
}

// Step 2: live holds whose session never got linked (the creating request died).
Co<bool> finish_unlinked(ApiServices& s, int64_t now, SweepCounts& n) {
  ListResult unlinked = co_await s.store.list(std::string(keys::kUnlinkedPrefix),
                                              std::string(keys::kUnlinkedPrefix) + keys::padded(now - kUnlinkedAfterMs, 13), kBatch);
  if (unlinked.status != StoreStatus::Ok) co_return false;
  n.more |= unlinked.page.more;
  for (const auto& item : unlinked.page.items) {
    std::optional<Reservation> r = (co_await load_reservation(s, item.value)).record;
    if (!r || r->status != ReservationStatus::PendingPayment || !r->checkout_session_id.empty()) continue;
    const CheckoutOutcome::Kind kind = (co_await open_checkout(s, std::move(*r))).kind;
    // Linked now; kept when Stripe or the store did not answer (the next sweep tries
    // again); released otherwise.
    using Kind = CheckoutOutcome::Kind;
    const bool kept = kind == Kind::Deferred || kind == Kind::Busy || kind == Kind::StoreError;
    const char* outcome = kind == Kind::Linked ? "linked" : kept ? "kept" : "released";
    s.metrics.add(Metric::unlinked_holds_total, std::string("outcome=\"") + outcome + "\"");
    kind == Kind::Linked ? ++n.linked : ++n.failed;
  }
  co_return true;
}

// Step 3: refunds decided but not confirmed by Stripe, due now. A failure moves its
// entry later (back-off), so failing refunds never hide the ones behind them.
Co<bool> retry_refunds(ApiServices& s, int64_t now, SweepCounts& n) {
  ListResult refunds = co_await s.store.list(std::string(keys::kRefundQueuePrefix),
                                             std::string(keys::kRefundQueuePrefix) + keys::padded(now + 1, 13), kBatch);
  if (refunds.status != StoreStatus::Ok) co_return false;
  n.more |= refunds.page.more;
  for (const auto& item : refunds.page.items) {
    std::optional<Reservation> r = (co_await load_reservation(s, item.value)).record;
    if (!r || !r->refund_queued() || r->refund_next_at > now) continue;
    bool ok = co_await execute_refund(s, std::move(*r));
    ok ? ++n.refunds : ++n.failed;
  }
  co_return true;
}

// Step 4: packs whose checkout's expiry passed and that may still wait for its payment
// (payments/pack_checkout.h). A pack is activated or lapsed by what Stripe says.
Co<bool> settle_pack_checkouts(ApiServices& s, int64_t now, SweepCounts& n) {
  const std::string prefix(keys::kPackCheckoutExpiryPrefix);
  ListResult due = co_await s.store.list(prefix, prefix + keys::padded(now + 1, 13), kBatch);
  if (due.status != StoreStatus::Ok) co_return false;
  n.more |= due.page.more;
  for (const auto& item : due.page.items)
    if (co_await settle_lapsed_pack(s, item.value, item.key) == LapsedPack::Keep) ++n.failed;
  co_return true;
}

}  // namespace

Co<HttpResponse> sweep(ApiServices& s) {
  const int64_t now = s.now();
  SweepCounts n;

  // Step 0: what Stripe said that no webhook brought. Stripe not answering does not
  // stop the rest: a lapsed hold is still looked at one by one (reconcile.h).
  EventsPass events;
  if (!planted(Defect::release_without_asking)) events = co_await replay_missed_events(s);
  n.reconciled += events.applied;
  n.failed += events.failed ? 1 : 0;
  n.more |= events.more;
  if (!co_await release_expired(s, now, n)) co_return store_unavailable();
  if (!co_await finish_unlinked(s, now, n)) co_return store_unavailable();
  if (!co_await retry_refunds(s, now, n)) co_return store_unavailable();
  if (!co_await settle_pack_checkouts(s, now, n)) co_return store_unavailable();
  // Step 5: what retention lets go.
  PurgeCounts purged;
  if (!co_await purge_due(s, now, purged)) co_return store_unavailable();
  n.more |= purged.more;

  JsonWriter body;
  body.object()
      .field("released", n.released)
      .field("linked", n.linked)
      .field("reconciled", n.reconciled)
      .field("refunds_retried", n.refunds)
      .field("failed", n.failed)
      .field("purged", purged.reservations + purged.packs + purged.webhook_events)
      .field("more", n.more)
      .end_object();
  co_return json_response(200, body);
}

}  // namespace slotguard::api
