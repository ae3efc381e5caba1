#include "slotguard/host/store_keys.h"

#include "slotguard/base/sha256.h"

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

std::string webhook_event_purge(int64_t purge_at, std::string_view event_id) {
  return std::string(kWebhookEventPurgePrefix) + padded(purge_at, 13) + "/" + std::string(event_id);
}
std::string expert_reservations_prefix(std::string_view expert_id) { return "exp/" + std::string(expert_id) + "/"; }
std::string expert_reservation(std::string_view expert_id, int64_t start, std::string_view rid) {
  return expert_reservations_prefix(expert_id) + padded(start, 13) + "/" + std::string(rid);
}
std::string expert_events_prefix(std::string_view expert_id) { return "evx/" + std::string(expert_id) + "/"; }
std::string expert_event(std::string_view expert_id, std::string_view event_id) {
  return expert_events_prefix(expert_id) + std::string(event_id);
}
// Hashed: store keys, unlike records, show up in store tooling and logs, so they carry
// no guest data. Lower-cased, because mail providers treat the address that way.
std::string guest_holds(std::string_view expert_id, std::string_view email) {
  std::string lower(email);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return "guest/" + std::string(expert_id) + "/" + to_hex(sha256(lower));
}
std::string notification(std::string_view rid, int64_t seq) { return "ntf/" + std::string(rid) + "/" + padded(seq, 6); }
std::string notification_queue(int64_t next_attempt_at, std::string_view rid, int64_t seq) {
  return std::string(kNotificationQueuePrefix) + padded(next_attempt_at, 13) + "/" + std::string(rid) + "/" +
         padded(seq, 6);
}
std::string purge(int64_t purge_at, std::string_view rid) {
  return std::string(kPurgePrefix) + padded(purge_at, 13) + "/" + std::string(rid);
}
std::string stripe_events_cursor() { return "evcursor"; }
std::string payouts(std::string_view expert_id) { return "payouts/" + std::string(expert_id); }
std::string pool_state(std::string_view event_id) { return "pool/" + std::string(event_id); }
std::string pack(std::string_view pack_id) { return "pack/" + std::string(pack_id); }
std::string pack_checkout_expiry(int64_t session_expires_at, std::string_view pack_id) {
  return std::string(kPackCheckoutExpiryPrefix) + padded(session_expires_at, 13) + "/" + std::string(pack_id);
}
std::string pack_purge(int64_t purge_at, std::string_view pack_id) {
  return std::string(kPackPurgePrefix) + padded(purge_at, 13) + "/" + std::string(pack_id);
}
std::string booking_counter(std::string_view expert_id, std::string_view day_or_week) {
  return "cap/" + std::string(expert_id) + "/" + std::string(day_or_week);
}
std::string payouts_account(std::string_view account_id) { return "payacct/" + std::string(account_id); }
std::string availability(std::string_view expert_id) { return "avail/" + std::string(expert_id); }
std::string busy_block(std::string_view expert_id, std::string_view block_id) {
  return "busy/" + std::string(expert_id) + "/" + std::string(block_id);
}
std::string calendars(std::string_view expert_id) { return std::string(kCalendarsPrefix).append(expert_id); }
std::string busy_index_prefix(std::string_view expert_id) { return "busyx/" + std::string(expert_id) + "/"; }
std::string busy_index(std::string_view expert_id, int64_t start, std::string_view block_id) {
  return busy_index_prefix(expert_id) + padded(start, 13) + "/" + std::string(block_id);
}
std::string prefix_end(std::string_view prefix) {
  // Keys are printable ASCII; '/'+1 = '0' and every prefix here ends in '/'.
  std::string end(prefix);
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

}  // namespace slotguard::keys
