#include "slotguard/ledger/reservation_txn.h"

#include "slotguard/booking/guest_holds.h"
#include "slotguard/booking/notifications.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/ledger/store_keys.h"

namespace slotguard {
namespace {

// Every secondary index is derived here from the record's before and after states,
// so no caller can forget one and indexes always commit with the record.
void set_or_delete(std::vector<KvMutation>& m, bool was, bool is, const std::string& old_key,
                   const std::string& new_key, const std::string& value) {
  if (was && (!is || old_key != new_key)) m.push_back({KvMutation::Op::Delete, old_key, {}});
  if (is && (!was || old_key != new_key)) m.push_back({KvMutation::Op::Set, new_key, value});
}

void plan_indexes(const Config& cfg, const std::optional<Reservation>& before, const Reservation& after,
                  std::vector<KvMutation>& m) {
  const Reservation empty;
  const Reservation& b = before ? *before : empty;
  using S = ReservationStatus;
  // Pending holds by expiry: the sweep releases them.
  set_or_delete(m, before && b.status == S::PendingPayment, after.status == S::PendingPayment,
                keys::hold(b.expires_at, b.id), keys::hold(after.expires_at, after.id), after.id);
  // Holds without a linked session: the sweep finishes or undoes them.
  set_or_delete(m, before && b.status == S::PendingPayment && b.checkout_session_id.empty(),
                after.status == S::PendingPayment && after.checkout_session_id.empty(),
                keys::unlinked(b.created_at, b.id), keys::unlinked(after.created_at, after.id), after.id);
  // Refunds decided but not yet confirmed: retried until Stripe answers.
  set_or_delete(m, before && b.refund_queued(), after.refund_queued(), keys::refund_queue(b.refund_next_at, b.id),
                keys::refund_queue(after.refund_next_at, after.id), after.id);
  // Finished reservations by when retention lets the sweep remove them.
  const int64_t retention_ms = cfg.retention_days * kDayMs;
  set_or_delete(m, before && b.finished(), after.finished(), keys::purge(b.updated_at + retention_ms, b.id),
                keys::purge(after.updated_at + retention_ms, after.id), after.id);
  // An expert's reservations by start, for listing (kept until retention removes it).
  set_or_delete(m, before.has_value(), true, keys::expert_reservation(b.expert_id, b.start, b.id),
                keys::expert_reservation(after.expert_id, after.start, after.id), after.id);
  // Lookups by Stripe ids (never removed: late webhooks still find the reservation).
  if (!after.checkout_session_id.empty() && after.checkout_session_id != b.checkout_session_id)
    m.push_back({KvMutation::Op::Set, keys::session_index(after.checkout_session_id), after.id});
  if (!after.payment_intent_id.empty() && after.payment_intent_id != b.payment_intent_id)
    m.push_back({KvMutation::Op::Set, keys::payment_intent_index(after.payment_intent_id), after.id});
}

}  // namespace

Co<TxnOutcome> run_reservation_txn(Services& s, std::string rid, NewSpan creating,
                                   std::vector<std::string> extra_keys, Decide decide) {
  TxnOutcome out;
  const std::string rkey = keys::reservation(rid);
  NewSpan where = creating;
  if (!creating.given()) {
    ReadResult first = co_await s.store.read_one(rkey);
    if (first.status != StoreStatus::Ok) co_return out;
    if (!first.items[0].present()) {
      out.kind = TxnOutcome::Kind::NotFound;
      co_return out;
    }
    auto r = reservation_from_storage(first.items[0].value);
    if (!r) co_return out;
    // The expert and guest never change; the span only by a move (below: a move that
    // lands between this read and the snapshot sends the transaction round again).
    where.expert_id = r->expert_id;
    where.span = {r->span_start, r->span_end};
    where.guest_email = r->guest.email;
    where.group = seat_group(r->event_id, r->start, r->seats);
    where.seats = r->seats;
  }
  const bool moving = where.moving();
  Span target = moving ? where.moving_to : where.span;
  std::string target_group = moving ? where.moving_group : where.group;
  auto buckets_for = [&] {
    return moving ? bucket_keys_of_both(where.expert_id, where.span, target) : bucket_keys(where.expert_id, where.span);
  };
  std::vector<std::string> bucket_list = buckets_for();
  // The guest's hold list is read only while the limit is on, and written (and
  // checked) only when the change alters it.
  const bool guest_tracked = s.cfg.max_active_holds_per_guest > 0 && !where.guest_email.empty();
  const std::string guest_key = guest_tracked ? keys::guest_holds(where.expert_id, where.guest_email) : std::string();
  const size_t guest_at = 1 + extra_keys.size();

  const int max_attempts = kMaxCommitAttempts + static_cast<int>(where.seats - 1);
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    out.attempts = attempt;
    std::vector<std::string> read_keys{rkey};
    read_keys.insert(read_keys.end(), extra_keys.begin(), extra_keys.end());
    if (guest_tracked) read_keys.push_back(guest_key);
    read_keys.insert(read_keys.end(), bucket_list.begin(), bucket_list.end());
    ReadResult snap = co_await s.store.read(read_keys);
    if (snap.status != StoreStatus::Ok) co_return out;

    std::optional<Reservation> current;
    if (snap.items[0].present()) {
      current = reservation_from_storage(snap.items[0].value);
      if (!current) co_return out;  // a record we cannot read: refuse to guess
    } else if (!creating.given()) {
      out.kind = TxnOutcome::Kind::NotFound;
      co_return out;
    }
    if (current && !creating.given() && (current->span_start != where.span.start || current->span_end != where.span.end)) {
      // Moved since the first read: the buckets read are the wrong ones. Read again.
      where.span = {current->span_start, current->span_end};
      where.group = seat_group(current->event_id, current->start, current->seats);
      if (!moving) target = where.span, target_group = where.group;
      bucket_list = buckets_for();
      continue;
    }
    std::vector<KvItem> buckets(snap.items.end() - static_cast<long>(bucket_list.size()), snap.items.end());
    const int64_t now = s.now();
    const bool keeps_place = !moving && current && current->active_at(now);
    auto taken = span_taken(buckets, target, now, Claim{rid, target_group, where.seats, keeps_place});
    if (!taken) co_return out;
    const GuestHolds guest = guest_tracked ? guest_holds_from_storage(snap.items[guest_at].value) : GuestHolds();

    TxnView view{current, snap, !*taken, now, other_active_holds(guest, rid, now)};
    out.plan = decide(view);
    out.reservation = current;
    if (out.plan.kind == TxnPlan::Kind::NoChange) {
      out.kind = TxnOutcome::Kind::NoChange;
      co_return out;
    }
    if (out.plan.kind == TxnPlan::Kind::Reject) {
      out.kind = TxnOutcome::Kind::Rejected;
      co_return out;
    }
    if (out.plan.kind == TxnPlan::Kind::ExtrasOnly) {
      std::vector<KvCheck> checks;
      for (size_t i = 0; i < 1 + extra_keys.size(); ++i) checks.push_back({snap.items[i].key, snap.items[i].version});
      StoreStatus st = co_await s.store.commit(std::move(checks), out.plan.extra_mutations);
      if (st == StoreStatus::Ok) {
        out.kind = TxnOutcome::Kind::NoChange;
        co_return out;
      }
      if (st == StoreStatus::Error) co_return out;
      s.metrics.add("slotguard_store_commit_retries_total");
      continue;
    }
    Reservation next = out.plan.next;
    next.id = rid;
    next.expert_id = where.expert_id;
    next.span_start = target.start;
    next.span_end = target.end;
    // What is written must read back: the appointment lies inside its blocked span.
    SG_ASSERT(next.span_start <= next.start && next.start < next.end && next.end <= next.span_end);
    next.updated_at = now;
    if (current) next.notify_seq = current->notify_seq;  // only plan_notifications advances it
    // The ledger is the law: a decision may never activate a span someone else holds.
    if (next.active_at(now) && *taken) {
      s.metrics.add("slotguard_ledger_refusals_total");
      out.kind = TxnOutcome::Kind::Refused;
      co_return out;
    }

    std::vector<KvCheck> checks;
    std::vector<KvMutation> mutations;
    for (size_t i = 0; i < 1 + extra_keys.size(); ++i) checks.push_back({snap.items[i].key, snap.items[i].version});
    std::optional<LedgerEntry> entry;
    if (next.active_at(now))
      entry = LedgerEntry{rid, target.start, target.end,
                          next.status == ReservationStatus::Confirmed ? 0 : next.expires_at, target_group, where.seats};
    if (!plan_ledger_update(buckets, rid, entry, now, checks, mutations,
                            keeps_place ? LedgerWrite::KeepsItsPlace : LedgerWrite::Exclusive))
      co_return out;
    if (SG_PLANTED(check_then_insert))
      std::erase_if(checks, [](const KvCheck& c) { return c.key.rfind("slot/", 0) == 0; });
    if (guest_tracked) {
      const GuestHolds guest_next = guest_holds_after(guest, next, now);
      if (!(guest_next == guest)) {
        checks.push_back({guest_key, snap.items[guest_at].version});
        if (guest_next.holds.empty())
          mutations.push_back({KvMutation::Op::Delete, guest_key, {}});
        else
          mutations.push_back({KvMutation::Op::Set, guest_key, guest_holds_to_storage(guest_next)});
      }
    }
    plan_notifications(s.cfg, current, next, now, mutations);
    mutations.push_back({KvMutation::Op::Set, rkey, reservation_to_storage(next)});
    plan_indexes(s.cfg, current, next, mutations);
    for (auto& m : out.plan.extra_mutations) mutations.push_back(m);

    StoreStatus st = co_await s.store.commit(std::move(checks), std::move(mutations));
    if (st == StoreStatus::Ok) {
      out.kind = TxnOutcome::Kind::Written;
      out.reservation = std::move(next);
      co_return out;
    }
    if (st == StoreStatus::Error) co_return out;
    s.metrics.add("slotguard_store_commit_retries_total");
  }
  out.kind = TxnOutcome::Kind::Busy;
  co_return out;
}

}  // namespace slotguard
