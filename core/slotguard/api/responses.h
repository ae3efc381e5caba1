// Response helpers shared by the handlers: the error vocabulary in one place.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slotguard/booking/domain.h"
#include "slotguard/base/http_types.h"
#include "slotguard/host/services.h"

namespace slotguard::api {

inline constexpr size_t kMaxBodyBytes = 64 * 1024;

HttpResponse store_unavailable();      // 503 + Retry-After: the store failed or answered nonsense
HttpResponse contention();             // 503 + Retry-After: too many optimistic retries
HttpResponse provider_unavailable();   // 503 + Retry-After: Stripe answered 409/429/5xx or not at all
HttpResponse not_found(std::string_view what);
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
std::optional<HttpResponse> require_admin(Services& s, const HttpRequest& req);

}  // namespace slotguard::api
