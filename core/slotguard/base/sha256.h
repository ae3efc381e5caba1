// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small and dependency-free, for
// webhook signatures and request fingerprints.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotguard {

using Digest256 = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  Digest256 finish();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

Digest256 sha256(std::string_view bytes);
Digest256 hmac_sha256(std::string_view key, std::string_view message);
std::string to_hex(const uint8_t* bytes, size_t n);
inline std::string to_hex(const Digest256& d) { return to_hex(d.data(), d.size()); }
// Compares in time that depends only on the lengths, never on where bytes differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace slotguard
