#include "slotguard/ledger/reservation_txn.h"

#include <algorithm>
#include <map>
#include <set>

#include "slotguard/booking/booking_caps.h"
#include "slotguard/booking/guest_holds.h"
#include "slotguard/booking/notifications.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"

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
  // Pending holds by expiry, and bookings awaiting approval by deadline: the sweep
  // releases the ones and declines the others.
  const auto swept = [](const Reservation& r) { return r.status == S::PendingPayment || r.status == S::AwaitingApproval; };
  set_or_delete(m, before && swept(b), swept(after),
                keys::hold(b.expires_at, b.id), keys::hold(after.expires_at, after.id), after.id);
  // Holds without a linked session: the sweep finishes or undoes them. A series' other
  // members never get one: the lead's session pays for them all.
  const auto unlinked = [](const Reservation& r) {
    return r.status == S::PendingPayment && r.checkout_session_id.empty() && (!r.in_series() || r.series_lead());
  };
  set_or_delete(m, before && unlinked(b), unlinked(after),
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
  // A collective meeting is listed with each member too (its team never changes).
  for (const std::string& member : after.team)
    set_or_delete(m, before.has_value(), true, keys::expert_reservation(member, b.start, b.id),
                  keys::expert_reservation(member, after.start, after.id), after.id);
  // Lookups by Stripe ids (never removed: late webhooks still find the reservation); a
  // series is found by its lead.
  if (after.in_series() && !after.series_lead()) return;
  if (!after.checkout_session_id.empty() && after.checkout_session_id != b.checkout_session_id)
    m.push_back({KvMutation::Op::Set, keys::session_index(after.checkout_session_id), after.id});
  if (!after.payment_intent_id.empty() && after.payment_intent_id != b.payment_intent_id)
    m.push_back({KvMutation::Op::Set, keys::payment_intent_index(after.payment_intent_id), after.id});
}

// What one transaction reads: fixed across its attempts, except that a move landing
// meanwhile changes the span, and so the buckets (follow_move).
struct TxnScope {
  std::string rid, rkey;
  NewSpan where;
  bool creating = false;
  bool moving = false;
  Span target;  // the span the reservation holds after the change
  std::string target_group;
  std::vector<std::string> extra_keys, bucket_list;
  std::vector<std::string> counter_list;  // the caps' counters: those it is in and those a move may put it in
  // The guest's hold list is read only while the limit is on, and written (and
  // checked) only when the change alters it.
  bool guest_tracked = false;
  std::string guest_key;
  size_t guest_at = 0;  // its place in the snapshot: after the record and the extra keys
  size_t counters_at = 0;  // then the counters, then the buckets

  // Once `where` is known: what to read.
  void settle(const Config& cfg) {
    moving = where.moving();
    guest_tracked = cfg.max_active_holds_per_guest > 0 && !where.guest_email.empty();
    if (guest_tracked) guest_key = keys::guest_holds(where.expert_id, where.guest_email);
    guest_at = 1 + extra_keys.size();
    counters_at = guest_at + (guest_tracked ? 1 : 0);
    aim();
  }
  void aim() {
    target = moving ? where.moving_to : where.span;
    target_group = moving ? where.moving_group : where.group;
    // The ledgers it blocks: expert_id's, then each team member's.
    std::vector<std::string> experts{where.expert_id};
    experts.insert(experts.end(), where.team.begin(), where.team.end());
    bucket_list.clear();
    for (const std::string& expert : experts) {
      const auto keys = moving ? bucket_keys_of_both(expert, where.span, target) : bucket_keys(expert, where.span);
      bucket_list.insert(bucket_list.end(), keys.begin(), keys.end());
    }
    counter_list = where.counters;
    if (moving)
      for (const auto& k : where.moving_counters)
        if (std::find(counter_list.begin(), counter_list.end(), k) == counter_list.end()) counter_list.push_back(k);
  }
  // Moved since the first read: the buckets read are the wrong ones.
  bool moved_away(const Reservation& current) const {
    return !creating && (current.span_start != where.span.start || current.span_end != where.span.end);
  }
  void follow_move(const Reservation& current) {
    where.span = {current.span_start, current.span_end};
    where.group = seat_group(current.event_id, current.start, current.seats);
    where.counters = current.counted_in;
    aim();
  }
  // The record, the extra keys, the guest's hold list, the counters, then the buckets.
  std::vector<std::string> read_keys() const {
    std::vector<std::string> keys{rkey};
    keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
    if (guest_tracked) keys.push_back(guest_key);
    keys.insert(keys.end(), counter_list.begin(), counter_list.end());
    keys.insert(keys.end(), bucket_list.begin(), bucket_list.end());
    return keys;
  }
  // Every commit is checked against the record and the extra keys as read.
  std::vector<KvCheck> read_checks(const ReadResult& snap) const {
    std::vector<KvCheck> checks;
    for (size_t i = 0; i < 1 + extra_keys.size(); ++i) checks.push_back({snap.items[i].key, snap.items[i].version});
    return checks;
  }
};

