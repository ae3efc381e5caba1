// Team pools: the order in which a pool's hold tries its members.
//
// round_robin: in turn, starting after the member the pool last gave a booking to.
// least_booked: the member this pool has given the fewest bookings first (ties in the
// pool's order). A hold tries the members in that order, each through the one
// reservation transaction, and takes the first that is free, offered and under its
// caps. The pool's state (keys::pool_state) is read before and checked and written in
// the hold's commit: holds of one pool commit one at a time, and one whose state moved
// meanwhile plans its order again, so a turn is never given twice or skipped by a race.
// A member seen busy by an earlier try may free up before a later member's commit:
// the booking then goes to the next in turn, never to a member who is taken.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/booking/domain.h"

namespace slotguard {

struct PoolState {
  std::string last;                       // the member the last booking went to
  std::map<std::string, int64_t> given;   // bookings given per member, ever
};

// Absent (empty text): a pool that has given nothing yet.
std::optional<PoolState> pool_state_from_storage(std::string_view text);
std::string pool_state_to_storage(const PoolState& state);

std::vector<std::string> turn_order(const PoolRule& pool, const PoolState& state);
PoolState after_giving(PoolState state, const std::string& expert);

}  // namespace slotguard
