// /v1/reservations: hold a slot, then open checkout; read; cancel.
#include <algorithm>
#include <map>
#include <tuple>
#include <variant>

#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/checkout_link.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/approval.h"
#include "slotguard/payments/connect.h"
#include "slotguard/booking/payouts.h"
#include "slotguard/booking/pool.h"
#include "slotguard/payments/reconcile.h"
#include "slotguard/api/checkout_return.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/hold_rules.h"
#include "slotguard/api/records.h"
#include "slotguard/api/request_reading.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/schedule_rules.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/base/sha256.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/base/utf8.h"

namespace slotguard::api {

namespace {

// A hold planned against an event type that then changed starts over, reading it
// afresh; after this many passes the request gets 503 contention.
constexpr int kMaxEventPasses = 3;

// A series holds 2 to this many starts in one commit.
constexpr size_t kMaxSeriesStarts = 12;

struct CreateRequest {
  std::string event_id;
  int64_t start = 0;
  std::vector<int64_t> starts;  // a series (in order, each once); empty: one start
  Guest guest;
  std::vector<std::string> methods;  // empty: the event's
  std::string success_url, cancel_url;
  std::string pack_id;  // paid with a credit of this pack (booking/packs.h), not through Checkout
  std::string origin;  // where the request was made: a default return path is on it
  // Under an Idempotency-Key: its store key and the request's fingerprint (only a
  // request under a key is ever compared with another); both empty without one.
  std::string idem_key, fingerprint;
};

// A series' starts: 2 to kMaxSeriesStarts RFC 3339 timestamps, in order, each once.
bool read_starts(const JsonValue& v, std::vector<int64_t>& out, std::string& error) {
  if (!v.IsArray() || v.Size() < 2 || v.Size() > kMaxSeriesStarts)
    return error = "starts must be a list of 2 to " + std::to_string(kMaxSeriesStarts) + " RFC 3339 timestamps", false;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const std::string at = "starts[" + std::to_string(i) + "]";
    auto t = v[i].IsString() ? parse_rfc3339(string_of(v[i])) : std::nullopt;
    if (!t) return error = at + " must be an RFC 3339 timestamp such as 2030-01-01T09:00:00Z", false;
    if (!out.empty() && *t <= out.back()) return error = at + " must come after the start before it", false;
    out.push_back(*t);
  }
  return true;
}

// One pass over the body's members. A repeated key counts as its last occurrence, as
// in the fingerprint below: two bodies with one fingerprint always read the same.
std::optional<CreateRequest> read_create(const JsonValue& body, std::string& error) {
  const JsonValue *event_id = nullptr, *start = nullptr, *guest = nullptr, *methods = nullptr;
  const JsonValue *success_url = nullptr, *cancel_url = nullptr, *starts = nullptr, *pack_id = nullptr;
  UnknownField unknown;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "event_id") event_id = &it->value;
    else if (k == "start") start = &it->value;
    else if (k == "starts") starts = &it->value;
    else if (k == "guest") guest = &it->value;
    else if (k == "payment_method_types") methods = &it->value;
    else if (k == "success_url") success_url = &it->value;
    else if (k == "cancel_url") cancel_url = &it->value;
    else if (k == "pack_id") pack_id = &it->value;
    else unknown.note(k);
  }
  if (auto named = unknown.message()) return error = *named, std::nullopt;
  if (!event_id || !event_id->IsString() || !valid_client_id(string_of(*event_id)))
    return error = "event_id is required (a string id)", std::nullopt;
  std::vector<int64_t> series;
  if (starts && start) return error = "give either start or starts, not both", std::nullopt;
  if (starts && !read_starts(*starts, series, error)) return std::nullopt;
  if (!starts && (!start || !start->IsString())) return error = "start is required (an RFC 3339 timestamp)", std::nullopt;
  auto t = starts ? std::optional<int64_t>(series.front()) : parse_rfc3339(string_of(*start));
  if (!t) return error = "start must be an RFC 3339 timestamp such as 2030-01-01T09:00:00Z", std::nullopt;
  std::optional<Guest> who = read_guest(guest, error);
  if (!who) return std::nullopt;
  if (pack_id && (!pack_id->IsString() || !valid_minted_id(string_of(*pack_id))))
    return error = "pack_id must be the id of a pack (POST /v1/packs)", std::nullopt;
  if (pack_id && starts) return error = "pack_id pays for one booking: give start, not starts", std::nullopt;
  CreateRequest c;
  c.event_id = string_of(*event_id);
  c.start = *t;
  c.starts = std::move(series);
  c.guest = std::move(*who);
  if (pack_id) c.pack_id = string_of(*pack_id);
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
  if (!read_return_urls(success_url, cancel_url, c.success_url, c.cancel_url, error)) return std::nullopt;
  return c;
}

