#include "snapshot_store.h"

#include <utility>

namespace slotguard::fuzz {

SnapshotStore::SnapshotStore(const std::vector<KvItem>& items, uint64_t counter, std::string parsed_prefix,
                             std::function<std::optional<Reservation>(std::string_view)> parse)
    : counter_(counter), base_counter_(counter), prefix_(std::move(parsed_prefix)), parse_(std::move(parse)) {
  for (const KvItem& it : items) data_[it.key] = Entry{it.value, it.version, nullptr, false};
  // Parse the baseline's records now, once: restore() hands these back with them.
  for_each_parsed([](const std::string&, const Reservation*) {});
}

const SnapshotStore::Entry* SnapshotStore::find(std::string_view key) const {
  auto it = data_.find(key);
  return it == data_.end() ? nullptr : &it->second;
}

// read, list and commit are the memory store's, line for line in what they answer.
std::optional<std::vector<KvItem>> SnapshotStore::read(const std::vector<std::string>& keys) {
  std::vector<KvItem> out;
  out.reserve(keys.size());
  for (const std::string& key : keys) {
    KvItem item;
    item.key = key;
    if (const Entry* e = find(key)) {
      item.value = e->value;
      item.version = e->version;
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::optional<KvListResult> SnapshotStore::list(std::string_view start, std::string_view end, size_t limit,
                                                 std::string_view after) {
  return native::list_ordered(data_, start, end, limit, after);
}

std::optional<CommitOutcome> SnapshotStore::commit(const std::vector<KvCheck>& checks,
                                                   const std::vector<KvMutation>& mutations) {
  for (const KvCheck& check : checks) {
    const Entry* e = find(check.key);
    const uint64_t current = e ? e->version : 0;
    if (current != check.version) return CommitOutcome::Conflict;
  }
  if (mutations.empty()) return CommitOutcome::Committed;
  const uint64_t version = ++counter_;
  for (const KvMutation& m : mutations) {
    remember(m.key);
    if (m.op == KvMutation::Op::Set) {
      Entry& e = data_[m.key];
      e.value = m.value;
      e.version = version;
      e.parsed.reset();
      e.parse_tried = false;
    } else {
      data_.erase(m.key);
    }
  }
  return CommitOutcome::Committed;
}

void SnapshotStore::remember(const std::string& key) {
  for (Journal* j : {&undo_, &watch_}) {
    if (j == &watch_ && !watching_) continue;
    auto at = j->lower_bound(key);
    if (at != j->end() && at->first == key) continue;  // the first earlier state wins
    const Entry* e = find(key);
    j->emplace_hint(at, key, e ? std::optional<Entry>(*e) : std::nullopt);
  }
}

void SnapshotStore::restore() {
  for (auto& [key, before] : undo_) {
    if (before) {
      data_[key] = std::move(*before);
    } else {
      data_.erase(key);
    }
  }
  undo_.clear();
  watch_.clear();
  watching_ = false;
  counter_ = base_counter_;
}

void SnapshotStore::watch() {
  watch_.clear();
  watching_ = true;
}

bool SnapshotStore::unchanged() const {
  for (const auto& [key, before] : watch_) {
    const Entry* now = find(key);
    if (!before != !now) return false;
    if (now && (now->value != before->value || now->version != before->version)) return false;
  }
  return true;
}

}  // namespace slotguard::fuzz
