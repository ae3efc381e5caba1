// Native implementations of the store port. Tests and the native example use these;
// the wasm hosts implement the same contract in JavaScript (see wasm/ABI.md).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store_types.h"

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

std::unique_ptr<KvStore> make_memory_store();
// Opens (creating if needed) a SQLite database in WAL mode. Returns nullptr on failure.
std::unique_ptr<KvStore> make_sqlite_store(const std::string& path);

}  // namespace slotguard::native
