#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

#include "slotguard/time/time_rfc3339.h"

using slotguard::format_rfc3339;
using slotguard::parse_rfc3339;

namespace {
constexpr int64_t kDay = 86400000;
constexpr int64_t kMax = 253402300799999;  // 9999-12-31T23:59:59.999Z
bool bad(const std::string& s) { return !parse_rfc3339(s).has_value(); }
}  // namespace

TEST_CASE("rfc3339: known instants", "[time]") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2000-01-01T00:00:00Z") == 946684800000);
  CHECK(parse_rfc3339("2026-11-27T10:00:00Z") == 1795773600000);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK(parse_rfc3339("2400-02-29T12:34:56Z") == 13574608496000);
  CHECK(parse_rfc3339("9999-12-31T23:59:59Z") == 253402300799000);
  CHECK(parse_rfc3339("9999-12-31T23:59:59.999Z") == kMax);
}

TEST_CASE("rfc3339: case-insensitive T and Z", "[time]") {
  const auto want = parse_rfc3339("2026-11-27T10:00:00Z");
  REQUIRE(want);
  CHECK(parse_rfc3339("2026-11-27t10:00:00Z") == want);
  CHECK(parse_rfc3339("2026-11-27T10:00:00z") == want);
  CHECK(parse_rfc3339("2026-11-27t10:00:00z") == want);
}

TEST_CASE("rfc3339: offsets", "[time]") {
  const int64_t utc = 1795773600000;  // 2026-11-27T10:00:00Z
  CHECK(parse_rfc3339("2026-11-27T11:00:00+01:00") == utc);
  CHECK(parse_rfc3339("2026-11-27T05:00:00-05:00") == utc);
  CHECK(parse_rfc3339("2026-11-27T15:30:00+05:30") == utc);
  CHECK(parse_rfc3339("2026-11-27T10:00:00+00:00") == utc);
  CHECK(parse_rfc3339("2026-11-27T10:00:00-00:00") == utc);
  CHECK(parse_rfc3339("2026-11-28T09:59:00+23:59") == utc);
  CHECK(parse_rfc3339("2026-11-26T10:01:00-23:59") == utc);
  // Offsets that move the instant across a day / year boundary.
  CHECK(parse_rfc3339("2026-01-01T00:30:00+01:00") == 1767223800000);
  CHECK(parse_rfc3339("2025-12-31T23:30:00Z") == 1767223800000);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.250+01:00") == utc - 3600000 + 250);
  // Offset hours 0..23 and minutes 0..59 only; colon required; two digits each.
  CHECK(bad("2026-11-27T10:00:00+24:00"));
  CHECK(bad("2026-11-27T10:00:00+01:60"));
  CHECK(bad("2026-11-27T10:00:00+0100"));
  CHECK(bad("2026-11-27T10:00:00+1:00"));
  CHECK(bad("2026-11-27T10:00:00+01"));
  CHECK(bad("2026-11-27T10:00:00+01:0"));
  CHECK(bad("2026-11-27T10:00:00 +01:00"));
  CHECK(bad("2026-11-27T10:00:00*01:00"));
  CHECK(bad("2026-11-27T10:00:00+01:00Z"));
  CHECK(bad("2026-11-27T10:00:00Z+01:00"));
}

TEST_CASE("rfc3339: result must stay within 1970..9999 UTC", "[time]") {
  CHECK(bad("1970-01-01T00:30:00+01:00"));
  CHECK(parse_rfc3339("1970-01-01T00:30:00-01:00") == 5400000);
  CHECK(parse_rfc3339("1970-01-01T01:00:00+01:00") == 0);
  CHECK(bad("9999-12-31T23:30:00-01:00"));
  CHECK(parse_rfc3339("9999-12-31T23:59:59.999+00:00") == kMax);
  CHECK(bad("1969-12-31T23:59:59Z"));
  CHECK(bad("1900-01-01T00:00:00Z"));
  CHECK(bad("0000-01-01T00:00:00Z"));
}

