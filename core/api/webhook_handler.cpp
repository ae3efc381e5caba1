// POST /v1/stripe/webhook: verify the signature over the raw body, then apply the
// event's effect exactly once (see payment_effects.h).
#include "handlers.h"
#include "payment_effects.h"
#include "responses.h"
#include "store_keys.h"
#include "webhook_signature.h"

namespace slotguard::api {

namespace {

std::string string_at(const Json& obj, const char* key) {
  const std::string* s = get_string(obj, key);
  return s ? *s : std::string();
}

// The reservation an event is about: our own id travels in the session's metadata
// and client_reference_id, so events that beat the link still find it.
Co<std::string> find_reservation(Services& s, const Json& session) {
  std::string rid;
  if (const Json* md = get_object(session, "metadata")) rid = string_at(*md, "reservation_id");
  if (rid.empty()) rid = string_at(session, "client_reference_id");
  if (!rid.empty() || string_at(session, "id").empty()) co_return rid;
  ReadResult idx = co_await s.store.read_one(keys::session_index(string_at(session, "id")));
  if (idx.status == StoreStatus::Ok && idx.items[0].present()) rid = idx.items[0].value;
  co_return rid;
}

// How long to keep a Multibanco hold: the voucher's own expiry, read from the
// PaymentIntent, plus the grace period; a configured default when Stripe is silent.
Co<int64_t> voucher_hold_until(Services& s, std::string pi_id) {
  const int64_t fallback = s.now() + s.cfg.multibanco_default_hold_minutes * kMinuteMs;
  if (pi_id.empty()) co_return fallback;
  StripeResult pi = co_await s.stripe.get("/v1/payment_intents/" + pi_id);
  if (!pi.ok()) co_return fallback;
  const Json* next = get_object(pi.object, "next_action");
  const Json* details = next ? get_object(*next, "multibanco_display_details") : nullptr;
  auto expires = details ? get_int(*details, "expires_at") : std::nullopt;
  if (!expires || *expires <= 0) co_return fallback;
  co_return *expires * 1000 + s.cfg.hold_grace_minutes * kMinuteMs;
}

std::optional<bool> livemode_of(const Json& obj) {
  auto it = obj.find("livemode");
  if (it == obj.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

HttpResponse received(const std::string& outcome, bool duplicate) {
  return json_response(200, Json{{"received", true}, {"outcome", outcome}, {"duplicate", duplicate}});
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

Co<HttpResponse> stripe_webhook(Services& s, const HttpRequest& req) {
  if (s.cfg.webhook_secrets.empty())
    co_return error_response(503, "webhook_not_configured", "no webhook signing secret is configured");
  if (req.body.size() > 512 * 1024) co_return error_response(413, "payload_too_large", "the event exceeds 512 KiB");
  const std::string* header = req.header("stripe-signature");
  SignatureCheck check = verify_stripe_signature(header ? *header : std::string(), req.body, s.cfg.webhook_secrets,
                                                 s.now() / 1000, s.cfg.webhook_tolerance_s);
  if (check != SignatureCheck::Valid) {
    s.metrics.add("slotguard_webhook_events_total", "type=\"unknown\",outcome=\"bad_signature\"");
    co_return error_response(400, "invalid_signature", signature_check_message(check));
  }
  auto event = parse_json(req.body, 64);
  const Json* data = event ? get_object(*event, "data") : nullptr;
  const Json* obj = data ? get_object(*data, "object") : nullptr;
  const std::string id = event ? string_at(*event, "id") : std::string();
  const std::string type = event ? string_at(*event, "type") : std::string();
  if (!obj || !safe_id(id) || type.empty() || type.size() > 100)
    co_return error_response(400, "invalid_event", "the body is not a Stripe event (id, type, data.object)");

  EventRef ev{id, type};
  // A cheap early answer for redeliveries, before any Stripe lookup. (The effect's own
  // commit checks the same key, so a duplicate racing past this still applies once.)
  ReadResult seen = co_await s.store.read_one(keys::webhook_event(id));
  if (seen.status != StoreStatus::Ok) co_return store_unavailable();
  if (seen.items[0].present()) {
    s.metrics.add("slotguard_webhook_events_total", "type=\"" + metric_label(type) + "\",outcome=\"duplicate\"");
    co_return received("duplicate", true);
  }
  EffectResult res;
  const std::string prefix = "checkout.session.";
  if (type.rfind(prefix, 0) != 0) {
    res = co_await record_event(s, ev, "unsupported_type");
  } else {
    SessionFacts facts;
    facts.id = string_at(*obj, "id");
    facts.payment_intent = string_at(*obj, "payment_intent");
    if (const Json* md = get_object(*obj, "metadata")) facts.metadata_reservation_id = string_at(*md, "reservation_id");
    facts.amount_total = get_int(*obj, "amount_total");
    facts.currency = string_at(*obj, "currency");
    facts.livemode = livemode_of(*obj);
    if (!facts.livemode) facts.livemode = livemode_of(*event);
    const std::string rid = co_await find_reservation(s, *obj);
    const std::string what = type.substr(prefix.size());
    const std::string paid = string_at(*obj, "payment_status");
    if (rid.empty()) {
      res = co_await record_event(s, ev, "unknown_session");
    } else if ((what == "completed" && (paid == "paid" || paid == "no_payment_required")) ||
               what == "async_payment_succeeded") {
      res = co_await apply_payment(s, ev, rid, facts);
    } else if (what == "completed" && paid == "unpaid") {
      int64_t until = co_await voucher_hold_until(s, facts.payment_intent);
      res = co_await apply_voucher_hold(s, ev, rid, facts, until);
    } else if (what == "async_payment_failed") {
      res = co_await apply_release(s, ev, rid, facts, "payment_failed");
    } else if (what == "expired") {
      res = co_await apply_release(s, ev, rid, facts, "checkout_expired");
    } else {
      res = co_await record_event(s, ev, "unsupported_type");
    }
    if (res.kind == EffectResult::Kind::NotFound) res = co_await record_event(s, ev, "unknown_reservation");
  }

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
  s.metrics.add("slotguard_webhook_events_total", "type=\"" + metric_label(type) + "\",outcome=\"" + outcome + "\"");
  co_return received(outcome, res.kind == EffectResult::Kind::Duplicate);
}

}  // namespace slotguard::api
