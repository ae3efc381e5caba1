// RFC 3339 parsing and formatting (tests/fuzz/README.md).
//
// Input: the whole input is a timestamp to parse; its first eight bytes (when there
// are eight) are also an int64 of milliseconds to format.
//
// Properties:
//   - an accepted timestamp lies in 1970..9999, agrees with an independent reading of
//     its fields through std::chrono's calendar, and survives format -> parse unchanged;
//   - any int64 formats to text that parses back to the same instant, clamped to the
//     supported range, in the documented shape.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_support.h"
#include "slotguard/time/time_rfc3339.h"

using namespace slotguard;
using namespace slotguard::fuzz;

namespace {

constexpr int64_t kMaxMs = 253402300800000 - 1;  // 9999-12-31T23:59:59.999Z

int num(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// The instant an accepted timestamp names, computed another way: fixed field
// positions and the standard library's calendar instead of the core's day arithmetic.
int64_t oracle(std::string_view s) {
  using namespace std::chrono;
  const year_month_day ymd{year{num(s, 0, 4)}, month{unsigned(num(s, 5, 2))}, day{unsigned(num(s, 8, 2))}};
  FUZZ_REQUIRE(ymd.ok(), "accepted a date that does not exist: " + std::string(s));
  int64_t ms = int64_t(sys_days(ymd).time_since_epoch().count()) * 86400000 +
               (int64_t(num(s, 11, 2)) * 3600 + num(s, 14, 2) * 60 + num(s, 17, 2)) * 1000;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    int scale = 100;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
      if (scale > 0) ms += (s[i] - '0') * scale;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int64_t offset = (int64_t(num(s, i + 1, 2)) * 60 + num(s, i + 4, 2)) * 60000;
    ms += s[i] == '+' ? -offset : offset;
  }
  return ms;
}

void check_shape(const std::string& text, int64_t ms) {
  const bool with_ms = ms % 1000 != 0;
  FUZZ_REQUIRE(text.size() == (with_ms ? 24u : 20u) && text.back() == 'Z' && text[10] == 'T',
               "formatted text has the wrong shape: " + text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ms = parse_rfc3339(text)) {
    FUZZ_REQUIRE(*ms >= 0 && *ms <= kMaxMs, "accepted an instant out of range: " + std::string(text));
    FUZZ_REQUIRE(*ms == oracle(text), "parsed to " + std::to_string(*ms) + ", expected " +
                                          std::to_string(oracle(text)) + ": " + std::string(text));
    const std::string printed = format_rfc3339(*ms);
    check_shape(printed, *ms);
    auto again = parse_rfc3339(printed);
    FUZZ_REQUIRE(again && *again == *ms, "round trip lost the instant: " + std::string(text) + " -> " + printed);
    FUZZ_REQUIRE(format_rfc3339(*again) == printed, "formatting is not stable: " + printed);
  }

  if (size >= 8) {
    int64_t raw;
    std::memcpy(&raw, data, 8);
    const int64_t clamped = raw < 0 ? 0 : raw > kMaxMs ? kMaxMs : raw;
    const std::string printed = format_rfc3339(raw);
    check_shape(printed, clamped);
    auto back = parse_rfc3339(printed);
    FUZZ_REQUIRE(back && *back == clamped,
                 "int64 " + std::to_string(raw) + " formatted as " + printed + " does not parse back");
    // Near the range's edges too, where a clamp or a carry would go wrong first.
    for (int64_t edge : {int64_t(0), kMaxMs}) {
      const int64_t near = edge + (raw % 100000);
      if (near < 0 || near > kMaxMs) continue;
      auto b = parse_rfc3339(format_rfc3339(near));
      FUZZ_REQUIRE(b && *b == near, "instant " + std::to_string(near) + " does not survive format/parse");
    }
  }
  return 0;
}
