#include "slotguard/payments/stripe/session_events.h"

#include "slotguard/payments/pack_checkout.h"

#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

namespace slotguard {

namespace {

std::string_view string_or_empty(const JsonValue* v) { return v && v->IsString() ? string_of(*v) : std::string_view(); }

bool safe_id(std::string_view id) {
  if (id.empty() || id.size() > 255) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

const JsonValue* data_object(const JsonValue* data) {
  if (!data || !data->IsObject()) return nullptr;
  const JsonValue* object = nullptr;
  for (auto it = data->MemberBegin(); it != data->MemberEnd(); ++it)
    if (string_of(it->name) == "object") object = &it->value;
  return object && object->IsObject() ? object : nullptr;
}

// The reservation an event is about: our own id travels in the session's metadata
// and client_reference_id, so events that beat the link still find it.
Co<std::string> find_reservation(Services& s, const SessionState& session) {
  std::string rid = session.facts.metadata_reservation_id;
  if (rid.empty()) rid = session.client_reference_id;
  if (!rid.empty() || session.facts.id.empty()) co_return rid;
  ReadResult idx = co_await s.store.read_one(keys::session_index(session.facts.id));
  if (idx.status == StoreStatus::Ok && idx.items[0].present()) rid = idx.items[0].value;
  co_return rid;
}

// Whether this store holds the reservation: asked before a Stripe call an event about
// another store's reservation (one store per expert) must not cost.
Co<bool> holds_reservation(Services& s, const std::string& rid) {
  ReadResult got = co_await s.store.read_one(keys::reservation(rid));
  co_return got.status != StoreStatus::Ok || got.items[0].present();  // a failed read decides nothing here
}

EffectResult provider_unavailable(std::string outcome) {
  EffectResult res;
  res.kind = EffectResult::Kind::ProviderUnavailable;
  res.outcome = std::move(outcome);
  return res;
}

EffectResult not_found(std::string outcome) {
  EffectResult res;
  res.kind = EffectResult::Kind::NotFound;
  res.outcome = std::move(outcome);
  return res;
}

}  // namespace

std::optional<SessionEvent> read_session_event(const JsonValue& event) {
  if (!event.IsObject()) return std::nullopt;
  const JsonValue *id = nullptr, *type = nullptr, *data = nullptr, *livemode = nullptr;
  for (auto it = event.MemberBegin(); it != event.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "id") id = &it->value;
    else if (k == "type") type = &it->value;
    else if (k == "data") data = &it->value;
    else if (k == "livemode") livemode = &it->value;
  }
  const JsonValue* object = data_object(data);
  SessionEvent ev;
  ev.ref = EventRef{std::string(string_or_empty(id)), std::string(string_or_empty(type))};
  if (!object || !safe_id(ev.ref.id) || ev.ref.type.empty() || ev.ref.type.size() > 100) return std::nullopt;
  ev.about_session = ev.ref.type.rfind(kSessionEventPrefix, 0) == 0;
  if (ev.ref.type == "account.updated") {
    auto id = get_string(*object, "id");
    if (id) ev.account.emplace(std::string(*id), get_bool(*object, "charges_enabled").value_or(false));
  }
  if (ev.about_session) {
    ev.session = read_session(*object);
    if (!ev.session.facts.livemode && livemode && livemode->IsBool()) ev.session.facts.livemode = livemode->GetBool();
  }
  return ev;
}

Co<EffectResult> apply_session_event(Services& s, const SessionEvent& ev) {
  SG_ASSERT(ev.about_session);
  const SessionState& session = ev.session;
  const SessionFacts& facts = session.facts;
  const std::string what = ev.ref.type.substr(kSessionEventPrefix.size());
  // A session that buys a pack names its pack, and no reservation.
  if (!facts.metadata_pack_id.empty() && facts.metadata_reservation_id.empty())
    co_return co_await apply_pack_event(s, ev.ref, what, session);
  const std::string rid = co_await find_reservation(s, session);
  if (rid.empty()) co_return not_found("unknown_session");
  EffectResult res;
  if ((what == "completed" && session.paid()) || what == "async_payment_succeeded") {
    res = co_await apply_payment(s, ev.ref, rid, facts);
  } else if (what == "completed" && session.payment_status == "unpaid") {
    // An authorization and a voucher both complete unpaid; until Stripe says which,
    // nothing is decided (the webhook answers 503 and comes again).
    if (!co_await holds_reservation(s, rid)) co_return not_found("unknown_reservation");  // not Stripe's time
    const UnpaidIntent intent = co_await read_unpaid_intent(s, facts.payment_intent);
    if (!intent.known) res = provider_unavailable("payment_intent_unread");
    else if (intent.authorized) res = co_await apply_authorization(s, ev.ref, rid, facts);
    else res = co_await apply_voucher_hold(s, ev.ref, rid, facts, intent.voucher_hold_until);
  } else if (what == "async_payment_failed") {
    res = co_await apply_release(s, ev.ref, rid, facts, ReleaseReason::payment_failed);
  } else if (what == "expired") {
    res = co_await apply_release(s, ev.ref, rid, facts, ReleaseReason::checkout_expired);
  } else {
    res = co_await record_event(s, ev.ref, "unsupported_type");
  }
  if (res.kind == EffectResult::Kind::NotFound) co_return not_found("unknown_reservation");
  co_return res;
}

}  // namespace slotguard
