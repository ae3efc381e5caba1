// /v1/packs: buy a pack of sessions through Checkout (booking/packs.h), and read it.
// A guest then books with `pack_id` (reservations_handler.cpp), which takes a credit in
// the hold's own commit.
#include "slotguard/api/checkout_return.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/request_reading.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/config.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/pack_checkout.h"

namespace slotguard::api {

namespace {

// Where Checkout sends the guest back when the request names no URL: the booking
// page's return route, on the origin that answered.
constexpr std::string_view kPackReturnPath = "/return/?pack=";

struct PackRequest {
  std::string event_id;
  int64_t sessions = 0;
  Guest guest;
  std::string success_url, cancel_url, origin;
  std::string idem_key, fingerprint;
};

std::optional<PackRequest> read_pack_request(const JsonValue& body, std::string& error) {
  const JsonValue *event_id = nullptr, *sessions = nullptr, *guest = nullptr, *success_url = nullptr, *cancel_url = nullptr;
  UnknownField unknown;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "event_id") event_id = &it->value;
    else if (k == "sessions") sessions = &it->value;
    else if (k == "guest") guest = &it->value;
    else if (k == "success_url") success_url = &it->value;
    else if (k == "cancel_url") cancel_url = &it->value;
    else unknown.note(k);
  }
  if (auto named = unknown.message()) return error = *named, std::nullopt;
  if (!event_id || !event_id->IsString() || !valid_client_id(string_of(*event_id)))
    return error = "event_id is required (a string id)", std::nullopt;
  const std::optional<int64_t> n = sessions ? int_of(*sessions) : std::nullopt;
  if (!n || *n < 1 || *n > kMaxPackSessions)
    return error = "sessions is required: the size of one of the event type's packs", std::nullopt;
  PackRequest in;
  std::optional<Guest> who = read_guest(guest, error);
  if (!who || !read_return_urls(success_url, cancel_url, in.success_url, in.cancel_url, error)) return std::nullopt;
  in.event_id = string_of(*event_id);
  in.sessions = *n;
  in.guest = std::move(*who);
  return in;
}

HttpResponse pack_body(int status, const Pack& p) {
  JsonWriter body;
  body.object().key("pack");
  write_pack_view(body, p);
  return json_response(status, body.end_object());
}

