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
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule_rules.h"
#include "store_types.h"

namespace slotguard {

constexpr int64_t kBucketMs = 15 * 60'000;

struct LedgerEntry {
  std::string rid;
  int64_t start = 0, end = 0;
  int64_t expires = 0;  // 0: confirmed, never expires
  bool active_at(int64_t now) const { return expires == 0 || expires > now; }
};

std::vector<std::string> bucket_keys(std::string_view expert_id, Span span);
// The first and one-past-last bucket index a span touches.
int64_t first_bucket(Span span);
int64_t end_bucket(Span span);

std::optional<std::vector<LedgerEntry>> decode_bucket(std::string_view value);
std::string encode_bucket(const std::vector<LedgerEntry>& entries);

// All entries of a set of buckets, decoded once; nullopt if any bucket is unreadable.
std::optional<std::vector<LedgerEntry>> decode_buckets(const std::vector<KvItem>& buckets);
bool span_taken_by(const std::vector<LedgerEntry>& entries, Span span, int64_t now, std::string_view self);

// Whether `span` overlaps an active entry of another reservation than `self`.
// Returns nullopt when a bucket cannot be decoded (a store answer we must not trust).
std::optional<bool> span_taken(const std::vector<KvItem>& buckets, Span span, int64_t now, std::string_view self);

// Checks and mutations that leave `self` in the ledger as `entry` (or absent, when
// entry is nullopt), pruning inactive entries on the way. Every bucket read is
// checked, so the commit fails if anyone touched those buckets meanwhile.
bool plan_ledger_update(const std::vector<KvItem>& buckets, std::string_view self,
                        const std::optional<LedgerEntry>& entry, int64_t now,
                        std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations);

}  // namespace slotguard
