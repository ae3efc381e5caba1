// Event types an instance has read, with the store version it read them at. Every
// hold needs its event type, and event types rarely change: a hold that finds its
// event here skips reading it and instead has its transaction check, in the same
// commit as the ledger, that the event's version is still this one. A stale entry
// costs one more pass of that hold, never a hold decided against an old event.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "slotguard/booking/domain.h"

namespace slotguard {

class EventCache {
 public:
  // Enough for every event type of a typical deployment; past it the cache starts
  // over rather than tracking use (an instance is short-lived anyway).
  static constexpr size_t kMaxEntries = 256;

  struct Entry {
    uint64_t version = 0;
    EventType event;
  };

  const Entry* find(std::string_view event_id) const;
  void put(const EventType& event, uint64_t version);
  void forget(std::string_view event_id);
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace slotguard
