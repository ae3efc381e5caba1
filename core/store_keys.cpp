#include "store_keys.h"

#include "sha256.h"

namespace slotguard::keys {

std::string padded(int64_t v, int width) {
  if (v < 0) v = 0;
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

std::string event(std::string_view id) { return "event/" + std::string(id); }
std::string reservation(std::string_view id) { return "rsv/" + std::string(id); }
std::string session_index(std::string_view id) { return "cs/" + std::string(id); }
std::string payment_intent_index(std::string_view id) { return "pi/" + std::string(id); }
// Hashed so any client-chosen key (up to 255 bytes, any characters) maps to a short,
// safe store key.
std::string idempotency(std::string_view client_key) { return "idem/" + to_hex(sha256(client_key)); }
std::string slot_prefix(std::string_view expert_id) { return "slot/" + std::string(expert_id) + "/"; }
std::string slot_bucket(std::string_view expert_id, int64_t bucket) { return slot_prefix(expert_id) + padded(bucket, 10); }
std::string hold(int64_t expires_at, std::string_view rid) {
  return std::string(kHoldPrefix) + padded(expires_at, 13) + "/" + std::string(rid);
}
std::string webhook_event(std::string_view id) { return "whevt/" + std::string(id); }
std::string unlinked(int64_t created_at, std::string_view rid) {
  return std::string(kUnlinkedPrefix) + padded(created_at, 13) + "/" + std::string(rid);
}
std::string refund_queue(int64_t next_attempt_at, std::string_view rid) {
  return std::string(kRefundQueuePrefix) + padded(next_attempt_at, 13) + "/" + std::string(rid);
}

}  // namespace slotguard::keys
