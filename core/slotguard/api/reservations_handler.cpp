// /v1/reservations: hold a slot, then open checkout; read; cancel.
#include <algorithm>
#include <tuple>

#include "slotguard/payments/checkout_link.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/schedule_rules.h"
#include "slotguard/base/sha256.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/ledger/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/base/utf8.h"

namespace slotguard::api {

namespace {

enum RejectTag {
  kSlotTaken = 1,
  kIdempotencyRace = 2,
  kTooManyHolds = 3,
  kUnreadable = 4,
  kNotActive = 5,
  kEventChanged = 6,  // the event type is not at the version the hold was planned with
  kNotOffered = 100
};
// A hold planned against an event type that then changed starts over, reading it
// afresh; after this many passes the request gets 503 contention.
constexpr int kMaxEventPasses = 3;
// kNotOffered + SlotRule: the rule that refused the start.

// Inside a hold's or a move's transaction: whether `start` is offered by the working
// hours in the snapshot (read with the ledger, so the commit is checked against them).
// 0 when it is, else the reject tag.
int offering_refusal(const TxnView& v, const std::string& avail_key, const EventType& ev, int64_t start,
                     int64_t notice_minutes = -1) {
  const KvItem* hours_item = v.snapshot.find(avail_key);
  const MaybeAvailability hours = hours_item ? availability_of(*hours_item) : MaybeAvailability{};
  if (!hours.ok) return kUnreadable;
  const SlotRule rule = check_slot(ev, hours.get(), start, v.now, notice_minutes);
  return rule == SlotRule::Offered ? 0 : kNotOffered + static_cast<int>(rule);
}

TxnPlan rejected(int tag) {
  TxnPlan plan;
  plan.kind = TxnPlan::Kind::Reject;
  plan.tag = tag;
  return plan;
}

struct CreateRequest {
  std::string event_id;
  int64_t start = 0;
  Guest guest;
  std::vector<std::string> methods;  // empty: the event's
  std::string success_url, cancel_url;
};

bool plausible_url(std::string_view u) {
  if (u.size() > 2048 || !is_valid_utf8(u)) return false;
  return u.substr(0, 8) == "https://" || u.substr(0, 7) == "http://";
}

// One pass over the body's members. A repeated key counts as its last occurrence, as
// in the fingerprint below: two bodies with one fingerprint always read the same.
std::optional<CreateRequest> read_create(const JsonValue& body, std::string& error) {
  const JsonValue *event_id = nullptr, *start = nullptr, *guest = nullptr, *methods = nullptr;
  const JsonValue *success_url = nullptr, *cancel_url = nullptr;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "event_id") event_id = &it->value;
    else if (k == "start") start = &it->value;
    else if (k == "guest") guest = &it->value;
    else if (k == "payment_method_types") methods = &it->value;
    else if (k == "success_url") success_url = &it->value;
    else if (k == "cancel_url") cancel_url = &it->value;
  }
  if (!event_id || !event_id->IsString() || !valid_client_id(string_of(*event_id)))
    return error = "event_id is required (a string id)", std::nullopt;
  if (!start || !start->IsString()) return error = "start is required (an RFC 3339 timestamp)", std::nullopt;
  auto t = parse_rfc3339(string_of(*start));
  if (!t) return error = "start must be an RFC 3339 timestamp such as 2030-01-01T09:00:00Z", std::nullopt;
  if (!guest || !guest->IsObject()) return error = "guest {email, name} is required", std::nullopt;
  const JsonValue *email = nullptr, *name = nullptr;
  for (auto it = guest->MemberBegin(); it != guest->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "email") email = &it->value;
    else if (k == "name") name = &it->value;
  }
  if (!email || !email->IsString() || !plausible_email(string_of(*email)))
    return error = "guest.email must be an e-mail address", std::nullopt;
  if (!name || !name->IsString() || name->GetStringLength() == 0 || name->GetStringLength() > 200)
    return error = "guest.name is required (1 to 200 bytes)", std::nullopt;
  CreateRequest c;
  c.event_id = string_of(*event_id);
  c.start = *t;
  c.guest = {std::string(string_of(*email)), std::string(string_of(*name))};
  if (methods) {
    if (!methods->IsArray() || methods->Empty() || methods->Size() > 2)
      return error = "payment_method_types must be a non-empty list", std::nullopt;
    for (const JsonValue& m : methods->GetArray()) {
      if (!m.IsString()) return error = "payment_method_types must hold strings", std::nullopt;
      for (const auto& seen : c.methods)
        if (seen == string_of(m)) return error = "payment_method_types must not repeat", std::nullopt;
      c.methods.emplace_back(string_of(m));
    }
  }
  for (auto [key, u, out] : {std::tuple{"success_url", success_url, &c.success_url},
                             std::tuple{"cancel_url", cancel_url, &c.cancel_url}}) {
    if (!u) continue;
    if (!u->IsString() || !plausible_url(string_of(*u))) return error = std::string(key) + " must be an http(s) URL", std::nullopt;
    *out = string_of(*u);
  }
  return c;
}

