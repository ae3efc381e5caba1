#include "services.h"

#include "sha256.h"

namespace slotguard {

void Services::log(LogLevel level, std::string_view event, Json fields) {
  Json line = Json::object();
  line["event"] = event;
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  env.log(level, dump_json(line));
}

std::string Services::random_id(std::string_view prefix, size_t bytes) {
  uint8_t buf[32];
  if (bytes > sizeof buf) bytes = sizeof buf;
  env.random_bytes(buf, bytes);
  return std::string(prefix) + to_hex(buf, bytes);
}

}  // namespace slotguard
