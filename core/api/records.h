// Point reads of records by id, with the answer a handler sends when the record is
// missing (404) or unreadable (503): written once for every handler.
#pragma once
#include <optional>
#include <string>

#include "domain.h"
#include "http_types.h"
#include "services.h"

namespace slotguard::api {

template <class T>
struct Loaded {
  std::optional<T> record;
  HttpResponse error;  // what to answer when record is empty
};

Co<Loaded<EventType>> load_event(Services& s, std::string event_id);
Co<Loaded<Reservation>> load_reservation(Services& s, std::string rid);

}  // namespace slotguard::api
