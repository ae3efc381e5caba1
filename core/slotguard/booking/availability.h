// When an expert works: weekly hours in the expert's own time zone, with dated
// overrides (a day off, a short day). A start is offered only if the whole appointment
// (not its buffers) lies inside one interval of its local day. An expert without an
// availability document keeps the old rule: every aligned start, day and night.
//
// Times are wall-clock: 09:00 means 09:00 local on both sides of a daylight-saving
// change. A local time that does not exist (skipped by a spring change) is never
// offered; one that happens twice (an autumn change) is offered once, the first time.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/booking/booking_limits.h"
#include "slotguard/time/tz_rules.h"

namespace slotguard {

struct LocalInterval {
  int start_min = 0, end_min = 0;  // [start, end) in minutes of the local day, 0..1439
};

struct Availability {
  std::string time_zone;
  TzRule rule;
  std::array<std::vector<LocalInterval>, 7> weekly;         // 0 = Sunday .. 6 = Saturday
  std::map<int64_t, std::vector<LocalInterval>> overrides;  // local day (days since epoch) -> intervals
  BookingLimits limits;  // the expert's caps, over all their event types (booking_caps.h)
};

// Validates a PUT body; on failure nullopt and a message naming the field.
std::optional<Availability> availability_from_request(const JsonValue& body, std::string* error);
// The document as GET answers it (and as it is stored): the request shape, normalised.
void write_availability(JsonWriter& w, const Availability& a);
std::optional<Availability> availability_from_storage(std::string_view text);

// Whether [start_ms, end_ms) lies inside one interval of start's local day and start is
// the first occurrence of its wall-clock time.
bool offered_by(const Availability& a, int64_t start_ms, int64_t end_ms);

// "YYYY-MM-DD" of a real date (from 1970) -> days since the epoch; nullopt for anything else.
std::optional<int64_t> parse_date(const JsonValue* j);

// Local wall-clock time (ms since the epoch as if local were UTC) of an instant.
int64_t local_wall_ms(const Availability& a, int64_t utc_ms);
// The first instant whose local wall-clock time is wall_ms, or nullopt if that local
// time does not exist.
std::optional<int64_t> first_instant_of(const Availability& a, int64_t wall_ms);

}  // namespace slotguard