// What a hold's request answers once its checkout was opened (or could not be).
HttpResponse checkout_answer(const CheckoutOutcome& out, bool replayed) {
  using Kind = CheckoutOutcome::Kind;
  switch (out.kind) {
    case Kind::Linked: {
      HttpResponse res = reservation_body(201, *out.reservation);
      if (replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
      return res;
    }
    case Kind::Deferred: return provider_unavailable();
    case Kind::Refused:
      return error_response(ErrorCode::payment_provider_error, "the payment provider could not open a checkout session; the slot was not kept");
    case Kind::Released: return error_response(ErrorCode::reservation_released, "the hold was released before checkout could open");
    case Kind::Busy: return contention();
    case Kind::StoreError: return store_unavailable();
  }
  return store_unavailable();
}

// The same key with the same request replays; the answer follows the reservation's
// current state, so a replay after a crash finishes what the first attempt began.
Co<HttpResponse> replay(ApiServices& s, std::string rid) {
  Loaded<Reservation> loaded = co_await load_reservation(s, std::move(rid));
  if (!loaded.record) co_return store_unavailable();  // the key's record must exist
  std::optional<Reservation>& r = loaded.record;
  if (r->checkout_session_id.empty() && r->pack_id.empty()) {
    // No checkout was ever handed out for this hold: finish it if it still stands.
    if (r->status == ReservationStatus::Released &&
        r->release_reason == release_reason_name(ReleaseReason::payment_provider_error))
      co_return error_response(ErrorCode::payment_provider_error, "the payment provider could not open a checkout session; the slot was not kept");
    if (r->status == ReservationStatus::PendingPayment && r->active_at(s.now()))
      co_return checkout_answer(co_await open_checkout(s, std::move(*r)), true);
    co_return error_response(ErrorCode::reservation_released, "the hold ended before checkout could open");
  }
  HttpResponse res = reservation_body(201, *r);
  res.headers.emplace_back("Idempotent-Replayed", "true");
  co_return res;
}

// A request whose Idempotency-Key has a record: the same request replays, another
// one is refused.
Co<HttpResponse> replay_under_key(ApiServices& s, KvItem record, std::string fingerprint) {
  auto rec = key_record_from_storage(record.value);
  if (!rec) co_return store_unavailable();
  if (rec->fingerprint != fingerprint)
    co_return error_response(ErrorCode::idempotency_key_reused, "this Idempotency-Key was used with a different request");
  if (rec->reservation_id.empty()) co_return store_unavailable();  // a fingerprint of this request names a reservation
  co_return co_await replay(s, rec->reservation_id);
}

// Parse: the body, then the Idempotency-Key and the fingerprint of the body under it.
std::optional<CreateRequest> parse_create(const HttpRequest& req, HttpResponse& error) {
  auto body = parse_object_body(req, error);
  if (!body) return std::nullopt;
  std::string message;
  auto in = read_create(*body, message);
  if (!in) return error = validation_failed(message), std::nullopt;
  in->origin = request_origin(req);
  if (!read_idempotency(req, *body, in->idem_key, in->fingerprint, error)) return std::nullopt;
  return in;
}

// The event type a hold is planned with, and the store version it was read at.
struct EventAtHand {
  EventType event;
  uint64_t version = 0;
  bool from_cache = false;  // the instance's copy: a refusal is judged again as stored
};

// The first read: the event type to plan with, or already the answer (a replay under
// the request's key, an unknown event type, a store failure).
using FirstRead = std::variant<EventAtHand, HttpResponse>;

// The first pass takes the event type from the instance's cache when it is there;
// the hold's commit then checks its version (decide_hold).
Co<FirstRead> read_event_or_replay(ApiServices& s, const CreateRequest& in, bool may_use_cache) {
  EventAtHand at;
  if (const EventCache::Entry* cached = may_use_cache ? s.events.find(in.event_id) : nullptr)
    at = EventAtHand{cached->event, cached->version, true};
  std::vector<std::string> first_keys;
  if (!in.idem_key.empty()) first_keys.push_back(in.idem_key);
  if (!at.from_cache) first_keys.push_back(keys::event(in.event_id));
  if (first_keys.empty()) co_return at;
  ReadResult first = co_await s.store.read(first_keys);
  if (first.status != StoreStatus::Ok) co_return store_unavailable();
  // A retry replays what its key answered, before anything about the event is judged.
  if (!in.idem_key.empty() && first.items[0].present())
    co_return co_await replay_under_key(s, first.items[0], in.fingerprint);
  if (at.from_cache) co_return at;
  const KvItem& item = first.items.back();
  if (!item.present()) co_return not_found(ErrorCode::event_not_found);
  std::optional<EventType> event = event_from_storage(item.value);
  if (!event) co_return store_unavailable();
  s.events.put(*event, item.version);
  at.event = std::move(*event);
  at.version = item.version;
  co_return at;
}

const std::vector<std::string>& chosen_methods(const CreateRequest& in, const EventType& event) {
  return in.methods.empty() ? event.payment_method_types : in.methods;
}

// The clock-only rules (notice, horizon) and the payment methods: a refusal answers
// before any transaction. Alignment and working hours are judged inside the hold's
// transaction, against the availability it reads and checks.
std::optional<HttpResponse> clock_refusal(const EventType& event, const CreateRequest& in, int64_t now) {
  const SlotRule early = check_slot(event, nullptr, in.start, now);
  if (early == SlotRule::TooSoon || early == SlotRule::TooFarAhead)
    return error_response(ErrorCode::slot_not_offered, slot_rule_message(early));
  if (!in.pack_id.empty() && event.requires_approval())
    return validation_failed("pack_id: a booking its expert approves first cannot be paid with a pack");
  for (const auto& m : chosen_methods(in, event)) {
    bool offered = false;
    for (const auto& e : event.payment_method_types) offered |= e == m;
    if (!offered) return validation_failed("payment_method_types must be among the event's: " + m + " is not");
  }
  return std::nullopt;
}

// A collective meeting's other members: every member of an "all" pool but the one the
// event type is listed under (its expert_id). None for any other event type.
std::vector<std::string> team_of(const EventType& event) {
  std::vector<std::string> team;
  if (!event.pool || !event.pool->collective()) return team;
  for (const std::string& member : event.pool->experts)
    if (member != event.expert_id) team.push_back(member);
  return team;
}

Reservation new_hold(ApiServices& s, const CreateRequest& in, const EventType& event, int64_t now) {
  Reservation r;
  r.id = s.time_ordered_id("rsv_");
  r.event_id = event.id;
  r.start = in.start;
  r.end = in.start + event.duration_minutes * kMinuteMs;
  r.guest = in.guest;
  r.status = ReservationStatus::PendingPayment;
  plan_hold_expiry(s.cfg, now, r);
  r.title = event.title;
  r.price = event.price;
  r.payment_method_types = chosen_methods(in, event);
  r.success_url = in.success_url.empty() ? checkout_return_url(s.cfg.default_success_url, in.origin, r.id) : in.success_url;
  r.cancel_url = in.cancel_url.empty() ? checkout_return_url(s.cfg.default_cancel_url, in.origin, r.id) : in.cancel_url;
  r.created_at = now;
  r.idempotency_key = in.idem_key;
  r.seats = event.seats;
  r.cancellation = cancellation_terms(event.cancellation, r.start);
  r.approval_minutes = event.requires_approval() ? event.approval->respond_within_minutes : 0;
  r.pack_id = in.pack_id;
  r.team = team_of(event);
  return r;
}

// A pool's hold (booking/pool.h): its state as the turn order was planned from it, and
// the state after giving this member the booking, checked and written in the commit.
// No key: not a pool's hold.
struct PoolTurn {
  std::string key;
  uint64_t version = 0;
  std::string next;
};

// What a new hold's transaction decides with.
struct HoldTerms {
  Reservation hold;
  EventType event;
  uint64_t event_version = 0;
  std::string event_key, avail_key, idem_key, payouts_key;
  std::string pack_key;  // paid with a pack's credit: the pack, checked and written with the hold
  std::string idem_value;  // the key's record, committed with the hold
  std::vector<std::string> counters;  // the caps' counters its transaction reads
  // A collective meeting: each other member's hours key and caps' counters, by member.
  std::map<std::string, std::string> team_hours;
  std::map<std::string, std::vector<std::string>> team_counters;
  PoolTurn pool;
};

HoldTerms hold_terms(const CreateRequest& in, const EventAtHand& at, Reservation hold, std::vector<std::string> counters) {
  HoldTerms t;
  t.counters = std::move(counters);
  t.event = at.event;
  t.event_version = at.version;
  t.event_key = keys::event(in.event_id);
  t.avail_key = keys::availability(at.event.expert_id);
  t.payouts_key = keys::payouts(at.event.expert_id);
  t.idem_key = in.idem_key;
  if (!in.pack_id.empty()) t.pack_key = keys::pack(in.pack_id);
  if (!in.idem_key.empty()) t.idem_value = key_record_to_storage({in.fingerprint, hold.id, {}});
  for (const std::string& member : hold.team) t.team_hours[member] = keys::availability(member);
  t.hold = std::move(hold);
  return t;
}

// The span a new hold claims, with its seat group and the guest whose hold it is.
NewSpan hold_span(const EventType& event, const Reservation& r) {
  NewSpan where;
  where.expert_id = event.expert_id;
  where.team = r.team;
  where.span = blocked_span(event, r.start);
  where.guest_email = r.guest.email;
  where.group = seat_group(event.id, r.start, event.seats);
  where.seats = event.seats;
  return where;
}

// An expert paid through a connected account takes a hold only while Stripe says the
// account can take charges, and said so lately (booking/payouts.h).
std::optional<Refused> payouts_refusal(const TxnView& v, const std::string& key) {
  const KvItem* item = v.snapshot.find(key);
  if (!item || !item->present()) return std::nullopt;
  const std::optional<Payouts> p = payouts_from_storage(item->value);
  if (!p) return Refused{Refusal::StoreTrouble};
  if (p->needs_check(v.now)) return Refused{Refusal::AccountUnchecked};
  if (!*p->charges_enabled) return Refused{Refusal::CannotTakePayments};
  return std::nullopt;
}

// The destination charge the hold is made under, fixed on it.
void take_payouts(const TxnView& v, const std::string& key, Reservation& hold) {
  const KvItem* item = v.snapshot.find(key);
  const std::optional<Payouts> p = item && item->present() ? payouts_from_storage(item->value) : std::nullopt;
  if (!p) return;
  hold.transfer_destination = p->stripe_account;
  hold.application_fee = p->application_fee(hold.price.amount);
  hold.on_behalf_of = p->on_behalf_of;
}

// A booking paid with a pack stands only while, as of its commit, the pack is this
// guest's, of this event type, paid, unexpired and has a credit left.
std::optional<Refused> credit_refusal_of(const TxnView& v, const HoldTerms& t, std::optional<Pack>& pack) {
  const KvItem* item = v.snapshot.find(t.pack_key);
  if (!item || !item->present()) return Refused{Refusal::PackRefused};
  pack = pack_from_storage(item->value);
  if (!pack) return Refused{Refusal::StoreTrouble};
  const CreditRefusal no = credit_refusal(*pack, t.event.id, t.hold.guest.email, v.now);
  if (no == CreditRefusal::None) return std::nullopt;
  Refused refused{Refusal::PackRefused};
  refused.credit = no;
  return refused;
}

// The booking is paid by the credit it takes: confirmed in the same commit that spends
// it, with no Checkout Session.
void spend_credit(int64_t now, const std::string& key, Pack pack, TxnPlan& plan) {
  ++pack.used;
  pack.updated_at = now;
  plan.next.status = ReservationStatus::Confirmed;
  plan.next.confirmed_at = now;
  plan.extra_mutations.push_back({KvMutation::Op::Set, key, pack_to_storage(pack)});
}

// A collective meeting stands only where every other member's hours offer its start
// and their caps have room; it is counted under each member's caps.
std::optional<Refused> team_refusal(const TxnView& v, const HoldTerms& t, Counted& counted) {
  static const std::vector<std::string> kNone;
  for (const auto& [member, hours_key] : t.team_hours) {
    const auto read = t.team_counters.find(member);
    const StartCheck check{t.event, member, hours_key, t.hold.start, -1, read == t.team_counters.end() ? kNone : read->second,
                           t.hold.id};
    Counted theirs;
    if (auto refused = start_refusal(v, check, theirs)) {
      refused->expert = member;
      return refused;
    }
    count_also(counted, std::move(theirs));
  }
  return std::nullopt;
}

// The hold stands only if, as of its commit, the event type is still the version it
// was planned with, the working hours offer its start, no twin under its key came
// first, the span is free and the guest is under the hold limit.
TxnPlan decide_hold(const Config& cfg, const HoldTerms& t, const TxnView& v, std::optional<Refused>& why) {
  const KvItem* event_now = v.snapshot.find(t.event_key);
  if (!event_now || event_now->version != t.event_version) return refuse(why, {Refusal::EventChanged});
  Counted counted;
  const StartCheck check{t.event, t.event.expert_id, t.avail_key, t.hold.start, -1, t.counters, t.hold.id};
  if (auto refused = start_refusal(v, check, counted)) return refuse(why, std::move(*refused));
  if (auto refused = team_refusal(v, t, counted)) return refuse(why, std::move(*refused));
  if (!t.idem_key.empty()) {
    const KvItem* seen = v.snapshot.find(t.idem_key);
    if (seen && seen->present()) return refuse(why, {Refusal::KeyRaced});
  }
  if (!t.pool.key.empty()) {
    const KvItem* turns = v.snapshot.find(t.pool.key);
    if (!turns || turns->version != t.pool.version) return refuse(why, {Refusal::PoolMoved});
  }
  std::optional<Pack> pack;
  if (!t.pack_key.empty()) {
    if (auto refused = credit_refusal_of(v, t, pack)) return refuse(why, *refused);
  } else if (auto refused = payouts_refusal(v, t.payouts_key)) {
    return refuse(why, *refused);
  }
  if (!v.span_free) return refuse(why, {Refusal::SlotTaken});
  const int64_t max_holds = cfg.max_active_holds_per_guest;
  // A series counts once, as its lead (booking/guest_holds.h); a booking paid with a
  // credit is no unpaid hold.
  const bool limited = (!t.hold.in_series() || t.hold.series_lead()) && !pack;
  if (limited && max_holds > 0 && v.guest_holds >= max_holds) return refuse(why, {Refusal::TooManyHolds});
  TxnPlan plan;
  plan.kind = TxnPlan::Kind::Write;
  plan.next = t.hold;
  // The hold begins when it commits: a request whose snapshot came late (its task
  // stalled) still holds for the whole checkout lifetime, never for less or not at all.
  plan.next.created_at = v.now;
  plan_hold_expiry(cfg, v.now, plan.next);
  if (pack) spend_credit(v.now, t.pack_key, std::move(*pack), plan);
  else take_payouts(v, t.payouts_key, plan.next);
  count_as(plan.next, std::move(counted));
  if (!t.idem_key.empty()) plan.extra_mutations.push_back({KvMutation::Op::Set, t.idem_key, t.idem_value});
  if (!t.pool.key.empty()) plan.extra_mutations.push_back({KvMutation::Op::Set, t.pool.key, t.pool.next});
  return plan;
}

using HoldResult = std::variant<Reservation, Refused>;

// Decide in the transaction: the hold as committed, or why there is none.
Co<HoldResult> hold_slot(ApiServices& s, HoldTerms terms, NewSpan where) {
  std::optional<Refused> why;
  const Config& cfg = s.cfg;
  Decide decide = [&cfg, &terms, &why](const TxnView& v) { return decide_hold(cfg, terms, v, why); };
  std::vector<std::string> extra{terms.avail_key, terms.event_key, terms.payouts_key};
  if (!terms.idem_key.empty()) extra.push_back(terms.idem_key);
  if (!terms.pool.key.empty()) extra.push_back(terms.pool.key);
  if (!terms.pack_key.empty()) extra.push_back(terms.pack_key);
  for (const auto& [member, hours_key] : terms.team_hours) extra.push_back(hours_key);
  TxnOutcome held = co_await run_reservation_txn(s, terms.hold.id, std::move(where), std::move(extra), decide);
  switch (held.kind) {
    case TxnOutcome::Kind::Written: co_return std::move(*held.reservation);
    case TxnOutcome::Kind::Rejected: SG_ASSERT(why.has_value()); co_return *why;
    // The ledger refused a span the decision saw free: taken all the same.
    case TxnOutcome::Kind::Refused: co_return Refused{Refusal::SlotTaken};
    case TxnOutcome::Kind::Busy: co_return Refused{Refusal::Busy};
    default: co_return Refused{Refusal::StoreTrouble};
  }
}

// Why the pack named cannot pay for the booking.
HttpResponse pack_refused(CreditRefusal why) {
  const std::string message(credit_refusal_message(why));
  switch (why) {
    case CreditRefusal::None: return not_found(ErrorCode::pack_not_found);
    case CreditRefusal::NotPaid:
    case CreditRefusal::Lapsed: return error_response(ErrorCode::pack_not_paid, message);
    case CreditRefusal::Expired: return error_response(ErrorCode::pack_expired, message);
    case CreditRefusal::UsedUp: return error_response(ErrorCode::pack_used_up, message);
    case CreditRefusal::OtherEvent:
    case CreditRefusal::OtherGuest: return validation_failed(message);
  }
  return store_unavailable();
}

// The answer to a hold refused for a reason the request cannot retry past by itself.
HttpResponse hold_refused(ApiServices& s, const Refused& no) {
  switch (no.why) {
    case Refusal::NotOffered: return error_response(ErrorCode::slot_not_offered, slot_rule_message(no.rule));
    case Refusal::TooManyHolds:
      s.metrics.add(Metric::holds_refused_total, "reason=\"too_many_holds\"");
      return error_response(ErrorCode::too_many_holds, "this guest already holds " + std::to_string(s.cfg.max_active_holds_per_guest) +
                                " unpaid reservations with this expert; pay for or cancel one first");
    case Refusal::SlotTaken:
      s.metrics.add(Metric::conflicts_total);
      return error_response(ErrorCode::slot_unavailable, "this time is no longer available; choose another slot");
    case Refusal::CannotTakePayments:
      return error_response(ErrorCode::expert_cannot_accept_payments,
                            "this expert's Stripe account cannot take payments yet; nothing was held");
    case Refusal::AccountUnchecked: return provider_unavailable();  // Stripe could not be asked
    case Refusal::PackRefused: return pack_refused(no.credit);
    case Refusal::DayFull:
    case Refusal::WeekFull: return cap_answer(no.why);
    case Refusal::Busy:
    case Refusal::Recount:
    case Refusal::PoolMoved:
    case Refusal::EventChanged: return contention();
    case Refusal::HoursUnreadable:
    case Refusal::KeyRaced:
    case Refusal::NotActive:
    case Refusal::MovedTooOften:  // a hold never moves
    case Refusal::StoreTrouble: return store_unavailable();
  }
  return store_unavailable();
}

// Open checkout for the new hold, or answer why there is none. (`held` by reference:
// g++ 12 mis-copies optional coroutine arguments, see NewSpan, and a variant is the
// same kind of union.)
Co<HttpResponse> answer_hold(ApiServices& s, const CreateRequest& in, HoldResult& held) {
  if (Reservation* r = std::get_if<Reservation>(&held)) {
    s.metrics.add(Metric::holds_created_total);
    s.log(LogLevel::Info, "hold_created", {{"reservation_id", r->id}, {"event_id", r->event_id}});
    if (!r->pack_id.empty()) co_return reservation_body(201, *r);  // paid with its credit
    co_return checkout_answer(co_await open_checkout(s, std::move(*r)), false);
  }
  const Refused& no = std::get<Refused>(held);
  if (no.why != Refusal::KeyRaced) co_return hold_refused(s, no);
  // Another request with this key won the race: answer as its replay.
  ReadResult again = co_await s.store.read_one(in.idem_key);
  if (again.status != StoreStatus::Ok || !again.items[0].present()) co_return store_unavailable();
  co_return co_await replay_under_key(s, again.items[0], in.fingerprint);
}

// One expert's hold: with the caps' counters the hours name (a second pass when they
// are not the ones read), and after asking Stripe about the expert's connected account
// when it was not checked lately.
Co<HoldResult> hold_member(ApiServices& s, const CreateRequest& in, const EventAtHand& at, const PoolTurn& turn) {
  std::vector<std::string> counters;
  std::map<std::string, std::vector<std::string>> team_counters;  // a collective meeting's other members'
  const int passes = kMaxEventPasses + static_cast<int>(team_of(at.event).size());
  for (int pass = 1; pass <= passes; ++pass) {
    Reservation hold = new_hold(s, in, at.event, s.now());
    NewSpan where = hold_span(at.event, hold);
    where.counters = counters;
    for (const auto& [member, theirs] : team_counters) where.counters.insert(where.counters.end(), theirs.begin(), theirs.end());
    HoldTerms terms = hold_terms(in, at, std::move(hold), counters);
    terms.team_counters = team_counters;
    terms.pool = turn;
    HoldResult held = co_await hold_slot(s, std::move(terms), std::move(where));
    const Refused* no = std::get_if<Refused>(&held);
    if (no && no->why == Refusal::Recount) {
      // The caps count it elsewhere: read those.
      if (no->expert.empty()) counters = no->counters;
      else team_counters[no->expert] = no->counters;
      continue;
    }
    if (no && no->why == Refusal::AccountUnchecked && pass < kMaxEventPasses &&
        co_await refresh_connected_account(s, at.event.expert_id))
      continue;  // asked Stripe about the expert's account: decide again
    co_return held;
  }
  co_return Refused{Refusal::Busy};
}

// Whether a member's refusal sends a pool's hold on to the next member, and how much
// it says to the guest when every member refuses (the highest is answered).
int pool_pass_rank(Refusal why) {
  switch (why) {
    case Refusal::SlotTaken: return 5;
    case Refusal::DayFull:
    case Refusal::WeekFull: return 4;
    case Refusal::TooManyHolds: return 3;
    case Refusal::CannotTakePayments: return 2;
    case Refusal::NotOffered: return 1;
    default: return 0;  // the request cannot go on: answered as it is
  }
}

// A pool's hold (booking/pool.h): its members in turn, each through hold_member, with
// the pool's state checked and written in the commit; planned again when another hold
// of the pool committed meanwhile.
Co<HoldResult> hold_in_pool(ApiServices& s, const CreateRequest& in, const EventAtHand& at) {
  const std::string key = keys::pool_state(at.event.id);
  for (int round = 1; round <= kMaxCommitAttempts; ++round) {
    const ReadResult read = co_await s.store.read_one(key);
    if (read.status != StoreStatus::Ok) co_return Refused{Refusal::StoreTrouble};
    const std::optional<PoolState> state = pool_state_from_storage(read.items[0].value);
    if (!state) co_return Refused{Refusal::StoreTrouble};
    std::optional<Refused> answer;
    bool moved = false;
    for (const std::string& expert : turn_order(*at.event.pool, *state)) {
      EventAtHand member = at;
      member.event.expert_id = expert;
      const PoolTurn turn{key, read.items[0].version, pool_state_to_storage(after_giving(*state, expert))};
      HoldResult held = co_await hold_member(s, in, member, turn);
      const Refused* no = std::get_if<Refused>(&held);
      if (!no) co_return held;
      moved = no->why == Refusal::PoolMoved;
      if (moved) break;
      if (pool_pass_rank(no->why) == 0) co_return held;
      if (!answer || pool_pass_rank(no->why) > pool_pass_rank(answer->why)) answer = *no;
    }
    if (!moved) co_return answer ? *answer : Refused{Refusal::SlotTaken};
  }
  co_return Refused{Refusal::Busy};
}

// ---- a series: every start held in one commit, or none ----------------------------

// Which start of a series was refused, and why.
struct SeriesRefused {
  size_t at = 0;
  Refused no{Refusal::StoreTrouble};
};
using SeriesResult = std::variant<std::vector<Reservation>, SeriesRefused>;

// A series is of one expert's event type paid at once: not of a pool, not approved
// booking by booking; and its occurrences may not overlap one another.
std::optional<HttpResponse> series_refusal(const EventType& event, const CreateRequest& in, int64_t now) {
  if (event.pool) return validation_failed("starts: a series is not offered for an event type of a pool");
  if (event.requires_approval()) return validation_failed("starts: a series is not offered for an event type that needs approval");
  for (size_t i = 0; i < in.starts.size(); ++i) {
    CreateRequest one = in;
    one.start = in.starts[i];
    if (auto refused = clock_refusal(event, one, now)) return refused;
    if (i > 0 && overlaps(blocked_span(event, in.starts[i - 1]), blocked_span(event, in.starts[i])))
      return validation_failed("starts[" + std::to_string(i) + "] overlaps the start before it");
  }
  return std::nullopt;
}

// The series' holds as planned: the lead first; only the lead carries the request's
// Idempotency-Key, and the Checkout Session for the total later.
std::vector<Reservation> series_holds(ApiServices& s, const CreateRequest& in, const EventType& event) {
  std::vector<Reservation> holds;
  const std::string series_id = s.time_ordered_id("ser_");
  for (int64_t start : in.starts) {
    CreateRequest one = in;
    one.start = start;
    holds.push_back(new_hold(s, one, event, s.now()));
    holds.back().series_id = series_id;
    if (holds.size() > 1) holds.back().idempotency_key.clear();
  }
  std::vector<std::string> ids;
  for (const auto& h : holds) ids.push_back(h.id);
  for (auto& h : holds) h.series = ids;
  return holds;
}

// One pass: the group transaction over every occurrence, each decided as a single hold.
Co<SeriesResult> hold_series_once(ApiServices& s, const CreateRequest& in, const EventAtHand& at,
                                  const std::vector<std::vector<std::string>>& counters) {
  std::vector<Reservation> holds = series_holds(s, in, at.event);
  std::vector<HoldTerms> terms;
  for (size_t i = 0; i < holds.size(); ++i) {
    CreateRequest one = in;
    one.start = holds[i].start;
    if (i > 0) one.idem_key.clear();
    terms.push_back(hold_terms(one, at, holds[i], counters[i]));
  }
  std::vector<std::optional<Refused>> why(holds.size());
  std::vector<GroupMember> members;
  const Config& cfg = s.cfg;
  for (size_t i = 0; i < holds.size(); ++i) {
    NewSpan where = hold_span(at.event, holds[i]);
    where.counters = counters[i];
    const HoldTerms& t = terms[i];
    std::vector<std::string> extra{t.avail_key, t.event_key, t.payouts_key};
    if (!t.idem_key.empty()) extra.push_back(t.idem_key);
    std::optional<Refused>& no = why[i];
    Decide decide = [&cfg, &t, &no](const TxnView& v) { return decide_hold(cfg, t, v, no); };
    members.push_back(GroupMember{holds[i].id, std::move(where), std::move(extra), std::move(decide)});
  }
  Survey no_survey;
  GroupOutcome held = co_await run_group_txn(s, std::move(members), std::move(no_survey));
  std::vector<Reservation> written;
  switch (held.kind) {
    case TxnOutcome::Kind::Written:
      for (auto& m : held.members) written.push_back(std::move(*m.reservation));
      co_return written;
    case TxnOutcome::Kind::Rejected: SG_ASSERT(why[held.at].has_value()); co_return SeriesRefused{held.at, *why[held.at]};
    case TxnOutcome::Kind::Refused: co_return SeriesRefused{held.at, Refused{Refusal::SlotTaken}};
    case TxnOutcome::Kind::Busy: co_return SeriesRefused{held.at, Refused{Refusal::Busy}};
    default: co_return SeriesRefused{held.at, Refused{Refusal::StoreTrouble}};
  }
}

// Every occurrence with the caps' counters its hours name (a pass more when they are
// not the ones read), after asking Stripe about the expert's connected account when
// it was not checked lately.
Co<SeriesResult> hold_series(ApiServices& s, const CreateRequest& in, const EventAtHand& at) {
  std::vector<std::vector<std::string>> counters(in.starts.size());
  for (int pass = 1; pass <= kMaxEventPasses + static_cast<int>(in.starts.size()); ++pass) {
    SeriesResult held = co_await hold_series_once(s, in, at, counters);
    const SeriesRefused* no = std::get_if<SeriesRefused>(&held);
    if (no && no->no.why == Refusal::Recount) {
      counters[no->at] = no->no.counters;
      continue;
    }
    if (no && no->no.why == Refusal::AccountUnchecked && co_await refresh_connected_account(s, at.event.expert_id))
      continue;
    co_return held;
  }
  co_return SeriesRefused{0, Refused{Refusal::Busy}};
}

// The series' checkout for the total, opened by its lead; or why nothing was held,
// naming the start that was refused.
Co<HttpResponse> answer_series(ApiServices& s, const CreateRequest& in, SeriesResult& held) {
  if (auto* holds = std::get_if<std::vector<Reservation>>(&held)) {
    const std::string no_labels;
    s.metrics.add(Metric::holds_created_total, no_labels, holds->size());
    s.log(LogLevel::Info, "series_held", {{"reservation_id", holds->front().id}, {"series_id", holds->front().series_id}});
    co_return checkout_answer(co_await open_checkout(s, std::move(holds->front())), false);
  }
  const SeriesRefused& no = std::get<SeriesRefused>(held);
  if (no.no.why == Refusal::KeyRaced) {
    HoldResult raced = no.no;
    co_return co_await answer_hold(s, in, raced);
  }
  HttpResponse res = hold_refused(s, no.no);
  if (res.status != 409 && res.status != 422) co_return res;
  const std::string start = format_rfc3339(in.starts[no.at]);
  const std::string named = "starts[" + std::to_string(no.at) + "] (" + start + ")";
  if (no.no.why == Refusal::SlotTaken)
    co_return error_response(ErrorCode::slot_unavailable, named + " is no longer available; nothing of the series was held");
  if (no.no.why == Refusal::NotOffered)
    co_return error_response(ErrorCode::slot_not_offered, named + ": " + std::string(slot_rule_message(no.no.rule)));
  co_return res;
}

}  // namespace

