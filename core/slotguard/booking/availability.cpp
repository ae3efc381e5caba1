#include "slotguard/booking/availability.h"

#include <algorithm>

#include "slotguard/time/civil_date.h"
#include "slotguard/booking/domain.h"
#include "slotguard/base/utf8.h"

namespace slotguard {

namespace {

constexpr const char* kDayNames[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr size_t kMaxIntervalsPerDay = 12;
constexpr size_t kMaxOverrides = 400;

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// "HH:MM", 00:00..23:59 (24:00 is not a time of day).
std::optional<int> parse_hhmm(const JsonValue& j) {
  if (!j.IsString()) return std::nullopt;
  const std::string_view s = string_of(j);
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  std::string s = "00:00";
  s[0] = static_cast<char>('0' + minutes / 600);
  s[1] = static_cast<char>('0' + minutes / 60 % 10);
  s[3] = static_cast<char>('0' + minutes % 60 / 10);
  s[4] = static_cast<char>('0' + minutes % 10);
  return s;
}

std::string format_date(int64_t days) {
  int y, m, d;
  civil_from_days(days, y, m, d);
  std::string s = std::to_string(y) + "-00-00";
  s[5] = static_cast<char>('0' + m / 10);
  s[6] = static_cast<char>('0' + m % 10);
  s[8] = static_cast<char>('0' + d / 10);
  s[9] = static_cast<char>('0' + d % 10);
  return s;
}

// `j` is nullptr when the member is absent.
bool read_intervals(const JsonValue* j, const std::string& where, std::vector<LocalInterval>& out, std::string* error) {
  if (!j || !j->IsArray()) return fail(error, where + " must be a list of [\"HH:MM\", \"HH:MM\"] intervals");
  if (j->Size() > kMaxIntervalsPerDay) return fail(error, where + " may hold at most 12 intervals");
  for (const auto& pair : j->GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2) return fail(error, where + " intervals must be [\"HH:MM\", \"HH:MM\"]");
    const JsonValue* ends = pair.Begin();
    auto a = parse_hhmm(ends[0]), b = parse_hhmm(ends[1]);
    if (!a || !b) return fail(error, where + " times must be HH:MM from 00:00 to 23:59");
    if (*a >= *b) return fail(error, where + " intervals must end after they start");
    if (!out.empty() && *a < out.back().end_min)
      return fail(error, where + " intervals must be in order and must not overlap");
    out.push_back({*a, *b});
  }
  return true;
}

void write_intervals(JsonWriter& w, const std::vector<LocalInterval>& v) {
  w.array();
  for (const auto& i : v) w.array().value(hhmm(i.start_min)).value(hhmm(i.end_min)).end_array();
  w.end_array();
}

// An object's members in key order, a repeated key once (with its last value), so that
// which error a body earns does not depend on the order of its fields.
std::vector<const JsonValue::Member*> members_by_key(const JsonValue& obj) {
  std::vector<const JsonValue::Member*> out;
  out.reserve(obj.MemberCount());
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) out.push_back(&*it);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto* a, const auto* b) { return string_of(a->name) < string_of(b->name); });
  std::vector<const JsonValue::Member*> unique;
  unique.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i)
    if (i + 1 == out.size() || string_of(out[i]->name) != string_of(out[i + 1]->name)) unique.push_back(out[i]);
  return unique;
}

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

// "YYYY-MM-DD" of a real date -> days since the epoch.
std::optional<int64_t> parse_date(const JsonValue* j) {
  if (!j || !j->IsString()) return std::nullopt;
  const std::string_view s = string_of(*j);
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int pos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
  for (int k = 0; k < 3; ++k)
    for (int i = pos[k][0]; i < pos[k][0] + pos[k][1]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1) return std::nullopt;
  const int next_y = v[1] == 12 ? v[0] + 1 : v[0], next_m = v[1] == 12 ? 1 : v[1] + 1;
  if (days_from_civil(v[0], v[1], v[2]) >= days_from_civil(next_y, next_m, 1)) return std::nullopt;  // Feb 30
  return days_from_civil(v[0], v[1], v[2]);
}