TxnScope scope_of(std::string rid, NewSpan creating, std::vector<std::string> extra_keys) {
  TxnScope scope;
  scope.rkey = keys::reservation(rid);
  scope.rid = std::move(rid);
  scope.creating = creating.given();
  scope.where = std::move(creating);
  scope.extra_keys = std::move(extra_keys);
  return scope;
}

// Where an existing reservation is, as its record says.
void take_place_of(NewSpan& where, const Reservation& r) {
  where.expert_id = r.expert_id;
  where.span = {r.span_start, r.span_end};
  where.guest_email = r.guest.email;
  where.group = seat_group(r.event_id, r.start, r.seats);
  where.seats = r.seats;
  where.counters = r.counted_in;
  where.team = r.team;
}

// For an existing reservation: where it is, from its record. The expert and guest never
// change; the span only by a move (one that lands between this read and the snapshot
// sends the transaction round again). False when `out` is the answer already.
Co<bool> locate(Services& s, TxnScope& scope, TxnOutcome& out) {
  ReadResult first = co_await s.store.read_one(scope.rkey);
  if (first.status != StoreStatus::Ok) co_return false;
  if (!first.items[0].present()) {
    out.kind = TxnOutcome::Kind::NotFound;
    co_return false;
  }
  auto r = reservation_from_storage(first.items[0].value);
  if (!r) co_return false;
  take_place_of(scope.where, *r);
  co_return true;
}

// One attempt's snapshot, as its decision and its commit see it.
struct Snapshot {
  ReadResult read;
  std::optional<Reservation> current;
  std::vector<KvItem> buckets;
  GuestHolds guest;
  bool taken = false;        // another active reservation holds the target span, or its caps are full
  bool keeps_place = false;  // an active reservation that keeps its place in the ledger
  int64_t now = 0;
};

// Ready: decide on it. Moved: the reservation moved since the first read. Ended: `out`
// is the answer already.
enum class SnapshotRead { Ready, Moved, Ended };

// What one attempt's read says, as its decision will see it (`snap.read` is filled).
SnapshotRead examine(const TxnScope& scope, Snapshot& snap, TxnOutcome& out, int64_t now) {
  if (snap.read.items[0].present()) {
    snap.current = reservation_from_storage(snap.read.items[0].value);
    if (!snap.current) return SnapshotRead::Ended;  // a record we cannot read: refuse to guess
  } else if (!scope.creating) {
    out.kind = TxnOutcome::Kind::NotFound;
    return SnapshotRead::Ended;
  }
  if (snap.current && scope.moved_away(*snap.current)) return SnapshotRead::Moved;
  snap.buckets.assign(snap.read.items.end() - static_cast<long>(scope.bucket_list.size()), snap.read.items.end());
  snap.now = now;
  snap.keeps_place = !scope.moving && snap.current && snap.current->active_at(snap.now);
  const Claim claim{scope.rid, scope.target_group, scope.where.seats, snap.keeps_place};
  auto taken = span_taken(snap.buckets, scope.target, snap.now, claim);
  if (!taken) return SnapshotRead::Ended;
  snap.taken = *taken;
  // A reservation counted under caps stands only while they have room for it: one that
  // lapsed and is paid late finds its day as full as anyone else would.
  if (!scope.moving && snap.current && !snap.current->counted_in.empty()) {
    const Reservation& r = *snap.current;
    const CapReached cap = cap_reached(snap.read, r.counted_in, r.event_caps, r.expert_caps, r.event_id, r.id, snap.now);
    if (cap == CapReached::Unreadable) return SnapshotRead::Ended;
    snap.taken = snap.taken || cap != CapReached::None;
  }
  if (scope.guest_tracked) snap.guest = guest_holds_from_storage(snap.read.items[scope.guest_at].value);
  return SnapshotRead::Ready;
}

