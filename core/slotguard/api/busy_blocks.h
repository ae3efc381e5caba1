// Busy blocks, shared by the two ways one is written: the app's own PUT and DELETE of
// /v1/experts/{expert_id}/busy/{block_id} (experts_handler.cpp), and the calendar sync,
// which applies the blocks of a calendar feed (calendars_handler.cpp). Both go through
// commit_busy, so a block is one record, one index entry and one slot-ledger entry
// written in one transaction, whoever writes it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "slotguard/api/api_services.h"
#include "slotguard/base/http_types.h"
#include "slotguard/base/json.h"
#include "slotguard/base/task.h"
#include "slotguard/host/store_types.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard::api {

// Longer absences are availability overrides; a block this long touches 96 buckets.
inline constexpr int64_t kMaxBusyMs = kDayMs;

struct BusyBlock {
  std::string id;
  int64_t start = 0, end = 0;
};

void write_busy_block(JsonWriter& w, const BusyBlock& b);
// nullopt when the stored text is not a block (the store's fault).
std::optional<BusyBlock> busy_from_storage(std::string_view text, std::string id);

// A busy block's keys: its record and its entry in the ledger.
struct BusyKeys {
  std::string expert_id, block_id;
  std::string record, self;
};
BusyKeys busy_keys(std::string expert_id, std::string block_id);

// What a committed busy write changed: the block as it was (if it was), and the
// reservations a new block overlaps.
struct BusyWritten {
  std::optional<BusyBlock> old;
  std::vector<std::string> overlapping;
};
// Committed, or the answer saying why not: 404 busy_block_not_found (removing a block
// that is not there), 503 store_unavailable or contention.
using BusyResult = std::variant<BusyWritten, HttpResponse>;

// One transaction over the block's record and the ledger buckets of its old and new
// spans: replaces the block with `block`, or (`removing`) takes it out. `guard`, when
// its key is not empty, is one more check the commit makes (the calendar sync's feed
// list, so a feed removed meanwhile gets no block); a guard that keeps failing ends in
// contention.
// (A flag, not an optional block, and no default for the guard: g++ 12 mis-copies
// optional and defaulted coroutine arguments; callers without a guard pass a named
// empty KvCheck, never a braced temporary inside co_await.)
Co<BusyResult> commit_busy(ApiServices& s, BusyKeys k, BusyBlock block, bool removing, KvCheck guard);

}  // namespace slotguard::api
