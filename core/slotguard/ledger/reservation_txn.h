// One optimistic transaction over a reservation and the slots it blocks.
//
// Every state change of a reservation goes through run_reservation_txn: it reads the
// reservation, its ledger buckets, the guest's hold list and any extra keys in one
// snapshot, lets a pure decision function choose the next state, and commits the
// reservation, the ledger, every index, the notifications the change calls for and the
// decision's extra writes together, conditional on every version it read. A failed check re-reads and decides again, a bounded number of
// times. This is the only place that writes reservations, so the ledger and the
// records cannot drift apart.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slotguard/booking/domain.h"
#include "slotguard/booking/schedule_rules.h"
#include "slotguard/host/services.h"
#include "slotguard/ledger/store_txn.h"

namespace slotguard {

struct TxnView {
  const std::optional<Reservation>& current;
  const ReadResult& snapshot;  // includes the extra keys asked for
  bool span_free;              // no other active reservation overlaps this span
  int64_t now;
  // The guest's other unpaid holds with this expert that still block a slot (0 when
  // the limit is off): the hold limit is decided against it, atomically.
  int64_t guest_holds;
};

struct TxnPlan {
  // ExtrasOnly: the reservation stays as it is, but extra_mutations commit (checked
  // against everything read), e.g. recording a webhook event that changes nothing.
  enum class Kind { NoChange, Write, ExtrasOnly, Reject } kind = Kind::NoChange;
  Reservation next;                       // for Write
  std::vector<KvMutation> extra_mutations;
};

using Decide = std::function<TxnPlan(const TxnView&)>;

struct TxnOutcome {
  // Rejected: the decision said no. Refused: the decision wanted to activate a span
  // that the ledger shows taken (possible when instances' clocks disagree about a
  // lapse); nothing was written and the caller must not report success.
  enum class Kind { Written, NoChange, Rejected, Refused, NotFound, Busy, StoreError } kind = Kind::StoreError;
  std::optional<Reservation> reservation;  // after the transaction (or as last read)
  TxnPlan plan;
  int attempts = 0;
};

// The span and expert are given for a reservation being created; for an existing one
// they are read from the record (they never change) and `expert_id` stays empty.
// `group` and `seats` are the seat claim (slot_ledger.h). An existing reservation may
// move (a reschedule): `moving_to` is the span it moves to and `moving_group` its new
// seat group; the transaction then reads the buckets of both spans, checks the new one
// and moves the ledger entry in the same commit, so the move happens whole or not at all.
// (A plain struct, not std::optional: g++ 12 mis-copies optional coroutine arguments.)
struct NewSpan {
  std::string expert_id;
  Span span;
  std::string guest_email;  // whose hold it is: the guest's hold list is read with it
  std::string group;
  int64_t seats = 1;
  Span moving_to{};
  std::string moving_group;
  // The booking caps' counter keys (booking/booking_caps.h) it is counted in now, and
  // those a move may count it in: read and checked with the ledger, so a decision can
  // count against them and the commit moves its entry. An existing reservation's
  // current ones are read from its record.
  std::vector<std::string> counters, moving_counters;
  // A collective meeting's other members (Reservation::team): their buckets are read,
  // checked and written with expert_id's. An existing reservation's are read from it.
  std::vector<std::string> team;
  // An existing reservation whose place was taken from a record the caller holds (what
  // its own commit just wrote): the transaction starts at the snapshot, without reading
  // the record first. A move since then is followed as after any first read.
  bool from_record = false;
  bool given() const { return !expert_id.empty() && !from_record; }
  bool moving() const { return moving_to.end > moving_to.start; }
};

inline NewSpan existing_reservation() { return NewSpan(); }
// An existing reservation at the place `known` records (see NewSpan::from_record).
NewSpan existing_at(const Reservation& known);
inline NewSpan moving_reservation(Span to, std::string group, std::vector<std::string> counters) {
  NewSpan n;
  n.moving_to = to;
  n.moving_group = std::move(group);
  n.moving_counters = std::move(counters);
  return n;
}
inline std::vector<std::string> no_keys() { return {}; }

// Ends a pending hold unpaid: a Write to Released with `reason`; NoChange when there is
// no reservation or it is not pending (a paid, refunded or released one stays as it is).
// Every way a hold ends unpaid (the guest cancels, it expires, its checkout cannot open
// or expires, its payment fails) releases through this, after its own conditions.
TxnPlan release_pending(const std::optional<Reservation>& current, ReleaseReason reason);

Co<TxnOutcome> run_reservation_txn(Services& s, std::string rid, NewSpan creating,
                                   std::vector<std::string> extra_keys, Decide decide);

// Several reservations in one transaction (a series: booking/domain.h): every member's
// record, extra keys, guest hold list, counters and buckets read in one snapshot, each
// decided in turn as run_reservation_txn decides one (seeing what the members before
// it plan to write), and all of it committed together, checked against everything
// read, or nothing. A member that ends the group (a rejection, a refusal by the
// ledger, a record not found) is `at`, and nothing is written.
struct GroupMember {
  std::string rid;
  NewSpan creating;
  std::vector<std::string> extra_keys;
  Decide decide;
};

struct GroupOutcome {
  // Written: the commit went through (members that changed nothing say NoChange).
  TxnOutcome::Kind kind = TxnOutcome::Kind::StoreError;
  std::vector<TxnOutcome> members;  // in the order given
  size_t at = 0;                    // the member whose answer ended the group
  int attempts = 0;
};

// A decision that needs every member's view at once (a series' payment: its lead's
// slot counts as free only while every occurrence's is) surveys them first, each as the
// snapshot read it, before the members decide in turn.
using Survey = std::function<void(const std::vector<TxnView>&)>;

Co<GroupOutcome> run_group_txn(Services& s, std::vector<GroupMember> members, Survey survey);

}  // namespace slotguard
