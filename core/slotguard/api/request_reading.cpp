#include "slotguard/api/request_reading.h"

#include <tuple>

#include "slotguard/api/responses.h"
#include "slotguard/base/sha256.h"
#include "slotguard/base/utf8.h"
#include "slotguard/host/store_keys.h"

namespace slotguard::api {

bool plausible_url(std::string_view u) {
  if (u.size() > 2048 || !is_valid_utf8(u)) return false;
  return u.substr(0, 8) == "https://" || u.substr(0, 7) == "http://";
}

std::optional<Guest> read_guest(const JsonValue* guest, std::string& error) {
  if (!guest || !guest->IsObject()) return error = "guest {email, name} is required", std::nullopt;
  const JsonValue *email = nullptr, *name = nullptr;
  UnknownField unknown;
  for (auto it = guest->MemberBegin(); it != guest->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "email") email = &it->value;
    else if (k == "name") name = &it->value;
    else unknown.note(k);
  }
  if (auto named = unknown.message("guest.")) return error = *named, std::nullopt;
  if (!email || !email->IsString() || !plausible_email(string_of(*email)))
    return error = "guest.email must be an e-mail address", std::nullopt;
  if (!name || !name->IsString() || name->GetStringLength() == 0 || name->GetStringLength() > 200)
    return error = "guest.name is required (1 to 200 bytes)", std::nullopt;
  return Guest{std::string(string_of(*email)), std::string(string_of(*name))};
}

bool read_return_urls(const JsonValue* success_url, const JsonValue* cancel_url, std::string& success, std::string& cancel,
                      std::string& error) {
  for (auto [key, u, out] : {std::tuple{"success_url", success_url, &success}, std::tuple{"cancel_url", cancel_url, &cancel}}) {
    if (!u) continue;
    if (!u->IsString() || !plausible_url(string_of(*u))) return error = std::string(key) + " must be an http(s) URL", false;
    *out = string_of(*u);
  }
  return true;
}

namespace {
bool valid_idempotency_key(const std::string& k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char ch : k)
    if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}
}  // namespace

bool read_idempotency(const HttpRequest& req, const JsonValue& body, std::string& key, std::string& fingerprint,
                      HttpResponse& error) {
  const std::string* k = req.header("idempotency-key");
  if (!k) return true;
  if (!valid_idempotency_key(*k)) {
    error = error_response(ErrorCode::invalid_idempotency_key, "Idempotency-Key must be 1 to 255 printable ASCII characters");
    return false;
  }
  key = keys::idempotency(*k);
  // Idempotency records already stored hold fingerprints of this same form.
  fingerprint = to_hex(sha256(canonical_json(body)));
  return true;
}

std::optional<KeyRecord> key_record_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j) return std::nullopt;
  auto fp = get_string(*j, "fingerprint");
  auto rid = get_string(*j, "reservation_id");
  auto pack = get_string(*j, "pack_id");
  if (!fp || (!rid && !pack)) return std::nullopt;
  return KeyRecord{std::string(*fp), std::string(rid.value_or("")), std::string(pack.value_or(""))};
}

std::string key_record_to_storage(const KeyRecord& r) {
  JsonWriter w;
  w.object().field("fingerprint", r.fingerprint);
  if (!r.reservation_id.empty()) w.field("reservation_id", r.reservation_id);
  if (!r.pack_id.empty()) w.field("pack_id", r.pack_id);
  return w.end_object().take();
}

}  // namespace slotguard::api
