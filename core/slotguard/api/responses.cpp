#include "slotguard/api/responses.h"

#include "slotguard/time/time_rfc3339.h"

#include "slotguard/base/sg_assert.h"
#include "slotguard/base/sha256.h"

namespace slotguard::api {

HttpResponse error_response(ErrorCode code, std::string_view message) {
  const ErrorInfo& e = error_info(code);
  return slotguard::error_response(e.status, e.wire, message);
}

namespace {
HttpResponse retry_later(ErrorCode code, std::string_view message, const char* seconds = "1") {
  HttpResponse r = error_response(code, message);
  SG_ASSERT(r.status == 503);
  r.headers.emplace_back("Retry-After", seconds);
  return r;
}
}  // namespace

HttpResponse provider_unavailable() {
  return retry_later(ErrorCode::payment_provider_unavailable,
                     "the payment provider did not answer; the slot stays held: retry with the same Idempotency-Key", "2");
}

HttpResponse store_unavailable() {
  return retry_later(ErrorCode::store_unavailable, "the reservation store is unavailable; retry shortly");
}
HttpResponse contention() {
  return retry_later(ErrorCode::contention, "too many concurrent changes to this slot; retry shortly");
}

// "<what>_not_found" answers "no such <what>".
HttpResponse not_found(ErrorCode code) {
  constexpr std::string_view kSuffix = "_not_found";
  std::string_view what = error_info(code).wire;
  SG_ASSERT(error_info(code).status == 404 && what.size() > kSuffix.size() && what.ends_with(kSuffix));
  what.remove_suffix(kSuffix.size());
  return error_response(code, "no such " + std::string(what));
}

HttpResponse validation_failed(std::string_view message) { return error_response(ErrorCode::validation_failed, message); }

std::optional<HttpResponse> read_time_range(const QueryParams& params, int64_t max_days, TimeRange& out) {
  std::optional<int64_t> from, to;
  for (const auto& [k, v] : params) {
    if (k == "from") from = parse_rfc3339(v);
    if (k == "to") to = parse_rfc3339(v);
  }
  if (!from || !to) return validation_failed("from and to are required RFC 3339 timestamps");
  if (*to <= *from) return validation_failed("to must be after from");
  if (*to - *from > max_days * kDayMs)
    return validation_failed("the range may span at most " + std::to_string(max_days) + " days");
  out = {*from, *to};
  return std::nullopt;
}

HttpResponse reservation_body(int status, const Reservation& r) {
  JsonWriter body;
  body.object().key("reservation");
  write_reservation_view(body, r);
  if (!r.checkout_url.empty() && r.status == ReservationStatus::PendingPayment) body.field("checkout_url", r.checkout_url);
  return json_response(status, body.end_object());
}

std::optional<JsonDoc> parse_object_body(const HttpRequest& req, HttpResponse& error) {
  if (req.body.size() > kMaxBodyBytes) {
    error = error_response(ErrorCode::payload_too_large, "the body exceeds 64 KiB");
    return std::nullopt;
  }
  auto j = parse_json(req.body, kRequestBodyDepth);
  if (!j) {
    error = error_response(ErrorCode::invalid_json, "the body is not valid UTF-8 JSON (or nests deeper than 16 levels)");
    return std::nullopt;
  }
  if (!j->IsObject()) {
    error = error_response(ErrorCode::invalid_json, "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

bool admin_authorised(const HttpRequest& req, const Config& cfg) {
  const std::string* auth = req.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  return auth && auth->size() > kBearer.size() && std::string_view(*auth).substr(0, kBearer.size()) == kBearer &&
         constant_time_equal(std::string_view(*auth).substr(kBearer.size()), cfg.admin_token);
}

std::optional<HttpResponse> require_admin(ApiServices& s, const HttpRequest& req) {
  if (admin_authorised(req, s.cfg)) return std::nullopt;
  HttpResponse r = error_response(ErrorCode::unauthorized, "a valid admin bearer token is required");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace slotguard::api
