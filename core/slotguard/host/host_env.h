// The synchronous host services: clock, randomness, logs. They never suspend a task.
// In wasm they are imports (wasm/slotguard_abi.h); natively, test doubles.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slotguard {

enum class LogLevel : int32_t { Debug = 0, Info = 1, Warn = 2, Error = 3 };

class HostEnv {
 public:
  virtual ~HostEnv() = default;
  virtual int64_t now_ms() = 0;
  // Must come from a cryptographically secure source: reservation ids are capabilities.
  virtual void random_bytes(uint8_t* out, size_t n) = 0;
  // One structured line (JSON object text). Never carries guest data (see docs).
  virtual void log(LogLevel level, std::string_view json_line) = 0;
};

}  // namespace slotguard