Co<SnapshotRead> take_snapshot(Services& s, const TxnScope& scope, Snapshot& snap, TxnOutcome& out) {
  snap.read = co_await s.store.read(scope.read_keys());
  if (snap.read.status != StoreStatus::Ok) co_return SnapshotRead::Ended;
  co_return examine(scope, snap, out, s.now());
}

// The decision's Write as stored: with the ids, span and bookkeeping it does not own.
Reservation next_record(const TxnScope& scope, const Snapshot& snap, const Reservation& planned) {
  Reservation next = planned;
  next.id = scope.rid;
  next.expert_id = scope.where.expert_id;
  next.span_start = scope.target.start;
  next.span_end = scope.target.end;
  // A collective meeting blocks the same ledgers for life.
  SG_ASSERT(next.team == scope.where.team);
  // What is written must read back: the appointment lies inside its blocked span.
  SG_ASSERT(next.span_start <= next.start && next.start < next.end && next.end <= next.span_end);
  next.updated_at = snap.now;
  if (snap.current) next.notify_seq = snap.current->notify_seq;  // only plan_notifications advances it
  return next;
}

// The caps' counters read: each is checked (a count was decided against it), `self`
// leaves every one and is written back into those the next record is counted in, with
// its ledger entry's expiry. False when a counter cannot be read.
bool plan_counters(const TxnScope& scope, const Snapshot& snap, const Reservation& next, std::vector<KvCheck>& checks,
                   std::vector<KvMutation>& mutations) {
  const bool active = next.active_at(snap.now);
  size_t placed = 0;
  for (size_t i = 0; i < scope.counter_list.size(); ++i) {
    const KvItem& item = snap.read.items[scope.counters_at + i];
    if (!planted(Defect::cap_counts_unchecked)) checks.push_back({item.key, item.version});
    std::optional<CountEntry> entry;
    if (active && std::find(next.counted_in.begin(), next.counted_in.end(), item.key) != next.counted_in.end()) {
      entry = CountEntry{scope.rid, next.event_id, next.held_until_released() ? 0 : next.expires_at};
      ++placed;
    }
    if (!plan_counter_update(item, scope.rid, entry, snap.now, mutations)) return false;
  }
  // A decision counts a booking only in counters this transaction read and checks.
  SG_ASSERT(!active || placed == next.counted_in.size());
  return true;
}

// The commit of a Write: the record, the ledger, the guest's hold list, the outbox,
// every index and the decision's extra writes, checked against everything they were
// decided from. False when the ledger's buckets cannot be planned.
bool plan_write(const Config& cfg, const TxnScope& scope, const Snapshot& snap, Reservation& next,
                const std::vector<KvMutation>& extra_mutations, std::vector<KvCheck>& checks,
                std::vector<KvMutation>& mutations) {
  const int64_t now = snap.now;
  checks = scope.read_checks(snap.read);
  std::optional<LedgerEntry> entry;
  if (next.active_at(now))
    entry = LedgerEntry{scope.rid, scope.target.start, scope.target.end,
                        next.held_until_released() ? 0 : next.expires_at, scope.target_group,
                        scope.where.seats};
  const int64_t ledgers = 1 + static_cast<int64_t>(scope.where.team.size());
  if (!plan_ledger_update(snap.buckets, scope.rid, entry, now, checks, mutations,
                          snap.keeps_place ? LedgerWrite::KeepsItsPlace : LedgerWrite::Exclusive, ledgers))
    return false;
  if (planted(Defect::pack_credit_unchecked)) {  // the pack's credit is spent but no longer checked
    std::erase_if(checks, [](const KvCheck& c) { return c.key.rfind("pack/", 0) == 0; });
  }
  if (planted(Defect::check_then_insert)) {  // the buckets are written but no longer checked
    std::erase_if(checks, [](const KvCheck& c) { return c.key.rfind("slot/", 0) == 0; });
  }
  if (scope.guest_tracked) {
    const GuestHolds guest_next = guest_holds_after(snap.guest, next, now);
    if (!(guest_next == snap.guest)) {
      checks.push_back({scope.guest_key, snap.read.items[scope.guest_at].version});
      if (guest_next.holds.empty())
        mutations.push_back({KvMutation::Op::Delete, scope.guest_key, {}});
      else
        mutations.push_back({KvMutation::Op::Set, scope.guest_key, guest_holds_to_storage(guest_next)});
    }
  }
  if (!plan_counters(scope, snap, next, checks, mutations)) return false;
  plan_notifications(cfg, snap.current, next, now, mutations);
  mutations.push_back({KvMutation::Op::Set, scope.rkey, reservation_to_storage(next)});
  plan_indexes(cfg, snap.current, next, mutations);
  for (const auto& m : extra_mutations) mutations.push_back(m);
  return true;
}

