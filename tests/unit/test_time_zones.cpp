// Time zones: the compiled-in rules (core/slotguard/time/tz_data.cpp) against the system's own tzdata
// for every zone and every hour of 2026-2028, the transitions people will book across,
// and availability's wall-clock rules on both sides of them.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>

#include "slotguard/booking/availability.h"
#include "slotguard/base/json.h"
#include "test_json.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/time/tz_rules.h"

using namespace slotguard;
using slotguard::testing::Json;
using slotguard::testing::read_json;
using slotguard::testing::write_json;

namespace {

int64_t at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  REQUIRE(t);
  return *t;
}

// The system's answer (glibc reading /usr/share/zoneinfo), independent of ours.
long system_offset_s(const char* zone, int64_t utc_ms) {
  setenv("TZ", (std::string(":") + zone).c_str(), 1);
  tzset();
  time_t t = static_cast<time_t>(utc_ms / 1000);
  struct tm local {};
  localtime_r(&t, &local);
  return local.tm_gmtoff;
}

// A request body as the core parses it.
JsonDoc body(const char* text) {
  auto doc = parse_json(text);
  REQUIRE(doc);
  return std::move(*doc);
}

// The document as the core writes it, read back by the tests' own parser.
Json written(const Availability& a) {
  JsonWriter w;
  write_availability(w, a);
  auto j = read_json(w.take());
  REQUIRE(j);
  return *j;
}

Availability lisbon_nine_to_five() {
  auto a = availability_from_request(
      body(R"({"time_zone": "Europe/Lisbon", "weekly": {"sun": [["00:00", "23:59"]], "mon": [["09:00", "17:00"]]}})"),
      nullptr);
  REQUIRE(a);
  return *a;
}

}  // namespace

TEST_CASE("tz: every compiled-in zone agrees with the system's tzdata, hour by hour, 2026-2028", "[tz]") {
  const int64_t from = at("2026-01-01T00:00:00Z"), to = at("2029-01-01T00:00:00Z");
  size_t checked = 0;
  for (size_t i = 0; i < tzdata::kZoneCount; ++i) {
    const std::string name = tzdata::kZones[i].name;
    // Morocco's changes follow Ramadan, not a yearly rule: only its standard offset is kept.
    if (name == "Africa/Casablanca" || name == "Africa/El_Aaiun") continue;
    auto rule = find_time_zone(name);
    INFO(name << " rule " << tzdata::kRules[tzdata::kZones[i].rule]);
    REQUIRE(rule);
    for (int64_t t = from; t < to; t += 3'600'000) {
      const long want = system_offset_s(name.c_str(), t);
      if (utc_offset_s(*rule, t) != want) {
        INFO("at " << format_rfc3339(t));
        CHECK(utc_offset_s(*rule, t) == want);
        break;
      }
    }
    ++checked;
  }
  unsetenv("TZ");
  tzset();
  CHECK(checked > 500);
}

TEST_CASE("tz: the 2026 and 2027 changes of Lisbon, New York and Sydney, to the second", "[tz]") {
  struct Change {
    const char* zone;
    const char* utc;  // the first instant of the new offset
    int64_t before_s, after_s;
  };
  const Change changes[] = {
      {"Europe/Lisbon", "2026-03-29T01:00:00Z", 0, 3600},      {"Europe/Lisbon", "2026-10-25T01:00:00Z", 3600, 0},
      {"Europe/Lisbon", "2027-03-28T01:00:00Z", 0, 3600},      {"Europe/Lisbon", "2027-10-31T01:00:00Z", 3600, 0},
      {"America/New_York", "2026-03-08T07:00:00Z", -18000, -14400},
      {"America/New_York", "2026-11-01T06:00:00Z", -14400, -18000},
      {"America/New_York", "2027-03-14T07:00:00Z", -18000, -14400},
      {"America/New_York", "2027-11-07T06:00:00Z", -14400, -18000},
      {"Australia/Sydney", "2026-04-04T16:00:00Z", 39600, 36000},
      {"Australia/Sydney", "2026-10-03T16:00:00Z", 36000, 39600},
      {"Australia/Sydney", "2027-04-03T16:00:00Z", 39600, 36000},
      {"Australia/Sydney", "2027-10-02T16:00:00Z", 36000, 39600},
  };
  for (const auto& c : changes) {
    INFO(c.zone << " " << c.utc);
    auto rule = find_time_zone(c.zone);
    REQUIRE(rule);
    CHECK(utc_offset_s(*rule, at(c.utc) - 1000) == c.before_s);
    CHECK(utc_offset_s(*rule, at(c.utc)) == c.after_s);
  }
}

TEST_CASE("tz: POSIX rules parse in every form tzdata writes, and nonsense does not", "[tz]") {
  for (size_t i = 0; i < tzdata::kRuleCount; ++i) {
    INFO(tzdata::kRules[i]);
    CHECK(parse_posix_tz(tzdata::kRules[i]));
  }
  for (const char* bad : {"", "UTC", "EST5EDT", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
                          "<+05", "EST5EDT,M3.2.0/200,M11.1.0", "EST5EDT,J366,J300", "EST5EDT,M3.2.0,M11.1.0x"})
    CHECK_FALSE(parse_posix_tz(bad));
  CHECK_FALSE(find_time_zone("Europe/Atlantis"));
  CHECK_FALSE(find_time_zone("europe/lisbon"));
  CHECK(find_time_zone("UTC"));
  CHECK(find_time_zone("Asia/Kolkata")->std_offset_s == 19800);
}

