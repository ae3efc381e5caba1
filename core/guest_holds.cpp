#include "guest_holds.h"

#include "json.h"

namespace slotguard {

GuestHolds guest_holds_from_storage(std::string_view text) {
  GuestHolds g;
  if (text.empty()) return g;
  auto j = parse_json(text, 4);
  if (!j || !j->is_array()) return g;
  for (const auto& item : *j) {
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_number_integer()) continue;
    g.holds.push_back({item[0].get<std::string>(), item[1].get<int64_t>()});
  }
  return g;
}

std::string guest_holds_to_storage(const GuestHolds& g) {
  Json j = Json::array();
  for (const auto& h : g.holds) j.push_back(Json::array({h.reservation_id, h.expires_at}));
  return dump_json(j);
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
  if (after.status == ReservationStatus::PendingPayment && after.expires_at > now_ms)
    out.holds.push_back({after.id, after.expires_at});
  return out;
}

}  // namespace slotguard
