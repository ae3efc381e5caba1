#include "slotguard/booking/schedule_rules.h"

#include <algorithm>

namespace slotguard {

namespace {
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t mod(int64_t a, int64_t b) { return ((a % b) + b) % b; }
}  // namespace

Span blocked_span(const EventType& e, int64_t start_ms) {
  return {start_ms - e.buffer_before_minutes * kMinuteMs,
          start_ms + (e.duration_minutes + e.buffer_after_minutes) * kMinuteMs};
}

SlotRule check_slot(const EventType& e, const Availability* availability, int64_t start_ms, int64_t now_ms,
                    int64_t notice_minutes) {
  const int64_t wall = availability ? local_wall_ms(*availability, start_ms) : start_ms;
  if (mod(wall, kDayMs) % (e.slot_step_minutes * kMinuteMs) != 0) return SlotRule::Misaligned;
  if (start_ms < now_ms + (notice_minutes >= 0 ? notice_minutes : e.min_notice_minutes) * kMinuteMs)
    return SlotRule::TooSoon;
  if (start_ms > now_ms + e.max_advance_days * kDayMs) return SlotRule::TooFarAhead;
  if (availability && !offered_by(*availability, start_ms, start_ms + e.duration_minutes * kMinuteMs))
    return SlotRule::OutsideAvailability;
  return SlotRule::Offered;
}

const char* slot_rule_message(SlotRule r) {
  switch (r) {
    case SlotRule::Offered: return "offered";
    case SlotRule::Misaligned: return "start is not aligned to the event's slot step";
    case SlotRule::TooSoon: return "start is sooner than the event's minimum notice";
    case SlotRule::TooFarAhead: return "start is further ahead than the event's booking horizon";
    case SlotRule::OutsideAvailability: return "the appointment does not lie within the expert's working hours";
  }
  return "not offered";
}

std::vector<int64_t> aligned_starts(const EventType& e, const Availability* availability, int64_t from_ms, int64_t to_ms) {
  std::vector<int64_t> out;
  const int64_t step = e.slot_step_minutes * kMinuteMs;
  if (!availability) {
    for (int64_t day = floor_div(from_ms, kDayMs) * kDayMs; day < to_ms; day += kDayMs)
      for (int64_t t = day; t < day + kDayMs && t < to_ms; t += step)
        if (t >= from_ms) out.push_back(t);
    return out;
  }
  // Walk the local days the range touches (a day either side covers any offset).
  const int64_t first_day = floor_div(local_wall_ms(*availability, from_ms), kDayMs) - 1;
  const int64_t last_day = floor_div(local_wall_ms(*availability, to_ms), kDayMs) + 1;
  for (int64_t day = first_day; day <= last_day; ++day)
    for (int64_t wall = day * kDayMs; wall < (day + 1) * kDayMs; wall += step)
      if (auto t = first_instant_of(*availability, wall); t && *t >= from_ms && *t < to_ms) out.push_back(*t);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace slotguard
