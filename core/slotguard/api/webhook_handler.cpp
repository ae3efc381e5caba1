// POST /v1/stripe/webhook: verify the signature over the raw body, then apply the
// event's effect exactly once (see payment_effects.h).
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/api/handlers.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/payments/connect.h"
#include "slotguard/payments/stripe/session_events.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::api {

namespace {

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
  auto doc = parse_json(req.body, kWebhookBodyDepth);
  const std::optional<SessionEvent> event = doc ? read_session_event(*doc) : std::nullopt;
  if (!event) co_return error_response(ErrorCode::invalid_event, "the body is not a Stripe event (id, type, data.object)");
  doc.reset();  // everything needed is read out of it
  const std::string& type = event->ref.type;

  // A cheap early answer for redeliveries, before any Stripe lookup. (The effect's own
  // commit checks the same key, so a duplicate racing past this still applies once.)
  ReadResult seen = co_await s.store.read_one(keys::webhook_event(event->ref.id));
  if (seen.status != StoreStatus::Ok) co_return store_unavailable();
  if (seen.items[0].present()) {
    s.metrics.add(Metric::webhook_events_total, "type=\"" + metric_label(type) + "\",outcome=\"duplicate\"");
    co_return received("duplicate", true);
  }
  EffectResult res;
  if (event->about_session) res = co_await apply_session_event(s, *event);
  else if (event->account) res = co_await apply_account_update(s, event->ref, event->account->first, event->account->second);
  // An event about no reservation or account here, or of a type with no effect:
  // recorded, so a redelivery answers at once.
  if (!event->about_session && !event->account) res = co_await record_event(s, event->ref, "unsupported_type");
  else if (res.kind == EffectResult::Kind::NotFound) res = co_await record_event(s, event->ref, res.outcome);

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