// Done: `out` is the answer. Again: a check failed (another commit on the same keys
// succeeded meanwhile), so read and decide again.
enum class Attempt { Done, Again };

Attempt after_commit(Services& s, StoreStatus st) {
  if (st != StoreStatus::Conflict) return Attempt::Done;
  s.metrics.add(Metric::store_commit_retries_total);
  return Attempt::Again;
}

// After the decision: what its commit checks and writes (Commit), or the answer
// already (Done: nothing to commit, a rejection, a refusal by the ledger).
enum class Planned { Commit, Done };

Planned plan_decided(Services& s, const TxnScope& scope, const Snapshot& snap, TxnOutcome& out, Reservation& next,
                     std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations) {
  out.reservation = snap.current;
  switch (out.plan.kind) {
    case TxnPlan::Kind::NoChange: out.kind = TxnOutcome::Kind::NoChange; return Planned::Done;
    case TxnPlan::Kind::Reject: out.kind = TxnOutcome::Kind::Rejected; return Planned::Done;
    case TxnPlan::Kind::ExtrasOnly:
      checks = scope.read_checks(snap.read);
      mutations = out.plan.extra_mutations;
      return Planned::Commit;
    case TxnPlan::Kind::Write: break;
  }
  next = next_record(scope, snap, out.plan.next);
  // The ledger is the law: a decision may never activate a span someone else holds.
  if (next.active_at(snap.now) && snap.taken) {
    s.metrics.add(Metric::ledger_refusals_total);
    out.kind = TxnOutcome::Kind::Refused;
    return Planned::Done;
  }
  if (!plan_write(s.cfg, scope, snap, next, out.plan.extra_mutations, checks, mutations)) {
    out.kind = TxnOutcome::Kind::StoreError;
    return Planned::Done;
  }
  return Planned::Commit;
}

// A commit went through: what the transaction answers.
void committed(TxnOutcome& out, Reservation& next) {
  if (out.plan.kind == TxnPlan::Kind::Write) {
    out.kind = TxnOutcome::Kind::Written;
    out.reservation = std::move(next);
  } else {
    out.kind = TxnOutcome::Kind::NoChange;
  }
}

// One attempt: read the snapshot, decide, commit what the decision chose.
Co<Attempt> attempt(Services& s, TxnScope& scope, const Decide& decide, TxnOutcome& out) {
  Snapshot snap;
  const SnapshotRead got = co_await take_snapshot(s, scope, snap, out);
  if (got == SnapshotRead::Ended) co_return Attempt::Done;
  if (got == SnapshotRead::Moved) {
    scope.follow_move(*snap.current);
    co_return Attempt::Again;
  }
  TxnView view{snap.current, snap.read, !snap.taken, snap.now, other_active_holds(snap.guest, scope.rid, snap.now)};
  out.plan = decide(view);
  Reservation next;
  std::vector<KvCheck> checks;
  std::vector<KvMutation> mutations;
  if (plan_decided(s, scope, snap, out, next, checks, mutations) == Planned::Done) co_return Attempt::Done;
  StoreStatus st = co_await s.store.commit(std::move(checks), std::move(mutations));
  if (st == StoreStatus::Ok) committed(out, next);
  co_return after_commit(s, st);
}

// ---- a group: several reservations in one commit ----------------------------------

// Every key the group reads, once, as the members' decisions see it: what one member
// plans to write is what the next one reads (two members may share a ledger bucket, a
// cap's counter or the guest's hold list), while every check keeps the version the
// snapshot read.
struct GroupRead {
  std::vector<std::string> keys;
  std::map<std::string, KvItem> now;        // as the next member sees it
  std::map<std::string, uint64_t> version;  // as the store answered

