#include "records.h"

#include "responses.h"
#include "store_keys.h"

namespace slotguard::api {

namespace {

template <class T, class Parse>
Co<Loaded<T>> load(Services& s, std::string key, const char* what, Parse parse) {
  Loaded<T> out;
  ReadResult snap = co_await s.store.read_one(std::move(key));
  if (snap.status != StoreStatus::Ok) {
    out.error = store_unavailable();
  } else if (!snap.items[0].present()) {
    out.error = not_found(what);
  } else if (!(out.record = parse(snap.items[0].value))) {
    out.error = store_unavailable();  // a record we cannot read: never guess
  }
  co_return out;
}

}  // namespace

Co<Loaded<EventType>> load_event(Services& s, std::string event_id) {
  if (!valid_client_id(event_id)) co_return Loaded<EventType>{std::nullopt, not_found("event")};
  co_return co_await load<EventType>(s, keys::event(event_id), "event", event_from_storage);
}

Co<Loaded<Reservation>> load_reservation(Services& s, std::string rid) {
  if (!valid_minted_id(rid)) co_return Loaded<Reservation>{std::nullopt, not_found("reservation")};
  co_return co_await load<Reservation>(s, keys::reservation(rid), "reservation", reservation_from_storage);
}

MaybeAvailability availability_of(const KvItem& item) {
  MaybeAvailability out;
  out.ok = true;
  if (!item.present()) return out;
  out.document = availability_from_storage(item.value);
  out.ok = out.document.has_value();
  return out;
}

Co<MaybeAvailability> load_availability(Services& s, std::string expert_id) {
  ReadResult snap = co_await s.store.read_one(keys::availability(expert_id));
  if (snap.status != StoreStatus::Ok) co_return MaybeAvailability{};
  co_return availability_of(snap.items[0]);
}

}  // namespace slotguard::api
