#include "services.h"

#include "sha256.h"

namespace slotguard {

void Services::log(LogLevel level, std::string_view event, std::string_view fields) {
  std::string line = "{\"event\":\"";
  line += event;
  line += '"';
  if (!fields.empty()) {
    line += ',';
    line += fields;
  }
  line += '}';
  env.log(level, line);
}

std::string Services::random_id(std::string_view prefix, size_t bytes) {
  uint8_t buf[32];
  if (bytes > sizeof buf) bytes = sizeof buf;
  env.random_bytes(buf, bytes);
  return std::string(prefix) + to_hex(buf, bytes);
}

}  // namespace slotguard
