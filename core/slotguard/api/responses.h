// Response helpers shared by the handlers: the error vocabulary in one place.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slotguard/api/errors.h"
#include "slotguard/booking/domain.h"
#include "slotguard/base/http_types.h"
#include "slotguard/api/api_services.h"

namespace slotguard::api {

inline constexpr size_t kMaxBodyBytes = 64 * 1024;
// How deep a request body may nest; a Stripe event nests deeper than anything we define.
// The route table's scope answer parses with the same depths, so it never reads a body
// the handler would refuse, or refuses one the handler would read.
inline constexpr int kRequestBodyDepth = 16;
inline constexpr int kWebhookBodyDepth = 64;

// {"error": {"code", "message"}} with the code's status (errors.def). Inside the API
// this hides slotguard::error_response(status, code, message): no code is spelled out.
HttpResponse error_response(ErrorCode code, std::string_view message);

HttpResponse store_unavailable();      // 503 + Retry-After: the store failed or answered nonsense
HttpResponse contention();             // 503 + Retry-After: too many optimistic retries
HttpResponse provider_unavailable();   // 503 + Retry-After: Stripe answered 409/429/5xx or not at all
HttpResponse not_found(ErrorCode code);  // 404 for one of the *_not_found codes: "no such <what>"
HttpResponse validation_failed(std::string_view message);
HttpResponse reservation_body(int status, const Reservation& r);

// Parses a JSON object body; on failure `error` holds the 4xx to send.
std::optional<JsonDoc> parse_object_body(const HttpRequest& req, HttpResponse& error);
// `from` and `to` of a query (RFC 3339), `to` after `from`, at most max_days apart.
// nullopt when they are; else the 422 to send.
struct TimeRange {
  int64_t from = 0, to = 0;
};
using QueryParams = std::vector<std::pair<std::string, std::string>>;
std::optional<HttpResponse> read_time_range(const QueryParams& params, int64_t max_days, TimeRange& out);

// Bearer token compared in constant time; nullopt when authorised.
std::optional<HttpResponse> require_admin(ApiServices& s, const HttpRequest& req);
bool admin_authorised(const HttpRequest& req, const Config& cfg);

}  // namespace slotguard::api