TEST_CASE("rfc3339: fractional seconds truncate to milliseconds", "[time]") {
  const int64_t base = 1795773600000;
  CHECK(parse_rfc3339("2026-11-27T10:00:00.1Z") == base + 100);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.12Z") == base + 120);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.123Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.1239Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.12399Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.123999Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.1239999Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.12399999Z") == base + 123);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.999999999Z") == base + 999);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.000000001Z") == base);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.0Z") == base);
  CHECK(parse_rfc3339("2026-11-27T10:00:00.5-01:00") == base + 3600000 + 500);
  CHECK(parse_rfc3339("2026-11-27T10:00:00." + std::string(1000, '7') + "Z") == base + 777);
  CHECK(bad("2026-11-27T10:00:00.Z"));
  CHECK(bad("2026-11-27T10:00:00.+01:00"));
  CHECK(bad("2026-11-27T10:00:00,5Z"));
  CHECK(bad("2026-11-27T10:00:00.5"));
  CHECK(bad("2026-11-27T10:00:00.5.5Z"));
  CHECK(bad("2026-11-27T10:00:00.5aZ"));
}

TEST_CASE("rfc3339: leap years", "[time]") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
  CHECK(bad("2023-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z"));  // divisible by 400
  CHECK(bad("2100-02-29T00:00:00Z"));            // divisible by 100 only (like 1900)
  CHECK(bad("2200-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("2400-02-29T00:00:00Z"));
  CHECK(bad("2024-02-30T00:00:00Z"));
  CHECK(parse_rfc3339("2023-02-28T00:00:00Z"));
  CHECK(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z") ==
        2 * kDay);
  CHECK(*parse_rfc3339("2100-03-01T00:00:00Z") - *parse_rfc3339("2100-02-28T00:00:00Z") ==
        kDay);
  // 1900 is not a leap year, but also out of range altogether.
  CHECK(bad("1900-02-29T00:00:00Z"));
  CHECK(bad("1900-02-28T00:00:00Z"));
}

TEST_CASE("rfc3339: field ranges", "[time]") {
  CHECK(bad("2026-00-10T00:00:00Z"));
  CHECK(bad("2026-13-10T00:00:00Z"));
  CHECK(bad("2026-01-00T00:00:00Z"));
  CHECK(bad("2026-01-32T00:00:00Z"));
  CHECK(bad("2026-04-31T00:00:00Z"));
  CHECK(parse_rfc3339("2026-04-30T00:00:00Z"));
  CHECK(bad("2026-06-31T00:00:00Z"));
  CHECK(bad("2026-09-31T00:00:00Z"));
  CHECK(bad("2026-11-31T00:00:00Z"));
  for (const char* m : {"01", "03", "05", "07", "08", "10", "12"})
    CHECK(parse_rfc3339(std::string("2026-") + m + "-31T00:00:00Z"));
  CHECK(bad("2026-01-01T24:00:00Z"));
  CHECK(parse_rfc3339("2026-01-01T23:59:59Z"));
  CHECK(bad("2026-01-01T00:60:00Z"));
  CHECK(bad("2026-01-01T00:00:60Z"));  // no leap seconds
  CHECK(bad("2016-12-31T23:59:60Z"));
  CHECK(bad("2026-01-01T99:99:99Z"));
}

TEST_CASE("rfc3339: malformed input", "[time]") {
  CHECK(bad(""));
  CHECK(bad("Z"));
  CHECK(bad("garbage"));
  CHECK(bad("2026-11-27"));
  CHECK(bad("2026-11-27T"));
  CHECK(bad("2026-11-27T10:00"));
  CHECK(bad("2026-11-27T10:00Z"));
  CHECK(bad("2026-11-27T10:00:00"));   // offset is mandatory
  CHECK(bad("2026-11-27 10:00:00Z"));  // space separator is rejected
  CHECK(bad("2026-11-27_10:00:00Z"));
  CHECK(bad("2026-11-27T10:00:00ZZ"));
  CHECK(bad("2026-11-27T10:00:00Z "));
  CHECK(bad(" 2026-11-27T10:00:00Z"));
  CHECK(bad("2026-1-27T10:00:00Z"));
  CHECK(bad("2026-11-7T10:00:00Z"));
  CHECK(bad("26-11-27T10:00:00Z"));
  CHECK(bad("+2026-11-27T10:00:00Z"));
  CHECK(bad("02026-11-27T10:00:00Z"));
  CHECK(bad("2026/11/27T10:00:00Z"));
  CHECK(bad("2026-11-27T10-00-00Z"));
  CHECK(bad("2026-+1-27T10:00:00Z"));
  CHECK(bad("2026-11-27T1:00:00Z"));
  CHECK(bad("2026-11-27T10:0a:00Z"));
  CHECK(bad(std::string("2026-11-27T10:00:00Z\0", 21)));
  CHECK(bad(std::string("2026-11-27T10:00\0:00Z", 21)));
  // Every proper prefix of a valid timestamp is rejected.
  const std::string full = "2026-11-27T10:00:00.123+01:00";
  REQUIRE(parse_rfc3339(full));
  for (size_t n = 0; n < full.size(); ++n) CHECK(bad(full.substr(0, n)));
}

TEST_CASE("rfc3339: format", "[time]") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(1) == "1970-01-01T00:00:00.001Z");
  CHECK(format_rfc3339(1795773600000) == "2026-11-27T10:00:00Z");
  CHECK(format_rfc3339(1795773600120) == "2026-11-27T10:00:00.120Z");
  CHECK(format_rfc3339(1709164800000 + kDay - 1) == "2024-02-29T23:59:59.999Z");
  CHECK(format_rfc3339(951782400000) == "2000-02-29T00:00:00Z");
  CHECK(format_rfc3339(kMax) == "9999-12-31T23:59:59.999Z");
  // Out-of-range instants clamp to the representable range.
  CHECK(format_rfc3339(-1) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(INT64_MIN) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(INT64_MAX) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("rfc3339: round trips", "[time]") {
  for (const char* s : {"1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z",
                        "2026-11-27T10:00:00.123Z", "2038-01-19T03:14:08Z",
                        "2100-03-01T00:00:00.001Z", "9999-12-31T23:59:59Z"}) {
    const auto ms = parse_rfc3339(s);
    REQUIRE(ms);
    CHECK(format_rfc3339(*ms) == s);
  }
  // Non-canonical input normalises to UTC 'Z' with ms truncated.
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27t11:00:00.123456+01:00")) ==
        "2026-11-27T10:00:00.123Z");

  // Calendar days 1970..9999, built independently by stepping y/m/d: parse must give
  // consecutive days and format must reproduce the text.
  static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t day = 0, mismatches = 0;
  char buf[32];
  for (int y = 1970; y <= 9999; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; ++m) {
      const int dim = kMonthDays[m - 1] + (m == 2 && leap);
      for (int d = 1; d <= dim; ++d, ++day) {
        // Full detail over 1970..2500 (covers the 100/400-year rules) and the top of the
        // range; elsewhere month boundaries and the end of February keep the suite fast.
        if (y > 2500 && y < 9600 && d != 1 && d < 28) continue;
        const int64_t ms = day * kDay + (day % 86400) * 1000 + (day % 1000);
        const int sod = int(day % 86400);
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, sod / 3600,
                      sod / 60 % 60, sod % 60);
        std::string text = buf;
        if (day % 1000) {
          std::snprintf(buf, sizeof buf, ".%03d", int(day % 1000));
          text += buf;
        }
        text += 'Z';
        const auto parsed = parse_rfc3339(text);
        if (!parsed || *parsed != ms || format_rfc3339(ms) != text) ++mismatches;
      }
      const int bad_day = dim + 1;
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT00:00:00Z", y, m, bad_day);
      if (parse_rfc3339(buf)) ++mismatches;
    }
  }
  CHECK(day == 2932897);
  CHECK(mismatches == 0);
}
