// Calendar arithmetic on the proleptic Gregorian calendar, for years 1970..9999: days
// since 1970-01-01 <-> year, month, day. Shared by RFC 3339 text and time zones.
#pragma once
#include <cstdint>

namespace slotguard {

// Counts from 0000-03-01 so the leap day is the last day of the "year"; years are
// positive here, which keeps every division non-negative.
constexpr int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = y / 400, yoe = y % 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t(era) * 146097 + doe - 719468;
}

// Inverse of days_from_civil for days >= 0.
constexpr void civil_from_days(int64_t days, int& y, int& m, int& d) {
  const int64_t z = days + 719468;
  const int era = int(z / 146097), doe = int(z % 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = era * 400 + yoe + (m <= 2);
}

// 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday).
constexpr int weekday_of(int64_t days) { return static_cast<int>((days % 7 + 11) % 7); }

constexpr bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(weekday_of(0) == 4);

}  // namespace slotguard
