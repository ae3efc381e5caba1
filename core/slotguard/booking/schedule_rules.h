// Which start times an event type offers, and when two reservations conflict.
#pragma once
#include <cstdint>
#include <vector>

#include "slotguard/booking/availability.h"
#include "slotguard/booking/domain.h"

namespace slotguard {

struct Span {
  int64_t start = 0, end = 0;  // [start, end) in UTC ms
};

// The interval a booking blocks: the appointment widened by the event's buffers.
Span blocked_span(const EventType& e, int64_t start_ms);

inline bool overlaps(Span a, Span b) { return a.start < b.end && b.start < a.end; }

enum class SlotRule { Offered, Misaligned, TooSoon, TooFarAhead, OutsideAvailability };

// Start times are aligned to the step, counted from midnight of their day (UTC, or the
// expert's local midnight when the expert has an availability document); they respect
// the minimum notice (or `notice_minutes` when given, e.g. for a reschedule), the
// booking horizon, and the expert's availability. `availability` may be null: every
// aligned start is then offered, as before availability existed.
SlotRule check_slot(const EventType& e, const Availability* availability, int64_t start_ms, int64_t now_ms,
                    int64_t notice_minutes = -1);
const char* slot_rule_message(SlotRule r);

// The aligned start times in [from_ms, to_ms), before any other rule: what /slots
// considers. In a local time zone a skipped wall-clock time yields no start and a
// repeated one yields its first instant only.
std::vector<int64_t> aligned_starts(const EventType& e, const Availability* availability, int64_t from_ms, int64_t to_ms);

}  // namespace slotguard
