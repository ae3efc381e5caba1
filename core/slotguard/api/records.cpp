#include "slotguard/api/records.h"

#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"

namespace slotguard::api {

namespace {

template <class T, class Parse>
Co<Loaded<T>> load(ApiServices& s, std::string key, ErrorCode missing, Parse parse) {
  Loaded<T> out;
  ReadResult snap = co_await s.store.read_one(std::move(key));
  if (snap.status != StoreStatus::Ok) {
    out.error = store_unavailable();
  } else if (!snap.items[0].present()) {
    out.error = not_found(missing);
  } else if (!(out.record = parse(snap.items[0].value))) {
    out.error = store_unavailable();  // a record we cannot read: never guess
  }
  co_return out;
}

}  // namespace

namespace {

// The event in `item` (read just now): the instance's parsed copy when it is of this
// version, else parsed here and remembered.
Loaded<EventType> event_of(ApiServices& s, std::string_view event_id, const KvItem& item) {
  Loaded<EventType> out;
  if (!item.present()) {
    out.error = not_found(ErrorCode::event_not_found);
  } else if (const EventCache::Entry* cached = s.events.find(event_id);
             cached && cached->version == item.version) {
    out.record = cached->event;
  } else if ((out.record = event_from_storage(item.value))) {
    s.events.put(*out.record, item.version);
  } else {
    out.error = store_unavailable();  // a record we cannot read: never guess
  }
  return out;
}

}  // namespace

Co<Loaded<EventType>> load_event(ApiServices& s, std::string event_id) {
  if (!valid_client_id(event_id)) co_return Loaded<EventType>{std::nullopt, not_found(ErrorCode::event_not_found)};
  ReadResult snap = co_await s.store.read_one(keys::event(event_id));
  if (snap.status != StoreStatus::Ok) co_return Loaded<EventType>{std::nullopt, store_unavailable()};
  co_return event_of(s, event_id, snap.items[0]);
}

Co<EventWithHours> load_event_with_hours(ApiServices& s, std::string event_id) {
  EventWithHours out;
  if (!valid_client_id(event_id)) {
    out.event.error = not_found(ErrorCode::event_not_found);
    co_return out;
  }
  // The expert is known when the event is remembered: read both in one call. It is
  // only a guess until the read confirms the event's version.
  const std::string event_key = keys::event(event_id);
  std::string guessed_expert;
  if (const EventCache::Entry* cached = s.events.find(event_id)) guessed_expert = cached->event.expert_id;
  std::vector<std::string> read_keys{event_key};
  if (!guessed_expert.empty()) read_keys.push_back(keys::availability(guessed_expert));
  ReadResult snap = co_await s.store.read(std::move(read_keys));
  if (snap.status != StoreStatus::Ok) {
    out.event.error = store_unavailable();
    co_return out;
  }
  out.event = event_of(s, event_id, snap.items[0]);
  if (!out.event.record) co_return out;
  if (out.event.record->expert_id == guessed_expert) {
    out.hours = availability_of(snap.items[1]);
    co_return out;
  }
  out.hours = co_await load_availability(s, out.event.record->expert_id);
  co_return out;
}

Co<Loaded<Reservation>> load_reservation(ApiServices& s, std::string rid) {
  if (!valid_minted_id(rid)) co_return Loaded<Reservation>{std::nullopt, not_found(ErrorCode::reservation_not_found)};
  co_return co_await load<Reservation>(s, keys::reservation(rid), ErrorCode::reservation_not_found, reservation_from_storage);
}

Co<Loaded<Pack>> load_pack(ApiServices& s, std::string pack_id) {
  if (!valid_minted_id(pack_id)) co_return Loaded<Pack>{std::nullopt, not_found(ErrorCode::pack_not_found)};
  co_return co_await load<Pack>(s, keys::pack(pack_id), ErrorCode::pack_not_found, pack_from_storage);
}

MaybeAvailability availability_of(const KvItem& item) {
  MaybeAvailability out;
  out.ok = true;
  if (!item.present()) return out;
  out.document = availability_from_storage(item.value);
  out.ok = out.document.has_value();
  return out;
}

Co<MaybeAvailability> load_availability(ApiServices& s, std::string expert_id) {
  ReadResult snap = co_await s.store.read_one(keys::availability(expert_id));
  if (snap.status != StoreStatus::Ok) co_return MaybeAvailability{};
  co_return availability_of(snap.items[0]);
}

}  // namespace slotguard::api
