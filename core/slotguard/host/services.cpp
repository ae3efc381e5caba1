#include "slotguard/host/services.h"

#include "slotguard/base/sha256.h"

namespace slotguard {

void Services::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  JsonWriter line;
  line.object().field("event", event);
  for (const LogField& f : fields) {
    line.key(f.key);
    switch (f.kind) {
      case LogField::Kind::String: line.value(f.text); break;
      case LogField::Kind::Int: line.value(f.number); break;
      case LogField::Kind::Bool: line.value(f.number != 0); break;
      case LogField::Kind::Null: line.value(nullptr); break;
    }
  }
  env.log(level, line.end_object().take());
}

std::string Services::time_ordered_id(std::string_view prefix) {
  const auto ms = static_cast<uint64_t>(now());
  uint8_t time_bytes[6];
  for (int i = 0; i < 6; ++i) time_bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  return random_id(std::string(prefix) + to_hex(time_bytes, sizeof time_bytes));
}

std::string Services::random_id(std::string_view prefix, size_t bytes) {
  uint8_t buf[32];
  if (bytes > sizeof buf) bytes = sizeof buf;
  env.random_bytes(buf, bytes);
  return std::string(prefix) + to_hex(buf, bytes);
}

}  // namespace slotguard