  void load(const ReadResult& r) {
    for (const KvItem& item : r.items) {
      now[item.key] = item;
      version[item.key] = item.version;
    }
  }
  ReadResult view_of(const TxnScope& scope) const {
    ReadResult r;
    r.status = StoreStatus::Ok;
    for (const auto& k : scope.read_keys()) r.items.push_back(now.at(k));
    return r;
  }
  void apply(const std::vector<KvMutation>& mutations) {
    for (const KvMutation& m : mutations) {
      auto it = now.find(m.key);
      if (it == now.end()) continue;  // never read by a member: nobody decides on it
      it->second.value = m.op == KvMutation::Op::Set ? m.value : std::string();
      it->second.version = m.op == KvMutation::Op::Set ? std::max<uint64_t>(it->second.version, 1) : 0;
    }
  }
};

GroupRead group_keys(const std::vector<TxnScope>& scopes) {
  GroupRead g;
  std::set<std::string> seen;
  for (const TxnScope& scope : scopes)
    for (const auto& k : scope.read_keys())
      if (seen.insert(k).second) g.keys.push_back(k);
  return g;
}

// The group's one commit: each key checked once at the version read, each key written
// once with what the last member to write it planned.
void merge_commit(const GroupRead& g, std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations) {
  std::set<std::string> seen;
  std::vector<KvCheck> unique_checks;
  for (const KvCheck& c : checks)
    if (seen.insert(c.key).second) unique_checks.push_back({c.key, g.version.at(c.key)});
  checks = std::move(unique_checks);
  seen.clear();
  std::vector<KvMutation> last;
  for (auto it = mutations.rbegin(); it != mutations.rend(); ++it)
    if (seen.insert(it->key).second) last.push_back(std::move(*it));
  mutations.assign(std::make_move_iterator(last.rbegin()), std::make_move_iterator(last.rend()));
}

// One member's turn in a group's attempt: decide on what the members before it left,
// and add its checks and writes. Ready: go on; Moved: the group reads again; Ended:
// the group stops with this member's answer.
SnapshotRead plan_member(Services& s, GroupRead& g, TxnScope& scope, const Decide& decide, int64_t now,
                         TxnOutcome& out, Reservation& next, std::vector<KvCheck>& checks,
                         std::vector<KvMutation>& mutations) {
  Snapshot snap;
  snap.read = g.view_of(scope);
  const SnapshotRead got = examine(scope, snap, out, now);
  if (got == SnapshotRead::Moved) scope.follow_move(*snap.current);
  if (got != SnapshotRead::Ready) return got;
  TxnView view{snap.current, snap.read, !snap.taken, snap.now, other_active_holds(snap.guest, scope.rid, snap.now)};
  out.plan = decide(view);
  std::vector<KvCheck> c;
  std::vector<KvMutation> m;
  if (plan_decided(s, scope, snap, out, next, c, m) == Planned::Done) {
    if (out.kind != TxnOutcome::Kind::NoChange) return SnapshotRead::Ended;
    c = scope.read_checks(snap.read);  // unchanged, but the others were decided with it as read
  }
  g.apply(m);
  checks.insert(checks.end(), c.begin(), c.end());
  mutations.insert(mutations.end(), m.begin(), m.end());
  return SnapshotRead::Ready;
}

// The survey: every member's view as read, before any decides (nothing when one of
// them cannot be read as it is: the members' turns answer that).
void survey_group(const GroupRead& g, const std::vector<TxnScope>& scopes, int64_t now, const Survey& survey) {
  std::vector<Snapshot> snaps(scopes.size());
  std::vector<TxnView> views;
  for (size_t i = 0; i < scopes.size(); ++i) {
    TxnOutcome ignored;
    snaps[i].read = g.view_of(scopes[i]);
    if (examine(scopes[i], snaps[i], ignored, now) != SnapshotRead::Ready) return;
  }
  for (size_t i = 0; i < scopes.size(); ++i) {
    const Snapshot& snap = snaps[i];
    views.push_back(TxnView{snap.current, snap.read, !snap.taken, snap.now,
                            other_active_holds(snap.guest, scopes[i].rid, snap.now)});
  }
  survey(views);
}

