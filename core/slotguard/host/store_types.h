// The store port's vocabulary: what the core asks of a transactional KV store.
//
// Contract (every backend implements it atomically):
//   read(keys)              -> each key's value and version, from one consistent snapshot.
//                              Version 0 means "absent". Versions of a key only grow.
//   list(start, end, limit, after)
//                           -> keys k with start <= k < end (bytewise order) and k > after,
//                              ascending, at most `limit`; `more` says whether keys remain.
//   commit(checks, mutations)
//                           -> Committed: every check held and every mutation applied.
//                              Conflict: some check failed and nothing was written.
//   A check says "key has version V" (V > 0) or "key is absent" (V == 0).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slotguard {

struct KvItem {
  std::string key;
  std::string value;   // empty when absent
  uint64_t version = 0;  // 0 = absent
  bool present() const { return version != 0; }
};

struct KvCheck {
  std::string key;
  uint64_t version = 0;  // 0 = must be absent
};

struct KvMutation {
  enum class Op { Set, Delete };
  Op op = Op::Set;
  std::string key;
  std::string value;  // for Set
};

struct KvListResult {
  std::vector<KvItem> items;
  bool more = false;
};

enum class CommitOutcome { Committed, Conflict };

}  // namespace slotguard
