#include "slotguard/time/time_rfc3339.h"

#include "slotguard/time/civil_date.h"

namespace slotguard {
namespace {

constexpr int64_t kDayMs = 86400000;
// 9999-12-31T23:59:59.999Z: the last instant we accept, so format/parse round-trip.
constexpr int64_t kMaxMs = 253402300800000 - 1;

constexpr int days_in_month(int y, int m) {
  // Outside February, 31-day months alternate by parity, with the phase flipping at August.
  return m == 2 ? 28 + leap_year(y) : 30 + ((m + (m >> 3)) & 1);
}



// Cursor over the input; every read is bounds-checked so truncated text just fails.
struct Reader {
  std::string_view s;
  size_t i = 0;
  bool digits(size_t n, int& out) {
    if (s.size() - i < n) return false;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;  // also rejects signs and spaces
      v = v * 10 + (c - '0');
    }
    i += n;
    out = v;
    return true;
  }
  bool lit(char a, char b = 0) {
    if (i < s.size() && (s[i] == a || (b && s[i] == b))) return ++i, true;
    return false;
  }
};

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  Reader r{text};
  int y, mo, d, h, mi, sec;
  if (!(r.digits(4, y) && r.lit('-') && r.digits(2, mo) && r.lit('-') && r.digits(2, d) &&
        r.lit('T', 't') && r.digits(2, h) && r.lit(':') && r.digits(2, mi) && r.lit(':') &&
        r.digits(2, sec)))
    return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || sec > 59)
    return std::nullopt;

  int ms = 0;
  if (r.lit('.')) {
    // Any precision is legal; only the first three digits matter, the rest are truncated.
    size_t n = 0;
    for (int dig; r.digits(1, dig); ++n)
      if (n < 3) ms = ms * 10 + dig;
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) ms *= 10;
  }

  int offset_min = 0;
  if (!r.lit('Z', 'z')) {
    const bool neg = r.i < text.size() && text[r.i] == '-';
    int oh, om;
    if (!(r.lit('+', '-') && r.digits(2, oh) && r.lit(':') && r.digits(2, om)) || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset_min = (oh * 60 + om) * (neg ? -1 : 1);
  }
  if (r.i != text.size()) return std::nullopt;

  // The local time is ahead of UTC by the offset, so subtract it.
  const int64_t utc = days_from_civil(y, mo, d) * kDayMs +
                      int64_t((h * 60 + mi) * 60 + sec) * 1000 + ms -
                      int64_t(offset_min) * 60000;
  // An offset can push the instant across 1970 or 9999; keep the same range in UTC.
  if (utc < 0 || utc > kMaxMs) return std::nullopt;
  return utc;
}

std::string format_rfc3339(int64_t utc_ms) {
  // Clamping keeps the output a valid 4-digit-year timestamp that parse accepts.
  if (utc_ms < 0) utc_ms = 0;
  if (utc_ms > kMaxMs) utc_ms = kMaxMs;
  int y, mo, d;
  civil_from_days(utc_ms / kDayMs, y, mo, d);
  const int day_ms = int(utc_ms % kDayMs);
  const int sec_of_day = day_ms / 1000, ms = day_ms % 1000;

  char buf[24];
  size_t n = 0;
  // Hand-rolled digits avoid pulling printf into the wasm module.
  auto put = [&](int v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10) buf[n + k] = char('0' + v % 10);
    n += width;
  };
  put(y, 4), buf[n++] = '-', put(mo, 2), buf[n++] = '-', put(d, 2), buf[n++] = 'T';
  put(sec_of_day / 3600, 2), buf[n++] = ':', put(sec_of_day / 60 % 60, 2), buf[n++] = ':';
  put(sec_of_day % 60, 2);
  if (ms != 0) buf[n++] = '.', put(ms, 3);
  buf[n++] = 'Z';
  return std::string(buf, n);
}

}  // namespace slotguard
