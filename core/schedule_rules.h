// Which start times an event type offers, and when two reservations conflict.
#pragma once
#include <cstdint>

#include "domain.h"

namespace slotguard {

struct Span {
  int64_t start = 0, end = 0;  // [start, end) in UTC ms
};

// The interval a booking blocks: the appointment widened by the event's buffers.
Span blocked_span(const EventType& e, int64_t start_ms);

inline bool overlaps(Span a, Span b) { return a.start < b.end && b.start < a.end; }

enum class SlotRule { Offered, Misaligned, TooSoon, TooFarAhead };

// Start times are aligned to the step, counted from UTC midnight of their day;
// they respect the minimum notice and the booking horizon.
SlotRule check_slot(const EventType& e, int64_t start_ms, int64_t now_ms);
const char* slot_rule_message(SlotRule r);

}  // namespace slotguard