Co<HttpResponse> create_reservation(ApiServices& s, const HttpRequest& req) {
  HttpResponse error;
  std::optional<CreateRequest> in = parse_create(req, error);
  if (!in) co_return error;
  for (int pass = 1;; ++pass) {
    FirstRead first = co_await read_event_or_replay(s, *in, pass == 1);
    if (HttpResponse* answered = std::get_if<HttpResponse>(&first)) co_return std::move(*answered);
    const EventAtHand& at = std::get<EventAtHand>(first);
    const int64_t now = s.now();
    // A refusal is only ever judged against the event as stored: one judged against the
    // remembered copy is judged again after a fresh read.
    if (std::optional<HttpResponse> refused = clock_refusal(at.event, *in, now)) {
      if (!at.from_cache) co_return std::move(*refused);
      s.events.forget(in->event_id);
      continue;
    }
    if (!in->starts.empty()) {
      if (std::optional<HttpResponse> refused = series_refusal(at.event, *in, now)) {
        if (!at.from_cache) co_return std::move(*refused);
        s.events.forget(in->event_id);
        continue;
      }
      SeriesResult series = co_await hold_series(s, *in, at);
      const SeriesRefused* no = std::get_if<SeriesRefused>(&series);
      if (no && no->no.why == Refusal::EventChanged) {
        s.events.forget(in->event_id);
        if (pass < kMaxEventPasses) continue;
        co_return contention();
      }
      co_return co_await answer_series(s, *in, series);
    }
    // (g++ 12 mis-destroys temporaries inside co_await expressions: no ternary, no PoolTurn{}.)
    const PoolTurn no_pool;
    HoldResult held;
    if (at.event.pool && !at.event.pool->collective()) held = co_await hold_in_pool(s, *in, at);
    else held = co_await hold_member(s, *in, at, no_pool);
    const Refused* no = std::get_if<Refused>(&held);
    if (no && no->why == Refusal::EventChanged) {
      s.events.forget(in->event_id);
      if (pass < kMaxEventPasses) continue;
      co_return contention();
    }
    co_return co_await answer_hold(s, *in, held);
  }
}

