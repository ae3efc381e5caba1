#include "slotguard/time/tz_rules.h"

#include <cstring>

#include "slotguard/time/civil_date.h"

namespace slotguard {

namespace {

constexpr int64_t kDaySeconds = 86400;

struct Reader {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  std::optional<int> number(int max_digits) {
    int v = 0, n = 0;
    while (n < max_digits && peek() >= '0' && peek() <= '9') v = v * 10 + (s[i++] - '0'), ++n;
    if (n == 0) return std::nullopt;
    return v;
  }
};

// A zone abbreviation: three or more letters, or <...> of letters, digits, + and -.
bool read_name(Reader& r) {
  if (r.eat('<')) {
    size_t n = 0;
    while (!r.done() && r.peek() != '>') {
      const char c = r.peek();
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-'))
        return false;
      ++r.i, ++n;
    }
    return r.eat('>') && n >= 3;
  }
  size_t n = 0;
  while ((r.peek() >= 'A' && r.peek() <= 'Z') || (r.peek() >= 'a' && r.peek() <= 'z')) ++r.i, ++n;
  return n >= 3;
}

// [+-]hh[:mm[:ss]] in seconds; hours up to 167 (the extended form of RFC 8536).
std::optional<int64_t> read_time(Reader& r) {
  int sign = 1;
  if (r.eat('-')) sign = -1;
  else r.eat('+');
  auto h = r.number(3);
  if (!h || *h > 167) return std::nullopt;
  int64_t v = *h * 3600;
  if (r.eat(':')) {
    auto m = r.number(2);
    if (!m || *m > 59) return std::nullopt;
    v += *m * 60;
    if (r.eat(':')) {
      auto sec = r.number(2);
      if (!sec || *sec > 59) return std::nullopt;
      v += *sec;
    }
  }
  return sign * v;
}

std::optional<TzDate> read_date(Reader& r) {
  TzDate d;
  if (r.eat('J')) {
    auto n = r.number(3);
    if (!n || *n < 1 || *n > 365) return std::nullopt;
    d.kind = TzDate::Kind::Julian1;
    d.day = *n;
  } else if (r.eat('M')) {
    auto m = r.number(2);
    if (!m || *m < 1 || *m > 12 || !r.eat('.')) return std::nullopt;
    auto w = r.number(1);
    if (!w || *w < 1 || *w > 5 || !r.eat('.')) return std::nullopt;
    auto wd = r.number(1);
    if (!wd || *wd > 6) return std::nullopt;
    d.kind = TzDate::Kind::MonthWeekDay;
    d.month = *m, d.week = *w, d.weekday = *wd;
  } else {
    auto n = r.number(3);
    if (!n || *n > 365) return std::nullopt;
    d.kind = TzDate::Kind::Julian0;
    d.day = *n;
  }
  if (r.eat('/')) {
    auto t = read_time(r);
    if (!t) return std::nullopt;
    d.time_s = *t;
  }
  return d;
}

// Days since the epoch of the date a rule names in `year`.
int64_t day_of(const TzDate& d, int year) {
  const int64_t jan1 = days_from_civil(year, 1, 1);
  switch (d.kind) {
    case TzDate::Kind::Julian1:  // 1..365, February 29 never counted
      return jan1 + d.day - 1 + (leap_year(year) && d.day > 59 ? 1 : 0);
    case TzDate::Kind::Julian0: return jan1 + d.day;
    case TzDate::Kind::MonthWeekDay: {
      const int64_t first = days_from_civil(year, d.month, 1);
      int64_t day = first + (d.weekday - weekday_of(first) + 7) % 7 + 7 * (d.week - 1);
      const int next_month = d.month == 12 ? 1 : d.month + 1;
      const int64_t month_end = days_from_civil(d.month == 12 ? year + 1 : year, next_month, 1);
      while (day >= month_end) day -= 7;  // week 5: the last such weekday
      return day;
    }
  }
  return jan1;
}

}  // namespace

std::optional<TzRule> parse_posix_tz(std::string_view text) {
  Reader r{text};
  TzRule rule;
  if (!read_name(r)) return std::nullopt;
  auto std_off = read_time(r);
  if (!std_off) return std::nullopt;
  rule.std_offset_s = -*std_off;  // POSIX counts west of Greenwich as positive
  if (r.done()) return rule;
  if (!read_name(r)) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset_s = rule.std_offset_s + 3600;
  if (r.peek() != ',' && !r.done()) {
    auto dst_off = read_time(r);
    if (!dst_off) return std::nullopt;
    rule.dst_offset_s = -*dst_off;
  }
  // Without dates POSIX leaves the changes to the implementation; tzdata always writes them.
  if (!r.eat(',')) return std::nullopt;
  auto start = read_date(r);
  if (!start || !r.eat(',')) return std::nullopt;
  auto end = read_date(r);
  if (!end || !r.done()) return std::nullopt;
  rule.start = *start;
  rule.end = *end;
  return rule;
}

std::optional<TzRule> find_time_zone(std::string_view name) {
  size_t lo = 0, hi = tzdata::kZoneCount;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const std::string_view here = tzdata::kZones[mid].name;
    if (here == name) return parse_posix_tz(tzdata::kRules[tzdata::kZones[mid].rule]);
    if (here < name) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

int64_t utc_offset_s(const TzRule& rule, int64_t utc_ms) {
  if (!rule.has_dst) return rule.std_offset_s;
  const int64_t t = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
  int y, m, d;
  civil_from_days((t + rule.std_offset_s) / kDaySeconds, y, m, d);
  // The changes of the local year and its neighbours, as UTC instants: DST holds
  // between a start and the end that follows it (southern rules wrap the new year).
  for (int year = y - 1; year <= y + 1; ++year) {
    const int64_t begins = day_of(rule.start, year) * kDaySeconds + rule.start.time_s - rule.std_offset_s;
    int64_t ends = day_of(rule.end, year) * kDaySeconds + rule.end.time_s - rule.dst_offset_s;
    if (ends <= begins) ends = day_of(rule.end, year + 1) * kDaySeconds + rule.end.time_s - rule.dst_offset_s;
    if (t >= begins && t < ends) return rule.dst_offset_s;
  }
  return rule.std_offset_s;
}

}  // namespace slotguard
