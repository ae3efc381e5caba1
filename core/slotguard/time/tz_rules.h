// Time zones for availability: an expert works 09:00-17:00 in Europe/Lisbon, and that
// must mean 09:00 local on both sides of a daylight-saving change, in every build. The
// rules are compiled in (tz_data.cpp, generated from tzdata by scripts/gen-tz-rules):
// each IANA zone keeps the POSIX TZ rule its TZif file ends with, which is the rule
// for every date after the zone's last listed change. slotguard only decides future
// times, so that is all it needs, in a few kilobytes instead of the whole database.
// Zones whose future changes follow no yearly rule (Africa/Casablanca's Ramadan
// shifts) keep only their standard offset.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace slotguard {

namespace tzdata {
struct ZoneName {
  const char* name;
  uint16_t rule;  // index into kRules
};
extern const char kVersion[];
extern const char* const kRules[];
extern const ZoneName kZones[];  // sorted by name
extern const size_t kZoneCount;
extern const size_t kRuleCount;
}  // namespace tzdata

// When a change happens, as POSIX writes it: a day of the year and a local time.
struct TzDate {
  enum class Kind { Julian1, Julian0, MonthWeekDay } kind = Kind::MonthWeekDay;
  int day = 0;               // Jn: 1..365 (no leap day); n: 0..365
  int month = 0, week = 0;   // Mm.w.d: month 1..12, week 1..5 (5 = last), weekday 0..6
  int weekday = 0;
  int64_t time_s = 7200;     // local time of the change, may be < 0 or > 24 h
};

struct TzRule {
  int64_t std_offset_s = 0;  // local - UTC in standard time (east positive)
  int64_t dst_offset_s = 0;  // local - UTC in daylight-saving time
  bool has_dst = false;
  TzDate start, end;         // DST begins at `start` (local standard time), ends at `end` (local DST)
};

// A POSIX TZ string ("WET0WEST,M3.5.0/1,M10.5.0", "<+0530>-5:30"); nullopt if malformed.
std::optional<TzRule> parse_posix_tz(std::string_view text);

// The rule of an IANA zone name ("Europe/Lisbon"), or nullopt for an unknown name.
std::optional<TzRule> find_time_zone(std::string_view name);

// local - UTC at the instant utc_ms, in seconds.
int64_t utc_offset_s(const TzRule& rule, int64_t utc_ms);

}  // namespace slotguard