Co<HttpResponse> get_reservation(ApiServices& s, std::string rid) {
  Loaded<Reservation> r = co_await load_reservation(s, std::move(rid));
  if (!r.record) co_return r.error;
  co_return reservation_body(200, *r.record);
}

// The terms a confirmed booking is cancelled under: its own, recorded when it was held;
// for a record held before terms were recorded, its event type's policy from its
// current start (`event`: nullopt when the event type is gone).
CancellationTerms terms_of(const Reservation& r, const std::optional<EventType>& event) {
  if (r.cancellation) return *r.cancellation;
  return cancellation_terms(event ? event->cancellation : std::nullopt, r.start);
}

// ?unpaid_only=true: cancel only a hold that is not paid. A page that lands on its
// "back from Checkout" address cannot know whether the guest paid in another tab
// meanwhile; with this, a paid booking answers 409 reservation_confirmed and stands.
namespace {
std::optional<bool> unpaid_only(const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) return std::nullopt;
  bool only = false;
  for (const auto& [k, v] : params) {
    if (k != "unpaid_only" || v != "true") return std::nullopt;
    only = true;
  }
  return only;
}
}  // namespace

namespace {
Co<HttpResponse> withdraw(ApiServices& s, std::string rid) {
  const ApprovalOutcome out = co_await decide_approval(s, rid, ApprovalDecision::Decline, ReleaseReason::cancelled);
  using Kind = ApprovalOutcome::Kind;
  if (out.kind == Kind::Done || out.kind == Kind::DecidedOtherwise || out.kind == Kind::NotAwaiting) {
    // Answered whatever the booking became: declined now, or approved or declined first.
    Loaded<Reservation> now = co_await load_reservation(s, rid);
    co_return now.record ? reservation_body(200, *now.record) : now.error;
  }
  if (out.kind == Kind::ProviderUnavailable) co_return provider_unavailable();
  if (out.kind == Kind::NotFound) co_return not_found(ErrorCode::reservation_not_found);
  co_return out.kind == Kind::Busy ? contention() : store_unavailable();
}
}  // namespace

