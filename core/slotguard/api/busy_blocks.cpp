// Busy blocks' storage and their one transaction (busy_blocks.h).
#include "slotguard/api/busy_blocks.h"

#include <algorithm>

#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/ledger/slot_ledger.h"

namespace slotguard::api {

namespace {

constexpr int kMaxAttempts = 8;

std::string busy_to_storage(const BusyBlock& b) {
  JsonWriter w;
  return w.object().field("start", b.start).field("end", b.end).end_object().take();
}

// The buckets of the block's old span, its new one, or both.
std::vector<std::string> busy_buckets(const std::string& expert_id, const std::optional<BusyBlock>& old,
                                      const std::optional<BusyBlock>& wanted) {
  if (old && wanted) return bucket_keys_of_both(expert_id, {old->start, old->end}, {wanted->start, wanted->end});
  if (old) return bucket_keys(expert_id, {old->start, old->end});
  return bucket_keys(expert_id, {wanted->start, wanted->end});
}

// The ledger entry and the record with its index: set to `wanted`, or (absent) removed.
// False when the ledger's buckets cannot be planned.
bool plan_busy_writes(const BusyKeys& k, const std::optional<BusyBlock>& old, const std::optional<BusyBlock>& wanted,
                      const std::vector<KvItem>& buckets, int64_t now, std::vector<KvCheck>& checks,
                      std::vector<KvMutation>& writes) {
  std::optional<LedgerEntry> entry;
  if (wanted) entry = LedgerEntry{k.self, wanted->start, wanted->end, 0};
  if (!plan_ledger_update(buckets, k.self, entry, now, checks, writes, LedgerWrite::MayOverlap)) return false;
  if (old) writes.push_back({KvMutation::Op::Delete, keys::busy_index(k.expert_id, old->start, k.block_id), {}});
  if (!wanted) {
    writes.push_back({KvMutation::Op::Delete, k.record, {}});
    return true;
  }
  writes.push_back({KvMutation::Op::Set, k.record, busy_to_storage(*wanted)});
  writes.push_back({KvMutation::Op::Set, keys::busy_index(k.expert_id, wanted->start, k.block_id), k.block_id});
  return true;
}

// Reservations the block overlaps: it is stored anyway; the app decides what to do.
// Nothing when a bucket cannot be read.
std::optional<std::vector<std::string>> overlapping_reservations(const std::vector<KvItem>& buckets, const BusyKeys& k,
                                                                 const BusyBlock& wanted, int64_t now) {
  auto entries = decode_buckets(buckets);
  if (!entries) return std::nullopt;
  std::vector<std::string> overlapping;
  for (const auto& e : *entries) {
    if (e.rid == k.self || e.rid.rfind("busy:", 0) == 0 || !e.active_at(now)) continue;
    if (!overlaps({e.start, e.end}, {wanted.start, wanted.end})) continue;
    if (std::find(overlapping.begin(), overlapping.end(), e.rid) != overlapping.end()) continue;
    overlapping.push_back(e.rid);
  }
  return overlapping;
}

// What a committed busy write changed: the block as it was (if it was), and the
}  // namespace

void write_busy_block(JsonWriter& w, const BusyBlock& b) {
  w.object().field("id", b.id).field("start", format_rfc3339(b.start)).field("end", format_rfc3339(b.end)).end_object();
}

std::optional<BusyBlock> busy_from_storage(std::string_view text, std::string id) {
  auto j = parse_json(text, 4);
  if (!j) return std::nullopt;
  auto s = get_int(*j, "start"), e = get_int(*j, "end");
  if (!s || !e || *s >= *e) return std::nullopt;
  return BusyBlock{std::move(id), *s, *e};
}

BusyKeys busy_keys(std::string expert_id, std::string block_id) {
  BusyKeys k;
  k.record = keys::busy_block(expert_id, block_id);
  k.self = busy_entry_id(block_id);
  k.expert_id = std::move(expert_id);
  k.block_id = std::move(block_id);
  return k;
}

Co<BusyResult> commit_busy(ApiServices& s, BusyKeys k, BusyBlock block, bool removing, KvCheck guard) {
  const std::optional<BusyBlock> wanted = removing ? std::nullopt : std::optional<BusyBlock>(block);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ReadResult first = co_await s.store.read_one(k.record);
    if (first.status != StoreStatus::Ok) co_return store_unavailable();
    std::optional<BusyBlock> old;
    if (first.items[0].present()) {
      old = busy_from_storage(first.items[0].value, k.block_id);
      if (!old) co_return store_unavailable();
    }
    if (!wanted && !old) co_return not_found(ErrorCode::busy_block_not_found);
    std::vector<std::string> read_keys{k.record};
    for (auto& bucket : busy_buckets(k.expert_id, old, wanted)) read_keys.push_back(std::move(bucket));
    ReadResult snap = co_await s.store.read(read_keys);
    if (snap.status != StoreStatus::Ok) co_return store_unavailable();
    if (snap.items[0].version != first.items[0].version) continue;  // changed between the reads
    std::vector<KvItem> buckets(snap.items.begin() + 1, snap.items.end());
    const int64_t now = s.now();
    std::vector<KvCheck> checks{{k.record, snap.items[0].version}};
    if (!guard.key.empty()) checks.push_back(guard);
    std::vector<KvMutation> writes;
    if (!plan_busy_writes(k, old, wanted, buckets, now, checks, writes)) co_return store_unavailable();
    BusyWritten done{old, {}};
    if (wanted) {
      auto overlapping = overlapping_reservations(buckets, k, *wanted, now);
      if (!overlapping) co_return store_unavailable();
      done.overlapping = std::move(*overlapping);
    }
    StoreStatus st = co_await s.store.commit(std::move(checks), std::move(writes));
    if (st == StoreStatus::Error) co_return store_unavailable();
    if (st == StoreStatus::Ok) co_return done;
    s.metrics.add(Metric::store_commit_retries_total);
  }
  co_return contention();
}

}  // namespace slotguard::api
