#include "slotguard/api/hold_rules.h"

#include <algorithm>

#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/booking_caps.h"

namespace slotguard::api {

TxnPlan refuse(std::optional<Refused>& why, Refused reason) {
  why = std::move(reason);
  TxnPlan plan;
  plan.kind = TxnPlan::Kind::Reject;
  return plan;
}

void count_as(Reservation& r, Counted counted) {
  r.counted_in = std::move(counted.keys);
  r.event_caps = counted.event_caps;
  r.expert_caps = counted.expert_caps;
}

void count_also(Counted& counted, Counted more) {
  counted.keys.insert(counted.keys.end(), more.keys.begin(), more.keys.end());
  if (!counted.event_caps.any()) counted.event_caps = more.event_caps;
  const auto tighter = [](int64_t a, int64_t b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); };
  counted.expert_caps.per_day = tighter(counted.expert_caps.per_day, more.expert_caps.per_day);
  counted.expert_caps.per_week = tighter(counted.expert_caps.per_week, more.expert_caps.per_week);
}

std::optional<Refused> start_refusal(const TxnView& v, const StartCheck& c, Counted& counted) {
  const KvItem* hours_item = v.snapshot.find(c.avail_key);
  const MaybeAvailability hours = hours_item ? availability_of(*hours_item) : MaybeAvailability{};
  if (!hours.ok) return Refused{Refusal::HoursUnreadable};
  const SlotRule rule = check_slot(c.ev, hours.get(), c.start, v.now, c.notice_minutes);
  if (rule != SlotRule::Offered) return Refused{Refusal::NotOffered, rule};
  const BookingLimits expert_caps = hours.get() ? hours.get()->limits : BookingLimits{};
  counted = Counted{};
  std::vector<std::string>& counted_in = counted.keys;
  if (c.ev.limits.any() || expert_caps.any()) {
    counted = Counted{counter_keys(c.expert_id, hours.get(), c.start), c.ev.limits, expert_caps};
  }
  // The counters depend on the hours (the expert's time zone and caps): the
  // transaction read the ones its caller expected, and goes round again if they differ.
  if (counted_in != c.counters_read) return Refused{Refusal::Recount, SlotRule::Offered, counted_in};
  if (counted_in.empty()) return std::nullopt;
  switch (cap_reached(v.snapshot, counted_in, c.ev.limits, expert_caps, c.ev.id, c.self, v.now)) {
    case CapReached::None: return std::nullopt;
    case CapReached::Day: return Refused{Refusal::DayFull};
    case CapReached::Week: return Refused{Refusal::WeekFull};
    case CapReached::Unreadable: break;
  }
  return Refused{Refusal::HoursUnreadable};
}

HttpResponse cap_answer(Refusal full) {
  return error_response(ErrorCode::booking_cap_reached,
                        full == Refusal::DayFull
                            ? "this day is fully booked (its limits.per_day); choose another day"
                            : "this week is fully booked (its limits.per_week); choose another week");
}

}  // namespace slotguard::api
