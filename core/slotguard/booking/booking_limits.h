// How many bookings an expert, or one event type, takes at most a day and a week: the
// setting alone, for the records that carry it (event types, working hours). How caps
// are counted is booking_caps.h.
#pragma once
#include <cstdint>

#include "slotguard/base/record_fields.h"

namespace slotguard {

inline constexpr int64_t kMaxCapBookings = 1000;

// 0: no cap of that length.
struct BookingLimits {
  int64_t per_day = 0;
  int64_t per_week = 0;

  static fields::Rows<BookingLimits> rows();  // how it is read and stored (booking_caps.cpp)
  bool any() const { return per_day > 0 || per_week > 0; }
  bool operator==(const BookingLimits&) const = default;
};

}  // namespace slotguard
