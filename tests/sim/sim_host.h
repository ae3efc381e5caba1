// Deterministic clock, randomness and log capture for native runs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "slotguard/host/host_env.h"

namespace slotguard::native {

class SimHost : public HostEnv {
 public:
  explicit SimHost(uint64_t seed = 1, int64_t start_ms = 1'893'456'000'000 /* 2030-01-01 */)
      : state_(seed ? seed : 1), now_(start_ms) {}
  int64_t now_ms() override { return now_; }
  void advance(int64_t ms) { now_ += ms; }
  void set_now(int64_t ms) { now_ = ms; }
  // xorshift64*: deterministic per seed. Production hosts use a CSPRNG.
  void random_bytes(uint8_t* out, size_t n) override;
  void log(LogLevel level, std::string_view line) override;
  const std::vector<std::string>& logs() const { return logs_; }
  bool echo = false;  // print logs to stderr

 private:
  uint64_t state_;
  int64_t now_;
  std::vector<std::string> logs_;
};

}  // namespace slotguard::native
