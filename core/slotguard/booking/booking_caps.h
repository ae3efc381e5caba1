// Booking caps: at most N bookings a day, or a week, per expert and per event type.
//
// A cap is a count over a day, which the slot ledger cannot see (its buckets only know
// overlaps). So a booking that a cap applies to also writes an entry into one counter
// key for its local day and one for its ISO week (Monday to Sunday, in the expert's
// time zone; UTC for an expert without working hours), in the same commit as its
// ledger entry and with the same expiry. A hold counts what it read there and its
// commit is checked against the counters' versions, so concurrent holds, series and
// moves never pass a cap. An entry lapses with its hold and leaves with its release, as
// the ledger's does; a move within one day keeps its one entry, so it never counts twice.
//
// A cap counts the bookings held while a cap applied to them: bookings made before the
// first cap was set write no entries, and do not count.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/booking/availability.h"
#include "slotguard/booking/booking_limits.h"
#include "slotguard/host/store_client.h"

namespace slotguard {

// The counter keys a booking of `expert_id` starting at start_ms is counted in: its
// local day's, then its ISO week's. `hours` null: the UTC day and week.
std::vector<std::string> counter_keys(std::string_view expert_id, const Availability* hours, int64_t start_ms);

// One counted booking: its reservation, its event type, and until when it counts
// (0: until it is released, like a ledger entry).
struct CountEntry {
  std::string rid, event_id;
  int64_t expires = 0;
  bool operator==(const CountEntry&) const = default;
};
std::optional<std::vector<CountEntry>> decode_counter(std::string_view value);
std::string encode_counter(const std::vector<CountEntry>& entries);

enum class CapReached { None, Day, Week, Unreadable };

// Whether one more booking of `event_id` (reservation `self`, not counted against
// itself) passes the caps, given the counters read at `keys` (counter_keys' order) in
// `snapshot`: the event type's caps count its own bookings, the expert's count all.
CapReached cap_reached(const ReadResult& snapshot, const std::vector<std::string>& keys, const BookingLimits& event_caps,
                       const BookingLimits& expert_caps, std::string_view event_id, std::string_view self, int64_t now);

// The commit's part for one counter key: `self` leaves it, and comes back as `entry`
// when given. Inactive entries are pruned on the way. False when the value is unreadable.
bool plan_counter_update(const KvItem& item, std::string_view self, const std::optional<CountEntry>& entry, int64_t now,
                         std::vector<KvMutation>& mutations);

}  // namespace slotguard
