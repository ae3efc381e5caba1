#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "slotguard/base/sha256.h"

using slotguard::constant_time_equal;
using slotguard::hmac_sha256;
using slotguard::Sha256;
using slotguard::sha256;
using slotguard::to_hex;

namespace {
std::string hex_sha(const std::string& s) { return to_hex(sha256(s)); }
std::string hex_hmac(const std::string& k, const std::string& m) {
  return to_hex(hmac_sha256(k, m));
}
std::string bytes(int from, int to) {  // inclusive range of byte values
  std::string s;
  for (int b = from; b <= to; ++b) s += char(b);
  return s;
}
}  // namespace

TEST_CASE("sha256: FIPS 180-4 example vectors", "[sha256]") {
  CHECK(hex_sha("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex_sha("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(hex_sha(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: streaming matches one-shot for every split", "[sha256]") {
  // 0..200 bytes crosses the 55/56/64-byte padding edges and multi-block buffering.
  std::string msg;
  for (int i = 0; i < 200; ++i) msg += char(i * 37 + 11);
  for (size_t len = 0; len <= msg.size(); ++len) {
    const std::string m = msg.substr(0, len);
    const auto want = sha256(m);
    for (size_t cut = 0; cut <= len; cut += 7) {
      Sha256 h;
      h.update(m.substr(0, cut));
      h.update("");
      h.update(m.substr(cut));
      CHECK(h.finish() == want);
    }
  }
  // Byte-at-a-time over the million-'a' vector.
  Sha256 h;
  for (int i = 0; i < 1000000; ++i) h.update("a");
  CHECK(to_hex(h.finish()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: finish resets the hasher", "[sha256]") {
  Sha256 h;
  h.update("ignored");
  (void)h.finish();
  h.update("abc");
  CHECK(to_hex(h.finish()) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hmac-sha256: RFC 4231 test cases", "[sha256][hmac]") {
  SECTION("1") {
    CHECK(hex_hmac(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }
  SECTION("2: key shorter than output") {
    CHECK(hex_hmac("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SECTION("3") {
    CHECK(hex_hmac(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  }
  SECTION("4") {
    CHECK(hex_hmac(bytes(0x01, 0x19), std::string(50, '\xcd')) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  }
  SECTION("5: truncated to 128 bits") {
    CHECK(hex_hmac(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) ==
          "a3b6167473100ee06e0c796c2955552b");
  }
  SECTION("6: key larger than block size") {
    CHECK(hex_hmac(std::string(131, '\xaa'),
                   "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
  SECTION("7: key and data larger than block size") {
    CHECK(hex_hmac(std::string(131, '\xaa'),
                   "This is a test using a larger than block-size key and a larger than "
                   "block-size data. The key needs to be hashed before being used by the "
                   "HMAC algorithm.") ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
}

TEST_CASE("hmac-sha256: key length edges", "[sha256][hmac]") {
  CHECK(hex_hmac("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  // 64 bytes is used as-is; 65 is hashed first.
  CHECK(hex_hmac(std::string(64, 'k'), "msg") ==
        "d62ad25bb128e96ab6ef43464aaf2bb91b5b85f013381e9ba6be747e8d0911b2");
  CHECK(hex_hmac(std::string(65, 'k'), "msg") ==
        "c65585780e821bd312cfaa440c33cb28d6af6b323d4977ae83934834ce589e38");
  // A long key is equivalent to its digest as the key.
  const std::string long_key(100, 'z');
  const auto d = sha256(long_key);
  CHECK(hmac_sha256(long_key, "m") ==
        hmac_sha256(std::string(reinterpret_cast<const char*>(d.data()), d.size()), "m"));
}

TEST_CASE("to_hex", "[sha256]") {
  const uint8_t b[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  CHECK(to_hex(b, sizeof b) == "00017f80abff");
  CHECK(to_hex(b, 0) == "");
}

TEST_CASE("constant_time_equal", "[sha256]") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "xbc"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("", "a"));
  CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  // Every single-bit flip at every position is detected.
  const std::string sig = hex_hmac("key", "payload");
  CHECK(constant_time_equal(sig, hex_hmac("key", "payload")));
  int missed = 0;
  for (size_t i = 0; i < sig.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = sig;
      t[i] = char(t[i] ^ (1 << bit));
      missed += constant_time_equal(sig, t);
    }
  CHECK(missed == 0);
}
