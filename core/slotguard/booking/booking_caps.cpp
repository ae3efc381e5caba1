#include "slotguard/booking/booking_caps.h"

#include <algorithm>

#include "slotguard/base/json.h"
#include "slotguard/booking/domain.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/civil_date.h"

namespace slotguard {
namespace {

using fields::Presence;
using fields::Row;

constexpr Row<BookingLimits> kLimitRows[] = {
    fields::bounded<&BookingLimits::per_day>("per_day", 1, kMaxCapBookings, Presence::Optional),
    fields::bounded<&BookingLimits::per_week>("per_week", 1, kMaxCapBookings, Presence::Optional),
};
static_assert(fields::covers<BookingLimits>(kLimitRows));

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::string two_digits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// "2030-01-07" and "2030-W02" of a local day (days since the epoch): the ISO week is
// the one holding the day's Thursday, and its year is that Thursday's.
std::pair<std::string, std::string> day_and_week(int64_t day) {
  int y = 0, m = 0, d = 0;
  civil_from_days(day, y, m, d);
  const int64_t thursday = day - (weekday_of(day) + 6) % 7 + 3;
  int ty = 0, tm = 0, td = 0;
  civil_from_days(thursday, ty, tm, td);
  const int64_t week = (thursday - days_from_civil(ty, 1, 1)) / 7 + 1;
  return {std::to_string(y) + "-" + two_digits(m) + "-" + two_digits(d),
          std::to_string(ty) + "-W" + two_digits(static_cast<int>(week))};
}

// Bookings counted in one counter that are still active, not `self`, and of `event_id`
// unless it is empty. nullopt: unreadable.
std::optional<int64_t> active_count(const KvItem* item, std::string_view self, std::string_view event_id, int64_t now) {
  if (!item || !item->present()) return 0;
  const auto entries = decode_counter(item->value);
  if (!entries) return std::nullopt;
  return std::count_if(entries->begin(), entries->end(), [&](const CountEntry& e) {
    return e.rid != self && (e.expires == 0 || e.expires > now) && (event_id.empty() || e.event_id == event_id);
  });
}

// Whether the counter at `key` is full for a cap of `limit` (0: none).
std::optional<bool> full(const ReadResult& snapshot, const std::string& key, int64_t limit, std::string_view self,
                         std::string_view event_id, int64_t now) {
  if (limit == 0) return false;
  const std::optional<int64_t> n = active_count(snapshot.find(key), self, event_id, now);
  if (!n) return std::nullopt;
  return *n >= limit;
}

}  // namespace

fields::Rows<BookingLimits> BookingLimits::rows() { return kLimitRows; }

std::vector<std::string> counter_keys(std::string_view expert_id, const Availability* hours, int64_t start_ms) {
  const int64_t wall = hours ? local_wall_ms(*hours, start_ms) : start_ms;
  const auto [day, week] = day_and_week(floor_div(wall, kDayMs));
  return {keys::booking_counter(expert_id, day), keys::booking_counter(expert_id, week)};
}

// {"n": [{"r": rid, "v": event id, "x": expires}]}
std::optional<std::vector<CountEntry>> decode_counter(std::string_view value) {
  auto j = parse_json(value, 4);
  const JsonValue* list = j ? get_array(*j, "n") : nullptr;
  if (!list) return std::nullopt;
  std::vector<CountEntry> out;
  for (const auto& e : list->GetArray()) {
    const auto rid = e.IsObject() ? get_string(e, "r") : std::nullopt;
    const auto event_id = e.IsObject() ? get_string(e, "v") : std::nullopt;
    const auto expires = e.IsObject() ? get_int(e, "x") : std::nullopt;
    if (!rid || !event_id || !expires) return std::nullopt;
    out.push_back({std::string(*rid), std::string(*event_id), *expires});
  }
  return out;
}

std::string encode_counter(const std::vector<CountEntry>& entries) {
  JsonWriter w;
  w.object().key("n").array();
  for (const auto& e : entries) w.object().field("r", e.rid).field("v", e.event_id).field("x", e.expires).end_object();
  w.end_array().end_object();
  return w.take();
}

CapReached cap_reached(const ReadResult& snapshot, const std::vector<std::string>& keys, const BookingLimits& event_caps,
                       const BookingLimits& expert_caps, std::string_view event_id, std::string_view self, int64_t now) {
  if (keys.size() != 2) return CapReached::Unreadable;
  const std::optional<bool> checks[] = {
      full(snapshot, keys[0], event_caps.per_day, self, event_id, now),
      full(snapshot, keys[0], expert_caps.per_day, self, {}, now),
      full(snapshot, keys[1], event_caps.per_week, self, event_id, now),
      full(snapshot, keys[1], expert_caps.per_week, self, {}, now),
  };
  for (const auto& c : checks)
    if (!c) return CapReached::Unreadable;
  if (*checks[0] || *checks[1]) return CapReached::Day;
  if (*checks[2] || *checks[3]) return CapReached::Week;
  return CapReached::None;
}

bool plan_counter_update(const KvItem& item, std::string_view self, const std::optional<CountEntry>& entry, int64_t now,
                         std::vector<KvMutation>& mutations) {
  std::vector<CountEntry> before;
  if (item.present()) {
    auto decoded = decode_counter(item.value);
    if (!decoded) return false;
    before = std::move(*decoded);
  }
  std::vector<CountEntry> after;
  for (const auto& e : before)
    if (e.rid != self && (e.expires == 0 || e.expires > now)) after.push_back(e);
  if (entry) after.push_back(*entry);
  if (after == before) return true;
  if (after.empty()) mutations.push_back({KvMutation::Op::Delete, item.key, {}});
  else mutations.push_back({KvMutation::Op::Set, item.key, encode_counter(after)});
  return true;
}

}  // namespace slotguard
