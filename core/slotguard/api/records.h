// Point reads of records by id, with the answer a handler sends when the record is
// missing (404) or unreadable (503): written once for every handler.
#pragma once
#include <optional>
#include <string>

#include "slotguard/booking/availability.h"
#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/base/http_types.h"
#include "slotguard/api/api_services.h"

namespace slotguard::api {

template <class T>
struct Loaded {
  std::optional<T> record;
  HttpResponse error;  // what to answer when record is empty
};

Co<Loaded<EventType>> load_event(ApiServices& s, std::string event_id);
Co<Loaded<Reservation>> load_reservation(ApiServices& s, std::string rid);
Co<Loaded<Pack>> load_pack(ApiServices& s, std::string pack_id);

// An expert's availability may be absent: then every aligned start is offered.
// ok = false when the store failed or the stored document cannot be read.
struct MaybeAvailability {
  bool ok = false;
  std::optional<Availability> document;
  const Availability* get() const { return document ? &*document : nullptr; }
};
MaybeAvailability availability_of(const KvItem& item);
Co<MaybeAvailability> load_availability(ApiServices& s, std::string expert_id);

// An event type and its expert's availability, in one read when the instance already
// knows the event's expert (two otherwise).
struct EventWithHours {
  Loaded<EventType> event;
  MaybeAvailability hours;
};
Co<EventWithHours> load_event_with_hours(ApiServices& s, std::string event_id);

}  // namespace slotguard::api
