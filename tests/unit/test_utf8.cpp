#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "slotguard/base/utf8.h"

using slotguard::is_valid_utf8;

namespace {

// Independent reference: the well-formed byte sequences table (Unicode 15, Table 3-7),
// rather than the decode-and-range-check approach the implementation uses.
bool reference_valid(const std::string& s) {
  struct Row { unsigned lo, hi, b2lo, b2hi; int len; };
  static const Row rows[] = {
      {0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
      {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
      {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
  };
  size_t i = 0;
  while (i < s.size()) {
    const unsigned c = static_cast<unsigned char>(s[i]);
    const Row* row = nullptr;
    for (const Row& r : rows)
      if (c >= r.lo && c <= r.hi) row = &r;
    if (!row || s.size() - i < size_t(row->len)) return false;
    for (int k = 1; k < row->len; ++k) {
      const unsigned b = static_cast<unsigned char>(s[i + k]);
      const unsigned lo = k == 1 ? row->b2lo : 0x80, hi = k == 1 ? row->b2hi : 0xBF;
      if (b < lo || b > hi) return false;
    }
    i += row->len;
  }
  return true;
}

std::string b(std::initializer_list<int> v) {
  std::string s;
  for (int c : v) s += char(c);
  return s;
}

}  // namespace

TEST_CASE("utf8: valid text", "[utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII ~!@#"));
  CHECK(is_valid_utf8(std::string("nul\0inside", 10)));
  CHECK(is_valid_utf8("\x7f"));
  CHECK(is_valid_utf8("caf\xC3\xA9"));                // U+00E9
  CHECK(is_valid_utf8(b({0xC2, 0x80})));              // U+0080, smallest 2-byte
  CHECK(is_valid_utf8(b({0xDF, 0xBF})));              // U+07FF
  CHECK(is_valid_utf8(b({0xE0, 0xA0, 0x80})));        // U+0800, smallest 3-byte
  CHECK(is_valid_utf8("\xE2\x82\xAC"));               // U+20AC euro
  CHECK(is_valid_utf8(b({0xED, 0x9F, 0xBF})));        // U+D7FF, just below surrogates
  CHECK(is_valid_utf8(b({0xEE, 0x80, 0x80})));        // U+E000, just above surrogates
  CHECK(is_valid_utf8(b({0xEF, 0xBF, 0xBF})));        // U+FFFF
  CHECK(is_valid_utf8(b({0xEF, 0xBB, 0xBF})));        // BOM
  CHECK(is_valid_utf8(b({0xF0, 0x90, 0x80, 0x80})));  // U+10000, smallest 4-byte
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));           // U+1F600
  CHECK(is_valid_utf8(b({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF, the maximum
  CHECK(is_valid_utf8("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E and \xD0\x9F\xD1\x80"));
}

TEST_CASE("utf8: invalid text", "[utf8]") {
  // Overlong encodings.
  CHECK_FALSE(is_valid_utf8(b({0xC0, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xC0, 0xAF})));
  CHECK_FALSE(is_valid_utf8(b({0xC1, 0xBF})));
  CHECK_FALSE(is_valid_utf8(b({0xE0, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xE0, 0x9F, 0xBF})));
  CHECK_FALSE(is_valid_utf8(b({0xF0, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xF0, 0x8F, 0xBF, 0xBF})));
  // Surrogates.
  CHECK_FALSE(is_valid_utf8(b({0xED, 0xA0, 0x80})));  // U+D800
  CHECK_FALSE(is_valid_utf8(b({0xED, 0xBF, 0xBF})));  // U+DFFF
  CHECK_FALSE(is_valid_utf8(b({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));  // CESU-8 pair
  // Beyond U+10FFFF and never-valid lead bytes.
  CHECK_FALSE(is_valid_utf8(b({0xF4, 0x90, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xF5, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xF7, 0xBF, 0xBF, 0xBF})));
  CHECK_FALSE(is_valid_utf8(b({0xF8, 0x88, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xFE})));
  CHECK_FALSE(is_valid_utf8(b({0xFF})));
  // Stray continuation bytes.
  CHECK_FALSE(is_valid_utf8(b({0x80})));
  CHECK_FALSE(is_valid_utf8(b({0xBF})));
  CHECK_FALSE(is_valid_utf8(b({0x41, 0x80, 0x41})));
  CHECK_FALSE(is_valid_utf8(b({0xC3, 0xA9, 0xA9})));
  // Truncated sequences, at the end and mid-string.
  CHECK_FALSE(is_valid_utf8(b({0xC3})));
  CHECK_FALSE(is_valid_utf8(b({0xE2, 0x82})));
  CHECK_FALSE(is_valid_utf8(b({0xF0, 0x9F, 0x98})));
  CHECK_FALSE(is_valid_utf8(b({0x61, 0xF0, 0x9F})));
  CHECK_FALSE(is_valid_utf8(b({0xC3, 0x41})));
  CHECK_FALSE(is_valid_utf8(b({0xE2, 0x28, 0xA1})));
  CHECK_FALSE(is_valid_utf8(b({0xE2, 0x82, 0x41})));
  CHECK_FALSE(is_valid_utf8(b({0xF0, 0x9F, 0x98, 0x41})));
  CHECK_FALSE(is_valid_utf8(b({0xF0, 0x9F, 0xC3, 0xA9})));
}

TEST_CASE("utf8: every code point encodes to valid UTF-8 except surrogates", "[utf8]") {
  int wrong = 0;
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    std::string s;
    if (cp < 0x80) {
      s = b({int(cp)});
    } else if (cp < 0x800) {
      s = b({int(0xC0 | cp >> 6), int(0x80 | (cp & 0x3F))});
    } else if (cp < 0x10000) {
      s = b({int(0xE0 | cp >> 12), int(0x80 | (cp >> 6 & 0x3F)), int(0x80 | (cp & 0x3F))});
    } else {
      s = b({int(0xF0 | cp >> 18), int(0x80 | (cp >> 12 & 0x3F)), int(0x80 | (cp >> 6 & 0x3F)),
             int(0x80 | (cp & 0x3F))});
    }
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    wrong += is_valid_utf8(s) == surrogate;
    // Dropping the last byte of a multi-byte sequence must always fail.
    if (s.size() > 1) wrong += is_valid_utf8(s.substr(0, s.size() - 1));
  }
  CHECK(wrong == 0);
}

TEST_CASE("utf8: agrees with the Unicode table on all short strings", "[utf8]") {
  int wrong = 0;
  std::string s;
  for (int len = 1; len <= 3; ++len) {
    s.assign(size_t(len), '\0');
    for (uint32_t v = 0; v < (1u << (8 * len)); ++v) {
      for (int k = 0; k < len; ++k) s[size_t(k)] = char(v >> (8 * (len - 1 - k)));
      // For three bytes, only multi-byte leads add anything new (an ASCII or stray lead is
      // the shorter cases again); skipping the rest keeps the sweep at 4M strings.
      if (len == 3 && static_cast<unsigned char>(s[0]) < 0xC0) continue;
      wrong += is_valid_utf8(s) != reference_valid(s);
    }
  }
  // Four bytes: all first/second byte pairs, with interesting tail bytes.
  const int tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xC3, 0xF0, 0xFF};
  s.assign(4, '\0');
  for (int b0 = 0; b0 < 256; ++b0)
    for (int b1 = 0; b1 < 256; ++b1)
      for (int b2 : tails)
        for (int b3 : tails) {
          s[0] = char(b0), s[1] = char(b1), s[2] = char(b2), s[3] = char(b3);
          wrong += is_valid_utf8(s) != reference_valid(s);
        }
  CHECK(wrong == 0);
}