// A request's fingerprint: SHA-256 of the parsed body in canonical form
// (canonical_json), so whitespace and key order do not make two requests different.
// Idempotency records already stored hold fingerprints of this same form.
std::string fingerprint_of(const JsonValue& body) { return to_hex(sha256(canonical_json(body))); }

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
  auto fp = get_string(*j, "fingerprint"), rid = get_string(*j, "reservation_id");
  if (!fp || !rid) return std::nullopt;
  return IdempotencyRecord{std::string(*fp), std::string(*rid)};
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
  // Only a request under a key is ever compared with another.
  const std::string fingerprint = idem_key.empty() ? std::string() : fingerprint_of(*body);
  body.reset();  // everything needed is read out of it

  const std::string event_key = keys::event(in->event_id);
  for (int pass = 1;; ++pass) {
    // The first pass takes the event type from the instance's cache when it is there;
    // the hold's commit then checks its version (see Decide below).
    std::optional<EventType> event;
    uint64_t event_version = 0;
    bool from_cache = false;
    if (const EventCache::Entry* cached = pass == 1 ? s.events.find(in->event_id) : nullptr) {
      event = cached->event;
      event_version = cached->version;
      from_cache = true;
    }
    std::vector<std::string> first_keys;
    if (!idem_key.empty()) first_keys.push_back(idem_key);
    if (!event) first_keys.push_back(event_key);
    if (!first_keys.empty()) {
      ReadResult first = co_await s.store.read(first_keys);
      if (first.status != StoreStatus::Ok) co_return store_unavailable();
      // A retry replays what its key answered, before anything about the event is judged.
      if (!idem_key.empty() && first.items[0].present()) {
        auto rec = read_idempotency(first.items[0]);
        if (!rec) co_return store_unavailable();
        if (rec->fingerprint != fingerprint)
          co_return error_response(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
        co_return co_await replay(s, rec->rid);
      }
      if (!event) {
        const KvItem& item = first.items.back();
        if (!item.present()) co_return not_found("event");
        event = event_from_storage(item.value);
        if (!event) co_return store_unavailable();
        event_version = item.version;
        s.events.put(*event, event_version);
      }
    }

    const int64_t now = s.now();
    // Alignment and working hours are judged inside the hold's transaction, against the
    // availability it reads and checks; the clock-only rules can refuse right away.
    // A refusal is only ever judged against the event as stored: one judged against the
    // remembered copy is judged again after a fresh read.
    SlotRule early = check_slot(*event, nullptr, in->start, now);
    const std::vector<std::string>& methods = in->methods.empty() ? event->payment_method_types : in->methods;
    const std::string* refused_method = nullptr;
    for (const auto& m : methods) {
      bool offered = false;
      for (const auto& e : event->payment_method_types) offered |= e == m;
      if (!offered && !refused_method) refused_method = &m;
    }
    const bool early_refusal = early == SlotRule::TooSoon || early == SlotRule::TooFarAhead || refused_method;
    if (early_refusal && from_cache) {
      s.events.forget(in->event_id);
      continue;
    }
    if (early == SlotRule::TooSoon || early == SlotRule::TooFarAhead)
      co_return error_response(422, "slot_not_offered", slot_rule_message(early));
    if (refused_method)
      co_return validation_failed("payment_method_types must be among the event's: " + *refused_method + " is not");

    Reservation r;
    r.id = s.time_ordered_id("rsv_");
    r.event_id = event->id;
    r.start = in->start;
    r.end = in->start + event->duration_minutes * kMinuteMs;
    r.guest = in->guest;
    r.status = ReservationStatus::PendingPayment;
    plan_hold_expiry(s.cfg, now, r);
    r.title = event->title;
    r.price = event->price;
    r.payment_method_types = methods;
    r.success_url = in->success_url.empty() ? s.cfg.default_success_url : in->success_url;
    r.cancel_url = in->cancel_url.empty() ? s.cfg.default_cancel_url : in->cancel_url;
    r.created_at = now;
    r.idempotency_key = idem_key;
    r.seats = event->seats;
    const Span span = blocked_span(*event, in->start);

    std::string idem_value;
    if (!idem_key.empty()) {
      JsonWriter record;
      idem_value = record.object().field("fingerprint", fingerprint).field("reservation_id", r.id).end_object().take();
    }
    const int64_t max_holds = s.cfg.max_active_holds_per_guest;
    const std::string avail_key = keys::availability(event->expert_id);
    const EventType ev = *event;
    const Config& cfg = s.cfg;
    Decide decide = [&r, &ev, &cfg, &event_key, event_version, idem_key, idem_value, max_holds,
                     avail_key](const TxnView& v) {
      const KvItem* event_now = v.snapshot.find(event_key);
      if (!event_now || event_now->version != event_version) return rejected(kEventChanged);
      if (int refused = offering_refusal(v, avail_key, ev, r.start)) return rejected(refused);
      if (!idem_key.empty()) {
        const KvItem* seen = v.snapshot.find(idem_key);
        if (seen && seen->present()) return rejected(kIdempotencyRace);
      }
      if (!v.span_free) return rejected(kSlotTaken);
      if (max_holds > 0 && v.guest_holds >= max_holds) return rejected(kTooManyHolds);
      TxnPlan plan;
      plan.kind = TxnPlan::Kind::Write;
      plan.next = r;
      // The hold begins when it commits: a request whose snapshot came late (its task
      // stalled) still holds for the whole checkout lifetime, never for less or not at all.
      plan.next.created_at = v.now;
      plan_hold_expiry(cfg, v.now, plan.next);
      if (!idem_key.empty()) plan.extra_mutations.push_back({KvMutation::Op::Set, idem_key, idem_value});
      return plan;
    };
    std::vector<std::string> extra{avail_key, event_key};
    if (!idem_key.empty()) extra.push_back(idem_key);
    NewSpan where;
    where.expert_id = event->expert_id;
    where.span = span;
    where.guest_email = r.guest.email;
    where.group = seat_group(event->id, r.start, event->seats);
    where.seats = event->seats;
    TxnOutcome held = co_await run_reservation_txn(s, r.id, std::move(where), std::move(extra), decide);

    switch (held.kind) {
      case TxnOutcome::Kind::Written: break;
      case TxnOutcome::Kind::Busy: co_return contention();
      case TxnOutcome::Kind::Rejected:
        if (held.plan.tag == kEventChanged) {
          s.events.forget(in->event_id);
          if (pass < kMaxEventPasses) continue;
          co_return contention();
        }
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
        if (held.plan.tag >= kNotOffered)
          co_return error_response(422, "slot_not_offered",
                                   slot_rule_message(static_cast<SlotRule>(held.plan.tag - kNotOffered)));
        if (held.plan.tag == kUnreadable) co_return store_unavailable();
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
    s.log(LogLevel::Info, "hold_created", {{"reservation_id", r.id}, {"event_id", r.event_id}});
    co_return co_await open_checkout(s, std::move(*held.reservation), false);
  }
}

Co<HttpResponse> get_reservation(Services& s, std::string rid) {
  Loaded<Reservation> r = co_await load_reservation(s, std::move(rid));
  if (!r.record) co_return r.error;
  co_return reservation_body(200, *r.record);
}

// The refund a cancellation policy gives now: the whole price more than
// refund_before_minutes ahead of the start, refund_percent of it within them.
int64_t cancellation_refund(const EventType& e, const Reservation& r, int64_t now) {
  if (r.start - now > e.refund_before_minutes * kMinuteMs) return r.price.amount;
  return r.price.amount * e.refund_percent / 100;
}

Co<HttpResponse> cancel_reservation(Services& s, std::string rid) {
  if (!valid_minted_id(rid)) co_return not_found("reservation");
  // A confirmed booking is cancelled under its event type's policy, read first.
  Loaded<Reservation> found = co_await load_reservation(s, rid);
  if (!found.record) co_return found.error;
  std::optional<EventType> event;
  if (found.record->status == ReservationStatus::Confirmed) {
    Loaded<EventType> loaded = co_await load_event(s, found.record->event_id);
    if (!loaded.record && loaded.error.status != 404) co_return loaded.error;
    event = std::move(loaded.record);
  }
  Decide decide = [&event](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    const Reservation& cur = *v.current;
    if (cur.status == ReservationStatus::Confirmed) {
      if (!event || !event->cancellable) {
        plan.kind = TxnPlan::Kind::Reject;
        return plan;
      }
      plan.kind = TxnPlan::Kind::Write;
      plan.next = cur;
      plan.next.release_reason = "cancelled";
      plan.next.refund_amount = cancellation_refund(*event, cur, v.now);
      plan.next.status = plan.next.refund_amount > 0 ? ReservationStatus::Refunded : ReservationStatus::Released;
      plan.next.refund_next_at = v.now;
      return plan;
    }
    if (cur.status != ReservationStatus::PendingPayment) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    plan.next.status = ReservationStatus::Released;
    plan.next.release_reason = "cancelled";
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  switch (out.kind) {
    case TxnOutcome::Kind::NotFound: co_return not_found("reservation");
    case TxnOutcome::Kind::Refused:  // a release never activates a span
    case TxnOutcome::Kind::Rejected:
      co_return error_response(409, "reservation_confirmed",
                               "this confirmed reservation is paid and its event type allows no cancellation");
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::StoreError: co_return store_unavailable();
    case TxnOutcome::Kind::NoChange: co_return reservation_body(200, *out.reservation);
    case TxnOutcome::Kind::Written: break;
  }
  s.metrics.add("slotguard_releases_total", "reason=\"cancelled\"");
  s.log(LogLevel::Info, "reservation_released", {{"reservation_id", rid}, {"reason", "cancelled"}});
  Reservation r = *out.reservation;
  if (r.status == ReservationStatus::Refunded) {
    // Queued in the same commit; this first try is only a head start on the sweep.
    s.metrics.add("slotguard_refunds_total");
    co_await execute_refund(s, r);
    Loaded<Reservation> after = co_await load_reservation(s, rid);
    if (after.record) r = std::move(*after.record);
  } else if (!r.checkout_session_id.empty() && r.payment_intent_id.empty()) {
    co_await expire_checkout(s, r.checkout_session_id);
  }
  co_return reservation_body(200, r);
}

// Moves a pending or confirmed reservation to another start of its event type in one
// commit: the new span is taken and the old one freed together, or nothing changes.
Co<HttpResponse> reschedule_reservation(Services& s, const HttpRequest& req, std::string rid) {
  if (!valid_minted_id(rid)) co_return not_found("reservation");
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  auto start_text = get_string(*body, "start");
  auto start = start_text ? parse_rfc3339(*start_text) : std::nullopt;
  if (!start) co_return validation_failed("start is required (an RFC 3339 timestamp)");
  Loaded<Reservation> found = co_await load_reservation(s, rid);
  if (!found.record) co_return found.error;
  Loaded<EventType> loaded = co_await load_event(s, found.record->event_id);
  if (!loaded.record) co_return loaded.error.status == 404 ? error_response(409, "reservation_not_movable", "its event type no longer exists") : loaded.error;
  const EventType ev = *loaded.record;
  const int64_t now = s.now();
  const int64_t notice = ev.reschedule_notice_minutes();
  if (found.record->start < now + notice * kMinuteMs)
    co_return error_response(409, "reservation_not_movable", "it starts too soon to be moved (the event type's reschedule notice)");
  SlotRule early = check_slot(ev, nullptr, *start, now, notice);
  if (early == SlotRule::TooSoon || early == SlotRule::TooFarAhead)
    co_return error_response(422, "slot_not_offered", slot_rule_message(early));

  const std::string avail_key = keys::availability(ev.expert_id);
  const int64_t new_start = *start;
  Decide decide = [&ev, avail_key, new_start, notice](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    const Reservation& cur = *v.current;
    if (!cur.active_at(v.now)) return rejected(kNotActive);  // nothing to move
    if (cur.start == new_start) return plan;  // already there: a repeat of this request
    if (int refused = offering_refusal(v, avail_key, ev, new_start, notice)) return rejected(refused);
    if (!v.span_free) return rejected(kSlotTaken);
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    plan.next.start = new_start;
    plan.next.end = new_start + (cur.end - cur.start);
    return plan;
  };
  // (g++ 12 miscompiles braced lists inside co_await expressions: build them first.)
  NewSpan move = moving_reservation(blocked_span(ev, new_start), seat_group(ev.id, new_start, found.record->seats));
  std::vector<std::string> extra{avail_key};
  TxnOutcome out = co_await run_reservation_txn(s, rid, std::move(move), std::move(extra), decide);
  switch (out.kind) {
    case TxnOutcome::Kind::NotFound: co_return not_found("reservation");
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::StoreError: co_return store_unavailable();
    case TxnOutcome::Kind::NoChange: co_return reservation_body(200, *out.reservation);
    case TxnOutcome::Kind::Refused:
      s.metrics.add("slotguard_conflicts_total");
      co_return error_response(409, "slot_unavailable", "the new time is not available; the booking keeps its time");
    case TxnOutcome::Kind::Rejected:
      if (out.plan.tag >= kNotOffered)
        co_return error_response(422, "slot_not_offered", slot_rule_message(static_cast<SlotRule>(out.plan.tag - kNotOffered)));
      if (out.plan.tag == kUnreadable) co_return store_unavailable();
      if (out.plan.tag == kSlotTaken) {
        s.metrics.add("slotguard_conflicts_total");
        co_return error_response(409, "slot_unavailable", "the new time is not available; the booking keeps its time");
      }
      co_return error_response(409, "reservation_not_movable", "only a pending or confirmed reservation can be moved");
    case TxnOutcome::Kind::Written: break;
  }
  s.log(LogLevel::Info, "reservation_rescheduled", {{"reservation_id", rid}});
  co_return reservation_body(200, *out.reservation);
}

}  // namespace slotguard::api
