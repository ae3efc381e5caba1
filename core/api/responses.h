// Response helpers shared by the handlers: the error vocabulary in one place.
#pragma once
#include <optional>
#include <string_view>

#include "domain.h"
#include "http_types.h"
#include "services.h"

namespace slotguard::api {

inline constexpr size_t kMaxBodyBytes = 64 * 1024;

HttpResponse store_unavailable();      // 503 + Retry-After: the store failed or answered nonsense
HttpResponse contention();             // 503 + Retry-After: too many optimistic retries
HttpResponse provider_unavailable();   // 503 + Retry-After: Stripe answered 409/429/5xx or not at all
HttpResponse not_found(std::string_view what);
HttpResponse validation_failed(std::string_view message);
HttpResponse reservation_body(int status, const Reservation& r);

// Parses a JSON object body; on failure `error` holds the 4xx to send.
std::optional<Json> parse_object_body(const HttpRequest& req, HttpResponse& error);
// Bearer token compared in constant time; nullopt when authorised.
std::optional<HttpResponse> require_admin(Services& s, const HttpRequest& req);

}  // namespace slotguard::api
