#include "schedule_rules.h"

namespace slotguard {

Span blocked_span(const EventType& e, int64_t start_ms) {
  return {start_ms - e.buffer_before_minutes * kMinuteMs,
          start_ms + (e.duration_minutes + e.buffer_after_minutes) * kMinuteMs};
}

SlotRule check_slot(const EventType& e, int64_t start_ms, int64_t now_ms) {
  int64_t into_day = ((start_ms % kDayMs) + kDayMs) % kDayMs;
  if (into_day % (e.slot_step_minutes * kMinuteMs) != 0) return SlotRule::Misaligned;
  if (start_ms < now_ms + e.min_notice_minutes * kMinuteMs) return SlotRule::TooSoon;
  if (start_ms > now_ms + e.max_advance_days * kDayMs) return SlotRule::TooFarAhead;
  return SlotRule::Offered;
}

const char* slot_rule_message(SlotRule r) {
  switch (r) {
    case SlotRule::Offered: return "offered";
    case SlotRule::Misaligned: return "start is not aligned to the event's slot step";
    case SlotRule::TooSoon: return "start is sooner than the event's minimum notice";
    case SlotRule::TooFarAhead: return "start is further ahead than the event's booking horizon";
  }
  return "not offered";
}

}  // namespace slotguard
