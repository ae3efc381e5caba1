// RFC 3339 timestamps <-> UTC milliseconds since the Unix epoch.
// The core keeps every instant as int64 UTC milliseconds; text only at the edges.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotguard {

// Parses "2026-11-27T10:00:00Z", "2026-11-27T10:00:00.123+01:00", lower-case 't'/'z'
// accepted. Fractional seconds of any length are truncated to milliseconds. Leap second
// 60 is rejected. Returns nullopt on anything malformed or out of years 1970..9999.
std::optional<int64_t> parse_rfc3339(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SSZ", or with ".mmm" when the milliseconds are non-zero.
std::string format_rfc3339(int64_t utc_ms);

}  // namespace slotguard