namespace {
// A booking paid with a credit is released, never refunded through Stripe: the credit
// comes back, in the same commit, when its terms would refund the whole price now and
// the pack has not expired; otherwise it stays spent.
TxnPlan give_credit_back(const TxnView& v, const CancellationTerms& terms, TxnPlan& plan) {
  Reservation& next = plan.next;
  next.status = ReservationStatus::Released;
  const std::string key = keys::pack(next.pack_id);
  const KvItem* item = v.snapshot.find(key);
  std::optional<Pack> pack = item && item->present() ? pack_from_storage(item->value) : std::nullopt;
  const bool in_full = terms.refund(next.price.amount, v.now) == next.price.amount;
  if (!pack || !in_full || v.now >= pack->expires_at || pack->used == 0) return plan;
  --pack->used;
  pack->updated_at = v.now;
  next.credit_returned = true;
  plan.extra_mutations.push_back({KvMutation::Op::Set, key, pack_to_storage(*pack)});
  return plan;
}

// What a cancellation does: a confirmed booking is refunded (or released) under its
// terms unless they allow none or only an unpaid hold was to go; a pending hold is
// released. (`event` outlives the transaction that decides with it.)
Decide cancel_decision(const std::optional<EventType>& event, bool paid_stands) {
  return [&event, paid_stands](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    const Reservation& cur = *v.current;
    if (cur.status == ReservationStatus::Confirmed) {
      const CancellationTerms terms = terms_of(cur, event);
      if (paid_stands || !terms.allowed) {
        plan.kind = TxnPlan::Kind::Reject;
        return plan;
      }
      plan.kind = TxnPlan::Kind::Write;
      plan.next = cur;
      plan.next.release_reason = release_reason_name(ReleaseReason::cancelled);
      if (!cur.pack_id.empty()) return give_credit_back(v, terms, plan);
      plan.next.refund_amount = terms.refund(cur.price.amount, v.now);
      plan.next.status = plan.next.refund_amount > 0 ? ReservationStatus::Refunded : ReservationStatus::Released;
      plan.next.refund_next_at = v.now;
      return plan;
    }
    return release_pending(v.current, ReleaseReason::cancelled);
  };
}

// An unpaid series is cancelled whole: every pending occurrence released in one
// commit, and its lead's session closed (a payment made in another tab meanwhile is
// refunded whole, as its webhook would).
Co<HttpResponse> cancel_pending_series(ApiServices& s, const Reservation& r) {
  GroupOutcome out = co_await release_series(s, r.series, ReleaseReason::cancelled, false);
  if (out.kind == TxnOutcome::Kind::Busy) co_return contention();
  if (out.kind == TxnOutcome::Kind::StoreError) co_return store_unavailable();
  Loaded<Reservation> lead = co_await load_reservation(s, r.series.front());
  if (lead.record && lead.record->status == ReservationStatus::Released && !lead.record->checkout_session_id.empty() &&
      lead.record->payment_intent_id.empty())
    co_await close_released_session(s, *lead.record);
  Loaded<Reservation> now = co_await load_reservation(s, r.id);
  co_return now.record ? reservation_body(200, *now.record) : now.error;
}
}  // namespace