std::optional<Availability> availability_from_request(const JsonValue& body, std::string* error) {
  Availability a;
  auto zone = get_string(body, "time_zone");
  if (!zone) return fail(error, "time_zone is required (an IANA name such as Europe/Lisbon)"), std::nullopt;
  auto rule = find_time_zone(*zone);
  if (!rule) return fail(error, "time_zone is not a known IANA time zone"), std::nullopt;
  a.time_zone = *zone;
  a.rule = *rule;
  if (auto unknown = unknown_field(body, {"time_zone", "weekly", "overrides", "limits"})) return fail(error, *unknown), std::nullopt;
  if (const JsonValue* weekly = get_member(body, "weekly")) {
    if (!weekly->IsObject()) return fail(error, "weekly must be an object keyed mon..sun"), std::nullopt;
    for (const auto* m : members_by_key(*weekly)) {
      const std::string_view day = string_of(m->name);
      int index = -1;
      for (int d = 0; d < 7; ++d)
        if (day == kDayNames[d]) index = d;
      if (index < 0) return fail(error, "weekly keys must be mon, tue, wed, thu, fri, sat or sun"), std::nullopt;
      if (!read_intervals(&m->value, "weekly." + std::string(day), a.weekly[static_cast<size_t>(index)], error))
        return std::nullopt;
    }
  }
  if (const JsonValue* overrides = get_member(body, "overrides")) {
    if (!overrides->IsArray()) return fail(error, "overrides must be a list of {date, intervals}"), std::nullopt;
    if (overrides->Size() > kMaxOverrides) return fail(error, "overrides may hold at most 400 dates"), std::nullopt;
    for (const auto& o : overrides->GetArray()) {
      if (!o.IsObject()) return fail(error, "overrides must be a list of {date, intervals}"), std::nullopt;
      if (auto unknown = unknown_field(o, {"date", "intervals"}, "overrides[].")) return fail(error, *unknown), std::nullopt;
      auto date = parse_date(get_member(o, "date"));
      if (!date) return fail(error, "overrides[].date must be a real date, YYYY-MM-DD"), std::nullopt;
      if (a.overrides.count(*date)) return fail(error, "overrides[].date must not repeat"), std::nullopt;
      std::vector<LocalInterval> intervals;
      if (!read_intervals(get_member(o, "intervals"), "overrides[].intervals", intervals, error)) return std::nullopt;
      a.overrides[*date] = std::move(intervals);
    }
  }
  if (const JsonValue* limits = get_member(body, "limits")) {
    fields::Problem problem;
    const fields::Reading how{true, &problem};
    if (!fields::read_record(BookingLimits::rows(), a.limits, *limits, how) && !fields::nested_problem("limits", how))
      return fail(error, problem.message()), std::nullopt;
  }
  return a;
}

void write_availability(JsonWriter& w, const Availability& a) {
  w.object().field("time_zone", a.time_zone).key("weekly").object();
  for (int d = 0; d < 7; ++d) {
    w.key(kDayNames[d]);
    write_intervals(w, a.weekly[static_cast<size_t>(d)]);
  }
  w.end_object().key("overrides").array();
  for (const auto& [day, intervals] : a.overrides) {
    w.object().field("date", format_date(day)).key("intervals");
    write_intervals(w, intervals);
    w.end_object();
  }
  w.end_array();
  if (a.limits.any()) {
    w.key("limits");
    fields::write_record(BookingLimits::rows(), w, a.limits);
  }
  w.end_object();
}

std::optional<Availability> availability_from_storage(std::string_view text) {
  auto j = parse_json(text, 8);
  if (!j || !j->IsObject()) return std::nullopt;
  return availability_from_request(*j, nullptr);
}

int64_t local_wall_ms(const Availability& a, int64_t utc_ms) { return utc_ms + utc_offset_s(a.rule, utc_ms) * 1000; }

std::optional<int64_t> first_instant_of(const Availability& a, int64_t wall_ms) {
  // The instant is wall - offset for one of the zone's two offsets; the earlier valid
  // one is the first occurrence.
  std::optional<int64_t> best;
  for (int64_t off : {a.rule.std_offset_s, a.rule.dst_offset_s}) {
    const int64_t t = wall_ms - off * 1000;
    if (local_wall_ms(a, t) == wall_ms && (!best || t < *best)) best = t;
    if (!a.rule.has_dst) break;
  }
  return best;
}

bool offered_by(const Availability& a, int64_t start_ms, int64_t end_ms) {
  const int64_t wall_start = local_wall_ms(a, start_ms);
  if (first_instant_of(a, wall_start) != start_ms) return false;  // the second occurrence
  const int64_t wall_end = local_wall_ms(a, end_ms - 1) + 1;
  const int64_t day = floor_div(wall_start, kDayMs);
  if (floor_div(wall_end - 1, kDayMs) != day) return false;  // runs past local midnight
  auto it = a.overrides.find(day);
  const std::vector<LocalInterval>& intervals = it != a.overrides.end() ? it->second : a.weekly[static_cast<size_t>(weekday_of(day))];
  const int64_t from = wall_start - day * kDayMs, to = wall_end - day * kDayMs;
  for (const auto& i : intervals)
    if (i.start_min * kMinuteMs <= from && to <= i.end_min * kMinuteMs) return true;
  return false;
}

}  // namespace slotguard