HttpResponse checkout_answer(const PackCheckout& out, bool replayed) {
  switch (out.kind) {
    case PackCheckout::Kind::Linked: {
      HttpResponse res = pack_body(201, *out.pack);
      if (replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
      return res;
    }
    case PackCheckout::Kind::Deferred: return provider_unavailable();
    case PackCheckout::Kind::Refused:
      return error_response(ErrorCode::payment_provider_error, "the payment provider could not open a checkout session for the pack");
    case PackCheckout::Kind::StoreError: return store_unavailable();
  }
  return store_unavailable();
}

// The same request under the same key answers as the first did, opening the checkout
// the first could not; another request under it is refused.
Co<HttpResponse> replay_pack(ApiServices& s, const KvItem& record, const std::string& fingerprint) {
  const std::optional<KeyRecord> rec = key_record_from_storage(record.value);
  if (!rec) co_return store_unavailable();
  if (rec->fingerprint != fingerprint || rec->pack_id.empty())
    co_return error_response(ErrorCode::idempotency_key_reused, "this Idempotency-Key was used with a different request");
  Loaded<Pack> loaded = co_await load_pack(s, rec->pack_id);
  if (!loaded.record) co_return store_unavailable();  // the key's record must exist
  if (loaded.record->status == PackStatus::Lapsed && loaded.record->checkout_session_id.empty())
    co_return error_response(ErrorCode::payment_provider_error, "the payment provider could not open a checkout session for the pack");
  co_return checkout_answer(co_await open_pack_checkout(s, std::move(*loaded.record)), true);
}

// The offer of `sessions` the event type sells, or the 422 naming what it sells.
std::optional<PackOffer> offer_of(const EventType& ev, int64_t sessions, HttpResponse& error) {
  std::string sizes;
  for (const PackOffer& o : ev.packs) {
    if (o.sessions == sessions) return o;
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(o.sessions);
  }
  error = validation_failed(sizes.empty() ? "this event type sells no packs"
                                          : "sessions must be the size of one of the event type's packs: " + sizes);
  return std::nullopt;
}

Pack new_pack(ApiServices& s, const PackRequest& in, const EventType& ev, const PackOffer& offer) {
  Pack p;
  p.id = s.time_ordered_id("pak_");
  p.event_id = ev.id;
  p.expert_id = ev.expert_id;
  p.guest = in.guest;
  p.sessions = offer.sessions;
  p.price = offer.price;
  p.valid_days = offer.valid_days;
  p.created_at = p.updated_at = s.now();
  p.session_expires_at = session_expiry_ms(s.cfg, p.created_at);
  const std::string back = std::string(kPackReturnPath) + p.id;
  p.success_url = in.success_url.empty() ? checkout_return_url(back + "&outcome=paid", in.origin, p.id) : in.success_url;
  p.cancel_url = in.cancel_url.empty() ? checkout_return_url(back + "&outcome=cancelled", in.origin, p.id) : in.cancel_url;
  p.idempotency_key = in.idem_key;
  return p;
}

std::optional<PackRequest> parse_pack(const HttpRequest& req, HttpResponse& error) {
  auto body = parse_object_body(req, error);
  if (!body) return std::nullopt;
  std::string message;
  std::optional<PackRequest> in = read_pack_request(*body, message);
  if (!in) return error = validation_failed(message), std::nullopt;
  in->origin = request_origin(req);
  if (!read_idempotency(req, *body, in->idem_key, in->fingerprint, error)) return std::nullopt;
  return in;
}

// The pack and its key's record, written together only if neither exists yet, with
// the entry by which the sweep settles the pack should no event about its checkout come.
Co<StoreStatus> commit_new_pack(ApiServices& s, const PackRequest& in, const Pack& p) {
  std::vector<KvCheck> checks{{keys::pack(p.id), 0}};
  std::vector<KvMutation> writes{{KvMutation::Op::Set, keys::pack(p.id), pack_to_storage(p)},
                                 {KvMutation::Op::Set, keys::pack_checkout_expiry(p.session_expires_at, p.id), p.id}};
  if (!in.idem_key.empty()) {
    checks.push_back({in.idem_key, 0});
    writes.push_back({KvMutation::Op::Set, in.idem_key, key_record_to_storage({in.fingerprint, {}, p.id})});
  }
  co_return co_await s.store.commit(std::move(checks), std::move(writes));
}

}  // namespace

Co<HttpResponse> create_pack(ApiServices& s, const HttpRequest& req) {
  HttpResponse error;
  std::optional<PackRequest> in = parse_pack(req, error);
  if (!in) co_return error;
  std::vector<std::string> first_keys{keys::event(in->event_id)};
  if (!in->idem_key.empty()) first_keys.push_back(in->idem_key);
  ReadResult first = co_await s.store.read(first_keys);
  if (first.status != StoreStatus::Ok) co_return store_unavailable();
  if (!in->idem_key.empty() && first.items[1].present()) co_return co_await replay_pack(s, first.items[1], in->fingerprint);
  if (!first.items[0].present()) co_return not_found(ErrorCode::event_not_found);
  const std::optional<EventType> ev = event_from_storage(first.items[0].value);
  if (!ev) co_return store_unavailable();
  const std::optional<PackOffer> offer = offer_of(*ev, in->sessions, error);
  if (!offer) co_return error;
  Pack pack = new_pack(s, *in, *ev, *offer);
  const StoreStatus st = co_await commit_new_pack(s, *in, pack);
  if (st == StoreStatus::Conflict && !in->idem_key.empty()) {
    // A twin under the same key came first: answer as its replay.
    ReadResult again = co_await s.store.read_one(in->idem_key);
    if (again.status != StoreStatus::Ok || !again.items[0].present()) co_return store_unavailable();
    co_return co_await replay_pack(s, again.items[0], in->fingerprint);
  }
  if (st != StoreStatus::Ok) co_return st == StoreStatus::Conflict ? contention() : store_unavailable();
  s.log(LogLevel::Info, "pack_created", {{"pack_id", pack.id}, {"event_id", pack.event_id}});
  co_return checkout_answer(co_await open_pack_checkout(s, std::move(pack)), false);
}

Co<HttpResponse> get_pack(ApiServices& s, std::string pack_id) {
  Loaded<Pack> loaded = co_await load_pack(s, std::move(pack_id));
  if (!loaded.record) co_return loaded.error;
  co_return pack_body(200, *loaded.record);
}

}  // namespace slotguard::api
