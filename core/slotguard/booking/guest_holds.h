// A guest's unpaid holds with one expert. Without a limit, anyone could hold every
// slot of an expert for the length of a checkout, again and again. The limit
// (Config::max_active_holds_per_guest) must hold under concurrency, so the list of a
// guest's holds is one record that run_reservation_txn reads with the reservation and
// commits, conditional on its version, whenever the list changes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/booking/domain.h"

namespace slotguard {

struct GuestHolds {
  struct Hold {
    std::string reservation_id;
    int64_t expires_at = 0;
    bool operator==(const Hold&) const = default;
  };
  std::vector<Hold> holds;
  bool operator==(const GuestHolds&) const = default;
};

// An absent record is an empty list. An unreadable one is treated as empty too: the
// limit guards against abuse, not money, and the next write repairs it.
GuestHolds guest_holds_from_storage(std::string_view text);
std::string guest_holds_to_storage(const GuestHolds& g);

// Holds of the list that still block a slot at `now`, other than `reservation_id`.
int64_t other_active_holds(const GuestHolds& g, std::string_view reservation_id, int64_t now_ms);

// The list after `after` was decided: lapsed holds dropped, and `after` listed while
// it is an unpaid hold (a series listed once, as its lead).
GuestHolds guest_holds_after(const GuestHolds& g, const Reservation& after, int64_t now_ms);

}  // namespace slotguard