Co<HttpResponse> cancel_reservation(ApiServices& s, const HttpRequest& req, std::string rid) {
  if (!valid_minted_id(rid)) co_return not_found(ErrorCode::reservation_not_found);
  const std::optional<bool> only_unpaid = unpaid_only(req);
  if (!only_unpaid) co_return validation_failed("the only query parameter is unpaid_only=true");
  // A confirmed booking is cancelled under its own terms; one held before terms were
  // recorded, under its event type's policy, read first.
  Loaded<Reservation> found = co_await load_reservation(s, rid);
  if (!found.record) co_return found.error;
  if (found.record->status == ReservationStatus::AwaitingApproval) {
    // The guest withdraws before the expert answered: declined, the authorization voided.
    if (*only_unpaid) co_return error_response(ErrorCode::reservation_confirmed, "this reservation is paid: it stands (unpaid_only)");
    co_return co_await withdraw(s, rid);
  }
  if (found.record->status == ReservationStatus::PendingPayment && found.record->in_series())
    co_return co_await cancel_pending_series(s, *found.record);
  std::optional<EventType> event;
  if (found.record->status == ReservationStatus::Confirmed && !*only_unpaid && !found.record->cancellation) {
    Loaded<EventType> loaded = co_await load_event(s, found.record->event_id);
    if (!loaded.record && loaded.error.status != 404) co_return loaded.error;
    event = std::move(loaded.record);
  }
  Decide decide = cancel_decision(event, *only_unpaid);
  // A booking paid with a credit reads its pack, to give the credit back in the commit.
  std::vector<std::string> pack_key;
  if (!found.record->pack_id.empty()) pack_key.push_back(keys::pack(found.record->pack_id));
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), std::move(pack_key), decide);
  switch (out.kind) {
    case TxnOutcome::Kind::NotFound: co_return not_found(ErrorCode::reservation_not_found);
    case TxnOutcome::Kind::Refused:  // a release never activates a span
    case TxnOutcome::Kind::Rejected:
      co_return error_response(ErrorCode::reservation_confirmed, *only_unpaid ? "this reservation is paid: it stands (unpaid_only)"
                                                                            : "this confirmed reservation is paid and its event type allows no cancellation");
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::StoreError: co_return store_unavailable();
    case TxnOutcome::Kind::NoChange: co_return reservation_body(200, *out.reservation);
    case TxnOutcome::Kind::Written: break;
  }
  const std::string_view why = release_reason_name(ReleaseReason::cancelled);
  s.metrics.add(Metric::releases_total, "reason=\"" + std::string(why) + "\"");
  s.log(LogLevel::Info, "reservation_released", {{"reservation_id", rid}, {"reason", why}});
  Reservation r = *out.reservation;
  if (r.status == ReservationStatus::Refunded) {
    // Queued in the same commit; this first try is only a head start on the sweep.
    s.metrics.add(Metric::refunds_total);
    co_await execute_refund(s, r);
    Loaded<Reservation> after = co_await load_reservation(s, rid);
    if (after.record) r = std::move(*after.record);
  } else if (!r.checkout_session_id.empty() && r.payment_intent_id.empty()) {
    // Paid in another tab meanwhile: refunded now rather than by a webhook that may
    // never come (payments/reconcile.h).
    if (co_await close_released_session(s, r)) {
      Loaded<Reservation> after = co_await load_reservation(s, rid);
      if (after.record) r = std::move(*after.record);
    }
  }
  co_return reservation_body(200, r);
}

}  // namespace slotguard::api