Co<Attempt> group_attempt(Services& s, std::vector<TxnScope>& scopes, const std::vector<Decide>& decides,
                          const Survey& survey, GroupOutcome& out) {
  GroupRead g = group_keys(scopes);
  ReadResult read = co_await s.store.read(g.keys);
  out.kind = TxnOutcome::Kind::StoreError;
  if (read.status != StoreStatus::Ok) co_return Attempt::Done;
  g.load(read);
  const int64_t now = s.now();
  if (survey) survey_group(g, scopes, now, survey);
  std::vector<Reservation> next(scopes.size());
  std::vector<KvCheck> checks;
  std::vector<KvMutation> mutations;
  for (size_t i = 0; i < scopes.size(); ++i) {
    out.members[i] = TxnOutcome();
    const SnapshotRead got = plan_member(s, g, scopes[i], decides[i], now, out.members[i], next[i], checks, mutations);
    if (got == SnapshotRead::Moved) co_return Attempt::Again;
    if (got == SnapshotRead::Ended) {
      out.kind = out.members[i].kind;
      out.at = i;
      co_return Attempt::Done;
    }
  }
  merge_commit(g, checks, mutations);
  const bool writes = !mutations.empty();
  StoreStatus st = StoreStatus::Ok;
  if (writes) st = co_await s.store.commit(std::move(checks), std::move(mutations));
  if (st == StoreStatus::Ok) {
    for (size_t i = 0; i < scopes.size(); ++i)
      if (out.members[i].kind != TxnOutcome::Kind::NoChange) committed(out.members[i], next[i]);
    out.kind = writes ? TxnOutcome::Kind::Written : TxnOutcome::Kind::NoChange;
  }
  co_return after_commit(s, st);
}

}  // namespace

NewSpan existing_at(const Reservation& known) {
  NewSpan where;
  take_place_of(where, known);
  where.from_record = true;
  return where;
}

TxnPlan release_pending(const std::optional<Reservation>& current, ReleaseReason reason) {
  TxnPlan plan;
  if (!current || current->status != ReservationStatus::PendingPayment) return plan;
  plan.kind = TxnPlan::Kind::Write;
  plan.next = *current;
  plan.next.status = ReservationStatus::Released;
  plan.next.release_reason = release_reason_name(reason);
  return plan;
}

Co<TxnOutcome> run_reservation_txn(Services& s, std::string rid, NewSpan creating,
                                   std::vector<std::string> extra_keys, Decide decide) {
  TxnOutcome out;
  TxnScope scope = scope_of(std::move(rid), std::move(creating), std::move(extra_keys));
  if (!scope.creating && !scope.where.from_record) {
    if (!co_await locate(s, scope, out)) co_return out;
  }
  scope.settle(s.cfg);
  const int max_attempts = kMaxCommitAttempts + static_cast<int>(scope.where.seats - 1);
  for (int n = 1; n <= max_attempts; ++n) {
    out.attempts = n;
    if (co_await attempt(s, scope, decide, out) == Attempt::Done) co_return out;
  }
  out.kind = TxnOutcome::Kind::Busy;
  co_return out;
}

}  // namespace slotguard

namespace slotguard {

Co<GroupOutcome> run_group_txn(Services& s, std::vector<GroupMember> members, Survey survey) {
  GroupOutcome out;
  out.members.resize(members.size());
  std::vector<TxnScope> scopes;
  std::vector<Decide> decides;
  int64_t seats = 1;
  for (size_t i = 0; i < members.size(); ++i) {
    GroupMember& m = members[i];
    scopes.push_back(scope_of(std::move(m.rid), std::move(m.creating), std::move(m.extra_keys)));
    decides.push_back(std::move(m.decide));
    if (!scopes.back().creating && !scopes.back().where.from_record &&
        !co_await locate(s, scopes.back(), out.members[i])) {
      out.kind = out.members[i].kind;
      out.at = i;
      co_return out;
    }
    scopes.back().settle(s.cfg);
    seats = std::max(seats, scopes.back().where.seats);
  }
  const int max_attempts = kMaxCommitAttempts + static_cast<int>(seats - 1);
  for (int n = 1; n <= max_attempts; ++n) {
    out.attempts = n;
    if (co_await group_attempt(s, scopes, decides, survey, out) == Attempt::Done) co_return out;
  }
  out.kind = TxnOutcome::Kind::Busy;
  co_return out;
}

}  // namespace slotguard
