#include "slotguard/booking/guest_holds.h"

#include "slotguard/base/json.h"

namespace slotguard {

// [[reservation id, expires_at], ...]; malformed items are skipped.
GuestHolds guest_holds_from_storage(std::string_view text) {
  GuestHolds g;
  if (text.empty()) return g;
  auto j = parse_json(text, 4);
  if (!j || !j->IsArray()) return g;
  g.holds.reserve(j->Size());
  for (const auto& item : j->GetArray()) {
    if (!item.IsArray() || item.Size() != 2) continue;
    const JsonValue* pair = item.Begin();
    auto expires = int_of(pair[1]);
    if (!pair[0].IsString() || !expires) continue;
    g.holds.push_back({std::string(string_of(pair[0])), *expires});
  }
  return g;
}

std::string guest_holds_to_storage(const GuestHolds& g) {
  JsonWriter w;
  w.array();
  for (const auto& h : g.holds) w.array().value(h.reservation_id).value(h.expires_at).end_array();
  w.end_array();
  return w.take();
}

int64_t other_active_holds(const GuestHolds& g, std::string_view reservation_id, int64_t now_ms) {
  int64_t n = 0;
  for (const auto& h : g.holds) n += h.reservation_id != reservation_id && h.expires_at > now_ms;
  return n;
}

GuestHolds guest_holds_after(const GuestHolds& g, const Reservation& after, int64_t now_ms) {
  GuestHolds out;
  for (const auto& h : g.holds)
    if (h.reservation_id != after.id && h.expires_at > now_ms) out.holds.push_back(h);
  // A series counts once, as its lead: the guest pays for it in one checkout.
  const bool counted = !after.in_series() || after.series_lead();
  if (counted && after.status == ReservationStatus::PendingPayment && after.expires_at > now_ms)
    out.holds.push_back({after.id, after.expires_at});
  return out;
}

}  // namespace slotguard
