// What the requests that start a payment (a hold, a pack) read alike: the guest, the
// return URLs and the Idempotency-Key with the body's fingerprint. Read here once, so
// both say the same thing about the same mistake.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "slotguard/base/http_types.h"
#include "slotguard/base/json.h"
#include "slotguard/booking/domain.h"

namespace slotguard::api {

// An http(s) URL of at most 2 KiB of UTF-8.
bool plausible_url(std::string_view u);

// guest: {email, name}; nullopt with `error` naming the problem.
std::optional<Guest> read_guest(const JsonValue* guest, std::string& error);

// success_url and cancel_url when given (each a plausible URL); false with `error`.
bool read_return_urls(const JsonValue* success_url, const JsonValue* cancel_url, std::string& success, std::string& cancel,
                      std::string& error);

// Under an Idempotency-Key: its store key and the body's fingerprint (SHA-256 of the
// body in canonical form, so whitespace and key order do not make two requests
// different); both empty without one. False, with the 400 in `error`, for a key that is
// not 1 to 255 printable ASCII characters.
bool read_idempotency(const HttpRequest& req, const JsonValue& body, std::string& key, std::string& fingerprint,
                      HttpResponse& error);

// What the key's record says: the request's fingerprint and the record it created.
struct KeyRecord {
  std::string fingerprint, reservation_id, pack_id;
};
std::optional<KeyRecord> key_record_from_storage(std::string_view text);
std::string key_record_to_storage(const KeyRecord& r);

}  // namespace slotguard::api
