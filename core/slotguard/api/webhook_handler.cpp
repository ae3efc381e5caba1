// POST /v1/stripe/webhook: verify the signature over the raw body, then apply the
// event's effect exactly once (see payment_effects.h).
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/api/handlers.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/stripe/checkout_session.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::api {

namespace {

// A string member's value; empty when absent or not a string.
std::string_view string_or_empty(const JsonValue* v) { return v && v->IsString() ? string_of(*v) : std::string_view(); }

std::optional<bool> bool_of(const JsonValue* v) {
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

// What the event says, read in one pass over each object it needs (a repeated key
// counts as its last occurrence). Session fields are read only for checkout.session.*
// events.
struct EventFields {
  std::string id, type;
  const JsonValue* object = nullptr;  // data.object, when an object
  std::optional<bool> livemode;
};

EventFields read_event(const JsonValue& event) {
  EventFields f;
  if (!event.IsObject()) return f;
  const JsonValue *id = nullptr, *type = nullptr, *data = nullptr, *livemode = nullptr;
  for (auto it = event.MemberBegin(); it != event.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "id") id = &it->value;
    else if (k == "type") type = &it->value;
    else if (k == "data") data = &it->value;
    else if (k == "livemode") livemode = &it->value;
  }
  f.id = string_or_empty(id);
  f.type = string_or_empty(type);
  f.livemode = bool_of(livemode);
  if (data && data->IsObject()) {
    const JsonValue* object = nullptr;
    for (auto it = data->MemberBegin(); it != data->MemberEnd(); ++it)
      if (string_of(it->name) == "object") object = &it->value;
    if (object && object->IsObject()) f.object = object;
  }
  return f;
}

// The reservation an event is about: our own id travels in the session's metadata
// and client_reference_id, so events that beat the link still find it.
Co<std::string> find_reservation(ApiServices& s, const SessionState& session) {
  std::string rid = session.facts.metadata_reservation_id;
  if (rid.empty()) rid = session.client_reference_id;
  if (!rid.empty() || session.facts.id.empty()) co_return rid;
  ReadResult idx = co_await s.store.read_one(keys::session_index(session.facts.id));
  if (idx.status == StoreStatus::Ok && idx.items[0].present()) rid = idx.items[0].value;
  co_return rid;
}

// The effect of a checkout.session.<what> event on the reservation it is about.
Co<EffectResult> apply_session_event(ApiServices& s, EventRef ev, const SessionState& session, std::string what) {
  const SessionFacts& facts = session.facts;
  const std::string rid = co_await find_reservation(s, session);
  const std::string& paid = session.payment_status;  // what a completed session says
  EffectResult res;
  if (rid.empty()) {
    res = co_await record_event(s, ev, "unknown_session");
  } else if ((what == "completed" && session.paid()) ||
             what == "async_payment_succeeded") {
    res = co_await apply_payment(s, ev, rid, facts);
  } else if (what == "completed" && paid == "unpaid") {
    int64_t until = co_await voucher_hold_until(s, facts.payment_intent);
    res = co_await apply_voucher_hold(s, ev, rid, facts, until);
  } else if (what == "async_payment_failed") {
    res = co_await apply_release(s, ev, rid, facts, ReleaseReason::payment_failed);
  } else if (what == "expired") {
    res = co_await apply_release(s, ev, rid, facts, ReleaseReason::checkout_expired);
  } else {
    res = co_await record_event(s, ev, "unsupported_type");
  }
  if (res.kind == EffectResult::Kind::NotFound) res = co_await record_event(s, ev, "unknown_reservation");
  co_return res;
}

HttpResponse received(const std::string& outcome, bool duplicate) {
  JsonWriter body;
  body.object().field("received", true).field("outcome", outcome).field("duplicate", duplicate).end_object();
  return json_response(200, body);
}

// Label values stay within [a-z0-9._] so the metrics text can never be broken.
std::string metric_label(const std::string& type) {
  for (char c : type)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) return "other";
  return type;
}

bool safe_id(const std::string& id) {
  if (id.empty() || id.size() > 255) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

}  // namespace

Co<HttpResponse> stripe_webhook(ApiServices& s, const HttpRequest& req) {
  if (s.cfg.webhook_secrets.empty())
    co_return error_response(ErrorCode::webhook_not_configured, "no webhook signing secret is configured");
  if (req.body.size() > 512 * 1024) co_return error_response(ErrorCode::payload_too_large, "the event exceeds 512 KiB");
  const std::string* header = req.header("stripe-signature");
  SignatureCheck check = verify_stripe_signature(header ? *header : std::string(), req.body, s.cfg.webhook_secrets,
                                                 s.now() / 1000, s.cfg.webhook_tolerance_s);
  if (check != SignatureCheck::Valid) {
    s.metrics.add(Metric::webhook_events_total, "type=\"unknown\",outcome=\"bad_signature\"");
    co_return error_response(ErrorCode::invalid_signature, signature_check_message(check));
  }
  auto event = parse_json(req.body, kWebhookBodyDepth);
  const EventFields fields = event ? read_event(*event) : EventFields{};
  const std::string& id = fields.id;
  const std::string& type = fields.type;
  if (!fields.object || !safe_id(id) || type.empty() || type.size() > 100)
    co_return error_response(ErrorCode::invalid_event, "the body is not a Stripe event (id, type, data.object)");
  const std::string prefix = "checkout.session.";
  const bool about_session = type.rfind(prefix, 0) == 0;
  SessionState session;
  if (about_session) {
    session = read_session(*fields.object);
    if (!session.facts.livemode) session.facts.livemode = fields.livemode;
  }
  event.reset();  // everything needed is read out of it

  EventRef ev{id, type};
  // A cheap early answer for redeliveries, before any Stripe lookup. (The effect's own
  // commit checks the same key, so a duplicate racing past this still applies once.)
  ReadResult seen = co_await s.store.read_one(keys::webhook_event(id));
  if (seen.status != StoreStatus::Ok) co_return store_unavailable();
  if (seen.items[0].present()) {
    s.metrics.add(Metric::webhook_events_total, "type=\"" + metric_label(type) + "\",outcome=\"duplicate\"");
    co_return received("duplicate", true);
  }
  EffectResult res;
  if (about_session)
    res = co_await apply_session_event(s, ev, session, type.substr(prefix.size()));
  else
    res = co_await record_event(s, ev, "unsupported_type");

  std::string outcome = res.outcome;
  switch (res.kind) {
    case EffectResult::Kind::Duplicate: outcome = "duplicate"; break;
    case EffectResult::Kind::Busy: co_return contention();  // Stripe retries
    // Nothing was recorded: Stripe delivers the event again and the retry decides anew.
    case EffectResult::Kind::Refused: co_return contention();
    case EffectResult::Kind::ProviderUnavailable: co_return provider_unavailable();
    case EffectResult::Kind::StoreError:
    case EffectResult::Kind::NotFound: co_return store_unavailable();
    case EffectResult::Kind::Applied: break;
  }
  s.metrics.add(Metric::webhook_events_total, "type=\"" + metric_label(type) + "\",outcome=\"" + outcome + "\"");
  co_return received(outcome, res.kind == EffectResult::Kind::Duplicate);
}

}  // namespace slotguard::api
