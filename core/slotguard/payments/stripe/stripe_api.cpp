#include "slotguard/payments/stripe/stripe_api.h"

namespace slotguard {

StripeResult parse_stripe_response(const FetchResponse& res) {
  StripeResult out;
  if (!res.transport_ok) return out;
  out.http_status = res.status;
  auto body = parse_json(res.body, 32);
  if (res.status >= 200 && res.status < 300 && body && body->IsObject()) {
    out.kind = StripeResult::Kind::Ok;
    out.object = std::move(*body);
    return out;
  }
  out.kind = StripeResult::Kind::ApiError;
  // {"error": {"type", "code", "message", "param"}}; a repeated key counts with its last value.
  if (const JsonValue* err = body ? get_object(*body, "error") : nullptr) {
    for (auto it = err->MemberBegin(); it != err->MemberEnd(); ++it) {
      const std::string_view k = string_of(it->name);
      std::string* field = k == "type" ? &out.error_type
                           : k == "code" ? &out.error_code
                           : k == "message" ? &out.error_message
                           : k == "param" ? &out.error_param
                                          : nullptr;
      if (!field) continue;
      if (it->value.IsString()) field->assign(it->value.GetString(), it->value.GetStringLength());
      else field->clear();
    }
  }
  if (out.error_type.empty()) out.error_type = res.status >= 500 ? "api_error" : "invalid_response";
  return out;
}

Co<StripeResult> StripeApi::post(std::string path, FormBody form, std::string idempotency_key) {
  FetchRequest req{"POST", cfg_.stripe_api_base + path, {}, form.text(), cfg_.http_timeout_ms};
  req.headers = {{"Authorization", "Bearer " + cfg_.stripe_secret_key},
                 {"Stripe-Version", kStripeApiVersion},
                 {"Content-Type", "application/x-www-form-urlencoded"},
                 {"Idempotency-Key", std::move(idempotency_key)}};
  FetchResponse res = co_await fetch(ctx_, std::move(req));
  co_return parse_stripe_response(res);
}

Co<StripeResult> StripeApi::get(std::string path_and_query) {
  FetchRequest req{"GET", cfg_.stripe_api_base + path_and_query, {}, {}, cfg_.http_timeout_ms};
  req.headers = {{"Authorization", "Bearer " + cfg_.stripe_secret_key}, {"Stripe-Version", kStripeApiVersion}};
  FetchResponse res = co_await fetch(ctx_, std::move(req));
  co_return parse_stripe_response(res);
}

bool StripeResult::transient() const {
  if (kind == Kind::TransportError) return true;
  if (kind != Kind::ApiError) return false;
  return http_status == 409 || http_status == 429 || http_status >= 500;
}

std::string checkout_idempotency_key(std::string_view reservation_id, int64_t attempt) {
  std::string key = "slotguard-checkout-" + std::string(reservation_id);
  if (attempt > 0) key += "-" + std::to_string(attempt);
  return key;
}

FormBody pack_session_form(const Pack& p) {
  FormBody f;
  f.add("mode", "payment")
      .add("line_items[0][quantity]", "1")
      .add("line_items[0][price_data][currency]", p.price.currency)
      .add("line_items[0][price_data][unit_amount]", std::to_string(p.price.amount))
      .add("line_items[0][price_data][product_data][name]", std::to_string(p.sessions) + " sessions")
      .add("customer_email", p.guest.email)
      .add("client_reference_id", p.id)
      .add("metadata[pack_id]", p.id)
      .add("payment_intent_data[metadata][pack_id]", p.id)
      .add("expires_at", std::to_string(p.session_expires_at / 1000))
      .add("success_url", p.success_url)
      .add("cancel_url", p.cancel_url)
      .add("payment_method_types[0]", "card");
  return f;
}

FormBody checkout_session_form(const Reservation& r) {
  FormBody f;
  f.add("mode", "payment")
      .add("line_items[0][quantity]", std::to_string(r.occurrences()))
      .add("line_items[0][price_data][currency]", r.price.currency)
      .add("line_items[0][price_data][unit_amount]", std::to_string(r.price.amount))
      .add("line_items[0][price_data][product_data][name]", r.title)
      .add("customer_email", r.guest.email)
      .add("client_reference_id", r.id)
      .add("metadata[reservation_id]", r.id)
      .add("payment_intent_data[metadata][reservation_id]", r.id)
      .add("expires_at", std::to_string(r.session_expires_at / 1000))
      .add("success_url", r.success_url)
      .add("cancel_url", r.cancel_url);
  for (size_t i = 0; i < r.payment_method_types.size(); ++i)
    f.add("payment_method_types[" + std::to_string(i) + "]", r.payment_method_types[i]);
  // A booking its expert approves first: the card is authorized now, captured on approval.
  if (r.approval_minutes > 0) f.add("payment_intent_data[capture_method]", "manual");
  // A marketplace booking: Stripe sends the price less the platform's fee to the expert.
  if (!r.transfer_destination.empty()) {
    f.add("payment_intent_data[transfer_data][destination]", r.transfer_destination)
        .add("payment_intent_data[application_fee_amount]", std::to_string(r.application_fee * r.occurrences()));
    if (r.on_behalf_of) f.add("payment_intent_data[on_behalf_of]", r.transfer_destination);
  }
  return f;
}

}  // namespace slotguard
