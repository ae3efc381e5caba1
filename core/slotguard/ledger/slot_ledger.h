// The slot ledger: how "no two active overlapping reservations per expert" becomes
// something an optimistic KV store can enforce.
//
// Time is cut into 15-minute buckets per expert (key slot/<expert>/<bucket>). A
// reservation's blocked span is written as an entry into every bucket it touches.
// Two spans that overlap share an instant t, and t lies in one bucket that both
// spans touch; both writers read that bucket and commit with a check on its
// version, so at most one of them commits. Spans that do not overlap touch
// different buckets unless they meet inside one 15-minute window, so requests for
// non-overlapping slots rarely make each other retry.
//
// Two kinds of entry share a bucket with reservations. A busy block (an event in the
// expert's other calendars) is an entry that never expires and conflicts with
// everything. A seated reservation carries its seat group (event type and start) and
// the group's size: up to that many entries of one group may overlap each other, and
// nothing else may overlap any of them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slotguard/booking/schedule_rules.h"
#include "slotguard/host/store_types.h"

namespace slotguard {

constexpr int64_t kBucketMs = 15 * 60'000;

struct LedgerEntry {
  LedgerEntry() = default;
  LedgerEntry(std::string id, int64_t span_start, int64_t span_end, int64_t expires_at, std::string seat_group = {},
              int64_t group_seats = 1)
      : rid(std::move(id)), start(span_start), end(span_end), expires(expires_at), group(std::move(seat_group)),
        seats(group_seats) {}
  std::string rid;      // a reservation id, or busy_entry_id(block id)
  int64_t start = 0, end = 0;
  int64_t expires = 0;  // 0: confirmed (or busy), never expires
  std::string group;    // seated: entries of one group may share up to `seats` places
  int64_t seats = 1;
  bool active_at(int64_t now) const { return expires == 0 || expires > now; }
};

// What a writer claims: its own id, and the seat group it may share (empty: none).
struct Claim {
  Claim() = default;
  explicit Claim(std::string_view self_id, std::string_view seat_group = {}, int64_t group_seats = 1,
                 bool busy_ignored = false)
      : self(self_id), group(seat_group), seats(group_seats), ignore_busy(busy_ignored) {}
  std::string_view self;
  std::string_view group;
  int64_t seats = 1;
  // A reservation that already holds its span keeps it when a busy block is laid over
  // it later: the block was stored knowing (its answer named the reservation), and the
  // app decides. Busy blocks then do not count against it.
  bool ignore_busy = false;
};

// The ledger id of a busy block: never a reservation id (those start with "rsv_").
std::string busy_entry_id(std::string_view block_id);

// "<event_id>@<start ms>" for events with more than one seat; empty otherwise.
std::string seat_group(std::string_view event_id, int64_t start_ms, int64_t seats);

std::vector<std::string> bucket_keys(std::string_view expert_id, Span span);
// The first and one-past-last bucket index a span touches.
int64_t first_bucket(Span span);
int64_t end_bucket(Span span);

std::optional<std::vector<LedgerEntry>> decode_bucket(std::string_view value);
std::string encode_bucket(const std::vector<LedgerEntry>& entries);

// All entries of a set of buckets, decoded once; nullopt if any bucket is unreadable.
std::optional<std::vector<LedgerEntry>> decode_buckets(const std::vector<KvItem>& buckets);
// Whether `span` is taken for the claim: it overlaps an active entry of another
// group (or any other entry, for a claim without a group), or the claim's group
// already fills its seats there. Entries of the claim's own id never count.
bool span_taken_by(const std::vector<LedgerEntry>& entries, Span span, int64_t now, const Claim& claim);
// Other active entries of the claim's group that overlap `span` (seats taken).
int64_t seats_taken(const std::vector<LedgerEntry>& entries, Span span, int64_t now, const Claim& claim);

// span_taken_by over raw buckets. Returns nullopt when a bucket cannot be decoded (a
// store answer we must not trust).
std::optional<bool> span_taken(const std::vector<KvItem>& buckets, Span span, int64_t now, const Claim& claim);

// Checks and mutations that leave `self` in the ledger as `entry` (or absent, when
// entry is nullopt), pruning inactive entries on the way. `buckets` may cover more
// than the entry's span (a reschedule reads the old span's buckets too): the entry
// goes into exactly the buckets its span touches and leaves every other one. Every
// bucket read is checked, so the commit fails if anyone touched those buckets
// meanwhile. What the entry may overlap is `mode`.
enum class LedgerWrite {
  Exclusive,     // a hold or a move: nothing may overlap it beyond its seat group
  KeepsItsPlace, // a reservation that already holds its span: busy blocks laid over it do not count
  MayOverlap,    // a busy block: the outside event happened, whatever is there
};
// `ledgers`: how many experts' buckets `buckets` holds (a collective meeting blocks
// each member's): the entry lands in the span's buckets of every one.
bool plan_ledger_update(const std::vector<KvItem>& buckets, std::string_view self,
                        const std::optional<LedgerEntry>& entry, int64_t now,
                        std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations,
                        LedgerWrite mode = LedgerWrite::Exclusive, int64_t ledgers = 1);

// The bucket keys of two spans together, in key order, each once.
std::vector<std::string> bucket_keys_of_both(std::string_view expert_id, Span a, Span b);

}  // namespace slotguard