TEST_CASE("availability: 09:00 stays 09:00 local across Lisbon's changes", "[tz][availability]") {
  const Availability a = lisbon_nine_to_five();
  // Monday before and after the spring change: 09:00 WET = 09:00Z, 09:00 WEST = 08:00Z.
  CHECK(offered_by(a, at("2026-03-23T09:00:00Z"), at("2026-03-23T10:00:00Z")));
  CHECK_FALSE(offered_by(a, at("2026-03-23T08:00:00Z"), at("2026-03-23T09:00:00Z")));
  CHECK(offered_by(a, at("2026-03-30T08:00:00Z"), at("2026-03-30T09:00:00Z")));
  CHECK_FALSE(offered_by(a, at("2026-03-30T07:30:00Z"), at("2026-03-30T08:30:00Z")));
  // The whole appointment must fit: 16:30 + 60 min runs past 17:00.
  CHECK(offered_by(a, at("2026-03-30T15:00:00Z"), at("2026-03-30T16:00:00Z")));
  CHECK_FALSE(offered_by(a, at("2026-03-30T15:30:00Z"), at("2026-03-30T16:30:00Z")));
  // Tuesday: no hours.
  CHECK_FALSE(offered_by(a, at("2026-03-31T09:00:00Z"), at("2026-03-31T10:00:00Z")));
}

TEST_CASE("availability: a skipped local time is never offered, a repeated one once", "[tz][availability]") {
  const Availability a = lisbon_nine_to_five();  // Sundays all day
  // 2026-03-29: 01:00 -> 02:00 local. 01:30 local does not exist; 00:30Z is 00:30 WET.
  CHECK(offered_by(a, at("2026-03-29T00:30:00Z"), at("2026-03-29T00:45:00Z")));
  CHECK(offered_by(a, at("2026-03-29T01:00:00Z"), at("2026-03-29T01:30:00Z")));  // 02:00 WEST
  CHECK_FALSE(first_instant_of(a, at("2026-03-29T01:30:00Z")));                   // wall 01:30
  // 2026-10-25: 02:00 -> 01:00 local. Wall 01:30 happens at 00:30Z and at 01:30Z.
  CHECK(first_instant_of(a, at("2026-10-25T01:30:00Z")) == at("2026-10-25T00:30:00Z"));
  CHECK(offered_by(a, at("2026-10-25T00:30:00Z"), at("2026-10-25T00:45:00Z")));
  CHECK_FALSE(offered_by(a, at("2026-10-25T01:30:00Z"), at("2026-10-25T01:45:00Z")));
}

TEST_CASE("availability: overrides replace the weekly hours of their date", "[availability]") {
  auto a = availability_from_request(body(R"({"time_zone": "America/New_York",
      "weekly": {"thu": [["09:00", "12:00"], ["13:00", "17:30"]]},
      "overrides": [{"date": "2026-12-24", "intervals": []}, {"date": "2026-12-27", "intervals": [["10:00", "13:00"]]}]})"),
                                     nullptr);
  REQUIRE(a);
  CHECK(offered_by(*a, at("2026-12-17T14:00:00Z"), at("2026-12-17T15:00:00Z")));  // Thu 09:00 EST
  CHECK_FALSE(offered_by(*a, at("2026-12-24T14:00:00Z"), at("2026-12-24T15:00:00Z")));
  CHECK(offered_by(*a, at("2026-12-27T15:00:00Z"), at("2026-12-27T18:00:00Z")));  // Sun 10:00-13:00
  CHECK_FALSE(offered_by(*a, at("2026-12-17T16:30:00Z"), at("2026-12-17T18:30:00Z")));  // across the lunch gap
  // The stored shape is the normalised request.
  Json j = written(*a);
  CHECK(j["weekly"]["thu"] == Json::parse(R"([["09:00", "12:00"], ["13:00", "17:30"]])"));
  CHECK(j["weekly"]["mon"].empty());
  CHECK(j["overrides"][1] == Json::parse(R"({"date": "2026-12-27", "intervals": [["10:00", "13:00"]]})"));
  auto again = availability_from_storage(write_json(j));
  REQUIRE(again);
  CHECK(written(*again) == j);
}

TEST_CASE("availability: bad documents are refused with the field named", "[availability]") {
  auto refused = [](const char* text) {
    std::string error;
    CHECK_FALSE(availability_from_request(body(text), &error));
    return error;
  };
  CHECK(refused(R"({"weekly": {}})").find("time_zone") != std::string::npos);
  CHECK(refused(R"({"time_zone": "Mars/Olympus"})") == "time_zone is not a known IANA time zone");
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"monday": []}})").find("weekly keys") != std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"mon": [["09:00", "24:00"]]}})").find("23:59") != std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"mon": [["10:00", "09:00"]]}})").find("end after") != std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}})").find("overlap") !=
        std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"mon": [["13:00", "14:00"], ["09:00", "12:00"]]}})").find("order") !=
        std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "weekly": {"mon": [["9:00", "12:00"]]}})").find("HH:MM") != std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "overrides": [{"date": "2027-02-29", "intervals": []}]})").find("real date") !=
        std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "overrides": [{"date": "2026-12-24", "intervals": []},
      {"date": "2026-12-24", "intervals": []}]})").find("repeat") != std::string::npos);
  CHECK(refused(R"({"time_zone": "UTC", "extra": 1})").find("unknown field") != std::string::npos);
}
