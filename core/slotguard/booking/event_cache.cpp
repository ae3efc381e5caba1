#include "slotguard/booking/event_cache.h"

#include "slotguard/base/sg_assert.h"

namespace slotguard {

const EventCache::Entry* EventCache::find(std::string_view event_id) const {
  auto it = entries_.find(std::string(event_id));
  return it == entries_.end() ? nullptr : &it->second;
}

void EventCache::put(const EventType& event, uint64_t version) {
  SG_ASSERT(version != 0);  // only what the store holds is remembered
  if (entries_.size() >= kMaxEntries && !entries_.count(event.id)) entries_.clear();
  entries_[event.id] = Entry{version, event};
}

void EventCache::forget(std::string_view event_id) { entries_.erase(std::string(event_id)); }

}  // namespace slotguard
