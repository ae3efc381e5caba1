// In-memory KvStore: the reference backend for tests and the native example.
//
// Versions come from one global commit counter rather than a per-key counter so that
// a key deleted and later recreated can never reappear with a version some stale
// reader has already seen (which would let that reader's check pass wrongly).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv_store.h"

namespace slotguard::native {
namespace {

class MemoryStore final : public KvStore {
 public:
  std::optional<std::vector<KvItem>> read(const std::vector<std::string>& keys) override {
    // One lock for the whole batch: that is what makes the answers one snapshot.
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<KvItem> out;
    out.reserve(keys.size());
    for (const std::string& key : keys) {
      KvItem item;
      item.key = key;
      if (auto it = data_.find(key); it != data_.end()) {
        item.value = it->second.value;
        item.version = it->second.version;
      }
      out.push_back(std::move(item));
    }
    return out;
  }

  std::optional<KvListResult> list(std::string_view start, std::string_view end, size_t limit,
                                   std::string_view after) override {
    std::lock_guard<std::mutex> lock(mu_);
    return list_ordered(data_, start, end, limit, after);
  }

  std::optional<CommitOutcome> commit(const std::vector<KvCheck>& checks,
                                      const std::vector<KvMutation>& mutations) override {
    std::lock_guard<std::mutex> lock(mu_);
    // Validate every check before touching anything, so a Conflict writes nothing.
    for (const KvCheck& check : checks) {
      auto it = data_.find(check.key);
      const uint64_t current = it == data_.end() ? 0 : it->second.version;
      if (current != check.version) return CommitOutcome::Conflict;
    }
    if (mutations.empty()) return CommitOutcome::Committed;
    // One new version per commit: every key written here shares it, and it exceeds
    // every version ever handed out, so per-key versions only grow.
    const uint64_t version = ++counter_;
    // Applied in order, so repeated mutations of one key leave the last one standing.
    for (const KvMutation& m : mutations) {
      if (m.op == KvMutation::Op::Set) {
        Entry& e = data_[m.key];
        e.value = m.value;
        e.version = version;
      } else {
        data_.erase(m.key);
      }
    }
    return CommitOutcome::Committed;
  }

 private:
  struct Entry {
    std::string value;
    uint64_t version = 0;
  };
  // Tests race commits from several threads; the mutex keeps each call atomic.
  std::mutex mu_;
  // std::less<> enables lookups by string_view without building a std::string.
  std::map<std::string, Entry, std::less<>> data_;
  uint64_t counter_ = 0;
};

}  // namespace

std::unique_ptr<KvStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace slotguard::native
