// UTF-8 validation for text that arrives from outside (headers, query values).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace slotguard {
bool is_valid_utf8(std::string_view s);
// A copy with every byte that starts no well-formed character replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view s);
// How many of s's first max_bytes bytes to keep so that no character is cut in two.
size_t utf8_prefix(std::string_view s, size_t max_bytes);
// A name taken from input, fit to quote in a message: at most max_bytes, cut between
// characters, control characters (NUL included) shown as '?'.
std::string quoted_name(std::string_view s, size_t max_bytes);
}  // namespace slotguard
