// The rules a hold and a move are both decided by inside their transaction, and the
// one vocabulary of why a transaction said no. A hold (reservations_handler.cpp) and a
// move (reschedule_handler.cpp) judge the start the same way: offered by the expert's
// working hours, with room under the booking caps, against what their snapshot read,
// so each commit is checked against exactly what it was decided from.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "slotguard/base/http_types.h"
#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/booking/schedule_rules.h"
#include "slotguard/ledger/reservation_txn.h"

namespace slotguard::api {

// Why a hold's or a move's transaction said no, or why it could not decide.
enum class Refusal {
  EventChanged,     // the event type is not at the version the hold was planned with
  HoursUnreadable,  // the expert's working hours (or a cap's counter) cannot be read
  NotOffered,       // alignment or working hours refuse the start (see Refused::rule)
  Recount,          // the caps count it in other counters than were read (Refused::counters)
  DayFull,          // a per_day cap is reached on the start's local day
  WeekFull,         // a per_week cap is reached in the start's ISO week
  KeyRaced,         // another request under the same Idempotency-Key committed first
  PoolMoved,        // another hold of the pool committed since its turns were planned
  SlotTaken,
  TooManyHolds,     // the guest is at Config::max_active_holds_per_guest
  NotActive,        // a move of a reservation that no longer holds its slot
  MovedTooOften,    // a move past its event type's reschedule.max_times
  AccountUnchecked,  // the expert's connected account must be asked about first
  CannotTakePayments,  // the expert's connected account takes no charges
  PackRefused,      // the pack named cannot pay for it (see Refused::credit)
  Busy,             // too many optimistic retries
  StoreTrouble,
};

struct Refused {
  Refused(Refusal reason, SlotRule refused_by = SlotRule::Offered, std::vector<std::string> read_next = {})
      : why(reason), rule(refused_by), counters(std::move(read_next)) {}
  Refusal why;
  SlotRule rule = SlotRule::Offered;  // for NotOffered: the rule that refused the start
  std::vector<std::string> counters;  // for Recount: the counters to read next time
  std::string expert;                 // for Recount: whose (empty: the booking's own expert's)
  CreditRefusal credit = CreditRefusal::None;  // for PackRefused; None: no such pack
};

// The ledger's plan carries no reason: a decision that refuses notes it for its caller.
TxnPlan refuse(std::optional<Refused>& why, Refused reason);

// What a booking of `ev` by `expert_id` at `start` is judged with. `counters_read`:
// the caps' counters its transaction read for that start (NewSpan::counters or
// moving_counters); `notice_minutes` -1: the event's own notice.
struct StartCheck {
  const EventType& ev;
  const std::string& expert_id;
  const std::string& avail_key;
  int64_t start = 0;
  int64_t notice_minutes = -1;
  const std::vector<std::string>& counters_read;
  std::string_view self;  // the reservation: never counted against itself
};

// Whether the start may be booked as of the snapshot: the working hours offer it and
// every cap of the event type and of the expert has room on its day and in its week.
// Nothing when it may (`counted` then says how the booking is counted: set it on the
// record with count_as), else why not.
struct Counted {
  std::vector<std::string> keys;  // the counters it is counted in (none: no cap applies)
  BookingLimits event_caps, expert_caps;
};
std::optional<Refused> start_refusal(const TxnView& v, const StartCheck& c, Counted& counted);
void count_as(Reservation& r, Counted counted);
// A collective meeting is counted under every member's caps: `more` (another member's)
// joins `counted`, whose expert caps become the tighter of the two.
void count_also(Counted& counted, Counted more);

// The 409 of a full cap.
HttpResponse cap_answer(Refusal full);

}  // namespace slotguard::api
