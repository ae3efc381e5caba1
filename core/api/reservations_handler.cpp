// /v1/reservations: hold a slot, then open checkout; read; cancel.
#include "checkout_link.h"
#include "handlers.h"
#include "records.h"
#include "responses.h"
#include "schedule_rules.h"
#include "sha256.h"
#include "store_keys.h"
#include "time_rfc3339.h"
#include "utf8.h"

namespace slotguard::api {

namespace {

enum RejectTag { kSlotTaken = 1, kIdempotencyRace = 2, kTooManyHolds = 3 };

struct CreateRequest {
  std::string event_id;
  int64_t start = 0;
  Guest guest;
  std::vector<std::string> methods;  // empty: the event's
  std::string success_url, cancel_url;
};

bool plausible_url(const std::string& u) {
  if (u.size() > 2048 || !is_valid_utf8(u)) return false;
  return u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0;
}

std::optional<CreateRequest> read_create(const Json& body, std::string& error) {
  CreateRequest c;
  const std::string* event_id = get_string(body, "event_id");
  const std::string* start = get_string(body, "start");
  const Json* guest = get_object(body, "guest");
  if (!event_id || !valid_client_id(*event_id)) return error = "event_id is required (a string id)", std::nullopt;
  if (!start) return error = "start is required (an RFC 3339 timestamp)", std::nullopt;
  auto t = parse_rfc3339(*start);
  if (!t) return error = "start must be an RFC 3339 timestamp such as 2030-01-01T09:00:00Z", std::nullopt;
  if (!guest) return error = "guest {email, name} is required", std::nullopt;
  const std::string* email = get_string(*guest, "email");
  const std::string* name = get_string(*guest, "name");
  if (!email || !plausible_email(*email)) return error = "guest.email must be an e-mail address", std::nullopt;
  if (!name || name->empty() || name->size() > 200) return error = "guest.name is required (1 to 200 bytes)", std::nullopt;
  c.event_id = *event_id;
  c.start = *t;
  c.guest = {*email, *name};
  if (auto it = body.find("payment_method_types"); it != body.end()) {
    if (!it->is_array() || it->empty() || it->size() > 2) return error = "payment_method_types must be a non-empty list", std::nullopt;
    for (const auto& m : *it) {
      if (!m.is_string()) return error = "payment_method_types must hold strings", std::nullopt;
      for (const auto& seen : c.methods)
        if (seen == m.get_ref<const std::string&>()) return error = "payment_method_types must not repeat", std::nullopt;
      c.methods.push_back(m.get<std::string>());
    }
  }
  for (const char* key : {"success_url", "cancel_url"}) {
    if (body.find(key) == body.end()) continue;
    const std::string* u = get_string(body, key);
    if (!u || !plausible_url(*u)) return error = std::string(key) + " must be an http(s) URL", std::nullopt;
    (std::string_view(key) == "success_url" ? c.success_url : c.cancel_url) = *u;
  }
  return c;
}

bool valid_idempotency_key(const std::string& k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char ch : k)
    if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}

// The same key with the same request replays; the answer follows the reservation's
// current state, so a replay after a crash finishes what the first attempt began.
Co<HttpResponse> replay(Services& s, std::string rid) {
  Loaded<Reservation> loaded = co_await load_reservation(s, std::move(rid));
  if (!loaded.record) co_return store_unavailable();  // the key's record must exist
  std::optional<Reservation>& r = loaded.record;
  if (r->checkout_session_id.empty()) {
    // No checkout was ever handed out for this hold: finish it if it still stands.
    if (r->status == ReservationStatus::Released && r->release_reason == "payment_provider_error")
      co_return error_response(502, "payment_provider_error", "the payment provider could not open a checkout session; the slot was not kept");
    if (r->status == ReservationStatus::PendingPayment && r->active_at(s.now()))
      co_return co_await open_checkout(s, std::move(*r), true);
    co_return error_response(409, "reservation_released", "the hold ended before checkout could open");
  }
  HttpResponse res = reservation_body(201, *r);
  res.headers.emplace_back("Idempotent-Replayed", "true");
  co_return res;
}

struct IdempotencyRecord {
  std::string fingerprint, rid;
};

std::optional<IdempotencyRecord> read_idempotency(const KvItem& item) {
  auto j = parse_json(item.value, 4);
  if (!j) return std::nullopt;
  const std::string *fp = get_string(*j, "fingerprint"), *rid = get_string(*j, "reservation_id");
  if (!fp || !rid) return std::nullopt;
  return IdempotencyRecord{*fp, *rid};
}

}  // namespace

