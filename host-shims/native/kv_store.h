// Native implementations of the store port. Tests and the native example use these;
// the wasm hosts implement the same contract in JavaScript (see wasm/ABI.md).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/host/store_types.h"

namespace slotguard::native {

class KvStore {
 public:
  virtual ~KvStore() = default;
  // nullopt only when the backend itself failed (I/O error); never for absent keys.
  virtual std::optional<std::vector<KvItem>> read(const std::vector<std::string>& keys) = 0;
  virtual std::optional<KvListResult> list(std::string_view start, std::string_view end,
                                           size_t limit, std::string_view after) = 0;
  virtual std::optional<CommitOutcome> commit(const std::vector<KvCheck>& checks,
                                              const std::vector<KvMutation>& mutations) = 0;
};

// The contract's list over an ordered map of entries with `value` and `version`
// (std::map<std::string, Entry, std::less<>>): the memory store's, and that of any
// test store built on such a map.
template <class Map>
KvListResult list_ordered(const Map& data, std::string_view start, std::string_view end, size_t limit,
                          std::string_view after) {
  KvListResult result;
  // Both bounds are lower bounds: start is inclusive, after is exclusive, so begin at
  // whichever is the tighter of the two.
  auto it = data.lower_bound(start);
  if (after >= start) it = data.upper_bound(after);
  // std::string ordering uses char_traits<char>::compare, which is memcmp-like
  // (unsigned bytes), so this matches the contract's bytewise order.
  for (; it != data.end() && std::string_view(it->first) < end; ++it) {
    if (result.items.size() == limit) {
      result.more = true;
      break;
    }
    result.items.push_back(KvItem{it->first, it->second.value, it->second.version});
  }
  return result;
}

std::unique_ptr<KvStore> make_memory_store();
// Opens (creating if needed) a SQLite database in WAL mode. Returns nullptr on failure.
std::unique_ptr<KvStore> make_sqlite_store(const std::string& path);

}  // namespace slotguard::native
