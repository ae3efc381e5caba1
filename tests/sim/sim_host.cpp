#include "sim_host.h"

#include <cstdio>

namespace slotguard::native {

void SimHost::random_bytes(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    out[i] = static_cast<uint8_t>((state_ * 0x2545F4914F6CDD1DULL) >> 56);
  }
}

void SimHost::log(LogLevel level, std::string_view line) {
  logs_.emplace_back(line);
  if (echo) std::fprintf(stderr, "[%d] %.*s\n", static_cast<int>(level), static_cast<int>(line.size()), line.data());
}

}  // namespace slotguard::native
