// Where Checkout sends a guest back when the hold names no URL of its own: the
// configured default (default_success_url, default_cancel_url), which may be a path on
// whatever host answered the hold, so that one setting serves the Node host on any port
// and a Worker on any domain without being told its own address.
#pragma once
#include <string>
#include <string_view>

#include "slotguard/base/http_types.h"

namespace slotguard {

// The origin ("scheme://host") a request was made to: Host (or X-Forwarded-Host), and
// X-Forwarded-Proto when a proxy set it, else http for loopback hosts and https for
// any other. Without a usable Host, http://localhost.
std::string request_origin(const HttpRequest& req);

// `setting` with {RESERVATION_ID} replaced by `reservation_id`, and a path (starting
// with '/') prefixed with `origin`.
std::string checkout_return_url(std::string_view setting, std::string_view origin, std::string_view reservation_id);

}  // namespace slotguard