Co<HttpResponse> create_reservation(Services& s, const HttpRequest& req) {
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  std::string message;
  auto in = read_create(*body, message);
  if (!in) co_return validation_failed(message);

  std::string idem_key;
  if (const std::string* k = req.header("idempotency-key")) {
    if (!valid_idempotency_key(*k))
      co_return error_response(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters");
    idem_key = keys::idempotency(*k);
  }
  // The parsed body, re-serialised with sorted keys: whitespace and key order do not
  // make two requests different.
  const std::string fingerprint = to_hex(sha256(dump_json(*body)));

  std::vector<std::string> first_keys{keys::event(in->event_id)};
  if (!idem_key.empty()) first_keys.push_back(idem_key);
  ReadResult first = co_await s.store.read(first_keys);
  if (first.status != StoreStatus::Ok) co_return store_unavailable();
  if (!idem_key.empty() && first.items[1].present()) {
    auto rec = read_idempotency(first.items[1]);
    if (!rec) co_return store_unavailable();
    if (rec->fingerprint != fingerprint)
      co_return error_response(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
    co_return co_await replay(s, rec->rid);
  }
  if (!first.items[0].present()) co_return not_found("event");
  auto event = event_from_storage(first.items[0].value);
  if (!event) co_return store_unavailable();

  const int64_t now = s.now();
  SlotRule rule = check_slot(*event, in->start, now);
  if (rule != SlotRule::Offered) co_return error_response(422, "slot_not_offered", slot_rule_message(rule));
  if (in->methods.empty()) in->methods = event->payment_method_types;
  for (const auto& m : in->methods) {
    bool offered = false;
    for (const auto& e : event->payment_method_types) offered |= e == m;
    if (!offered) co_return validation_failed("payment_method_types must be among the event's: " + m + " is not");
  }

  Reservation r;
  r.id = s.random_id("rsv_");
  r.event_id = event->id;
  r.start = in->start;
  r.end = in->start + event->duration_minutes * kMinuteMs;
  r.guest = in->guest;
  r.status = ReservationStatus::PendingPayment;
  plan_hold_expiry(s.cfg, now, r);
  r.title = event->title;
  r.price = event->price;
  r.payment_method_types = in->methods;
  r.success_url = in->success_url.empty() ? s.cfg.default_success_url : in->success_url;
  r.cancel_url = in->cancel_url.empty() ? s.cfg.default_cancel_url : in->cancel_url;
  r.created_at = now;
  r.idempotency_key = idem_key;
  const Span span = blocked_span(*event, in->start);

  const std::string idem_value = dump_json(Json{{"fingerprint", fingerprint}, {"reservation_id", r.id}});
  const int64_t max_holds = s.cfg.max_active_holds_per_guest;
  Decide decide = [&r, idem_key, idem_value, max_holds](const TxnView& v) {
    TxnPlan plan;
    if (!idem_key.empty()) {
      const KvItem* seen = v.snapshot.find(idem_key);
      if (seen && seen->present()) {
        plan.kind = TxnPlan::Kind::Reject;
        plan.tag = kIdempotencyRace;
        return plan;
      }
    }
    if (!v.span_free) {
      plan.kind = TxnPlan::Kind::Reject;
      plan.tag = kSlotTaken;
      return plan;
    }
    if (max_holds > 0 && v.guest_holds >= max_holds) {
      plan.kind = TxnPlan::Kind::Reject;
      plan.tag = kTooManyHolds;
      return plan;
    }
    plan.kind = TxnPlan::Kind::Write;
    plan.next = r;
    if (!idem_key.empty()) plan.extra_mutations.push_back({KvMutation::Op::Set, idem_key, idem_value});
    return plan;
  };
  std::vector<std::string> extra;
  if (!idem_key.empty()) extra.push_back(idem_key);
  NewSpan where;
  where.expert_id = event->expert_id;
  where.span = span;
  where.guest_email = r.guest.email;
  TxnOutcome held = co_await run_reservation_txn(s, r.id, std::move(where), std::move(extra), decide);

  switch (held.kind) {
    case TxnOutcome::Kind::Written: break;
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::Rejected:
      if (held.plan.tag == kIdempotencyRace) {
        // Another request with this key won the race: answer as its replay.
        ReadResult again = co_await s.store.read_one(idem_key);
        if (again.status != StoreStatus::Ok || !again.items[0].present()) co_return store_unavailable();
        auto rec = read_idempotency(again.items[0]);
        if (!rec) co_return store_unavailable();
        if (rec->fingerprint != fingerprint)
          co_return error_response(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
        co_return co_await replay(s, rec->rid);
      }
      if (held.plan.tag == kTooManyHolds) {
        s.metrics.add("slotguard_holds_refused_total", "reason=\"too_many_holds\"");
        co_return error_response(429, "too_many_holds",
                                 "this guest already holds " + std::to_string(max_holds) +
                                     " unpaid reservations with this expert; pay for or cancel one first");
      }
      [[fallthrough]];
    case TxnOutcome::Kind::Refused:
      s.metrics.add("slotguard_conflicts_total");
      co_return error_response(409, "slot_unavailable", "this time is no longer available; choose another slot");
    default: co_return store_unavailable();
  }
  s.metrics.add("slotguard_holds_created_total");
  s.log(LogLevel::Info, "hold_created", Json{{"reservation_id", r.id}, {"event_id", r.event_id}});
  co_return co_await open_checkout(s, std::move(*held.reservation), false);
}

Co<HttpResponse> get_reservation(Services& s, std::string rid) {
  Loaded<Reservation> r = co_await load_reservation(s, std::move(rid));
  if (!r.record) co_return r.error;
  co_return reservation_body(200, *r.record);
}

Co<HttpResponse> cancel_reservation(Services& s, std::string rid) {
  if (!valid_minted_id(rid)) co_return not_found("reservation");
  Decide decide = [](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    if (v.current->status == ReservationStatus::Confirmed) {
      plan.kind = TxnPlan::Kind::Reject;
      return plan;
    }
    if (v.current->status != ReservationStatus::PendingPayment) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    plan.next.status = ReservationStatus::Released;
    plan.next.release_reason = "cancelled";
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  switch (out.kind) {
    case TxnOutcome::Kind::NotFound: co_return not_found("reservation");
    case TxnOutcome::Kind::Refused:  // a release never activates a span
    case TxnOutcome::Kind::Rejected:
      co_return error_response(409, "reservation_confirmed", "a confirmed reservation cannot be cancelled here; it is paid");
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::StoreError: co_return store_unavailable();
    case TxnOutcome::Kind::NoChange: co_return reservation_body(200, *out.reservation);
    case TxnOutcome::Kind::Written: break;
  }
  s.metrics.add("slotguard_releases_total", "reason=\"cancelled\"");
  s.log(LogLevel::Info, "reservation_released", Json{{"reservation_id", rid}, {"reason", "cancelled"}});
  if (!out.reservation->checkout_session_id.empty()) co_await expire_checkout(s, out.reservation->checkout_session_id);
  co_return reservation_body(200, *out.reservation);
}

}  // namespace slotguard::api
