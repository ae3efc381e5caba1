// The fuzz targets' store: the memory store's semantics (host-shims/native/
// memory_store.cpp: one global commit counter, bytewise key order, checks validated
// before anything is written) plus what a fuzzer needs to reuse one seeded world for
// every input:
//   - restore(): back to the baseline (the seeded state) in time proportional to the
//     keys written since, instead of copying the whole store per input;
//   - a watch: did anything change since watch()? Answered exactly (value and version
//     of every key, as comparing two full snapshots would) from the keys written since;
//   - each record's parsed form, kept beside it until the record is written again, so
//     the ledger check does not parse every reservation after every host call.
// Single-threaded: the fuzz targets drive one world from one thread.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/booking/domain.h"
#include "kv_store.h"
#include "slotguard/host/store_types.h"

namespace slotguard::fuzz {

class SnapshotStore final : public native::KvStore {
 public:
  // The baseline: `items` hold the versions they are given, the commit counter starts
  // at `counter`. `parse` reads the records under `parsed_prefix` (the reservations).
  SnapshotStore(const std::vector<KvItem>& items, uint64_t counter, std::string parsed_prefix,
                std::function<std::optional<Reservation>(std::string_view)> parse);

  std::optional<std::vector<KvItem>> read(const std::vector<std::string>& keys) override;
  std::optional<KvListResult> list(std::string_view start, std::string_view end, size_t limit,
                                   std::string_view after) override;
  std::optional<CommitOutcome> commit(const std::vector<KvCheck>& checks,
                                      const std::vector<KvMutation>& mutations) override;

  // Back to the baseline, exactly (values, versions, absent keys and the counter).
  void restore();
  // Whether the store is at its baseline (nothing written since the last restore()).
  bool at_baseline() const { return undo_.empty() && counter_ == base_counter_; }

  // Starts (or restarts) the watch; unchanged() says whether every key still has the
  // value and version it had then, i.e. whether snapshot-then-compare would find no
  // difference.
  void watch();
  bool unchanged() const;

  // Every record under the parsed prefix, in key order, with its parsed form (nullptr
  // when it does not parse), parsing only records written since they were last seen.
  template <typename F>
  void for_each_parsed(F&& f);

 private:
  struct Entry {
    std::string value;
    uint64_t version = 0;
    // The parsed record (prefix keys only), shared with the baseline's copy.
    mutable std::shared_ptr<const Reservation> parsed;
    mutable bool parse_tried = false;
  };
  using Map = std::map<std::string, Entry, std::less<>>;
  using Journal = std::map<std::string, std::optional<Entry>, std::less<>>;

  // Keeps the first earlier state of `key` in the journals, before a write.
  void remember(const std::string& key);
  const Entry* find(std::string_view key) const;

  Map data_;
  uint64_t counter_ = 0;
  uint64_t base_counter_ = 0;
  Journal undo_;   // since the baseline
  Journal watch_;  // since watch()
  bool watching_ = false;
  std::string prefix_;
  std::function<std::optional<Reservation>(std::string_view)> parse_;
};

template <typename F>
void SnapshotStore::for_each_parsed(F&& f) {
  // Keys are ASCII after the prefix, so this end bounds them all.
  const std::string end = prefix_ + "\x7f";
  for (auto it = data_.lower_bound(prefix_); it != data_.end() && it->first < end; ++it) {
    const Entry& e = it->second;
    if (!e.parse_tried) {
      if (auto r = parse_(e.value)) e.parsed = std::make_shared<const Reservation>(std::move(*r));
      e.parse_tried = true;
    }
    f(it->first, e.parsed.get());
  }
}

}  // namespace slotguard::fuzz
