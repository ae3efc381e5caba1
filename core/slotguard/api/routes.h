// The HTTP contract's routes, written once. Each row says who may call a route, which
// expert's data it touches (its scope), how large a body it takes and whether the
// per-client hold rate limit applies. The router dispatches by this table, and hosts
// ask it, through the ABI's sg_describe_request, how to route and limit a request, so
// no host parses paths, bodies or Stripe metadata itself, and a path variant such as
// "/v1//reservations/" is the same route to every limit as it is to the router.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/base/http_types.h"
#include "slotguard/host/config.h"
#include "slotguard/api/api_services.h"

namespace slotguard::api {

using PathArgs = std::vector<std::string>;
using RouteHandler = Co<HttpResponse> (*)(ApiServices&, const HttpRequest&, const PathArgs&);

enum class Auth : uint8_t {
  Public,  // anyone; the handler decides per record (guests act on their own bookings)
  Admin,   // the admin bearer token, checked by the router before the handler runs
  Stripe,  // a Stripe-Signature over the body, checked by the webhook handler
};

// Whose data a request touches: what a host with one store per expert routes on.
enum class ScopeKind : uint8_t {
  None,         // no stored data (health, metrics)
  Expert,       // the expert named in the path or in ?expert_id=
  Event,        // the expert that owns the event type in the path
  EventClaim,   // PUT /v1/events/{id}: binds the event to the body's expert_id
  HoldEvent,    // POST /v1/reservations: the expert of the body's event_id
  Reservation,  // the expert holding the reservation in the path
  Pack,         // the pack in the path (a store per expert does not route it)
  Webhook,      // the reservation named by a signed Stripe event
  Everywhere,   // maintenance: every expert's data, one run each
};

// Body limits the hosts apply before reading a body; the core has its own behind them.
inline constexpr uint32_t kSmallBodyBytes = 1024;            // reads and cancellations
inline constexpr uint32_t kReservationBodyBytes = 16 * 1024; // a hold request
inline constexpr uint32_t kHostBodyLimit = 0;                // the host's general limit

struct Route {
  std::string_view name;     // stable: "reservations.create"
  std::string_view method;
  std::string_view pattern;  // "/v1/events/{event_id}/slots": {name} is one path segment
  Auth auth;
  ScopeKind scope;
  uint32_t body_limit_bytes;  // kHostBodyLimit: the host's general limit
  bool hold_rate_limited;     // the per-client limit on new holds applies
  RouteHandler handler;
};

std::span<const Route> routes();

// The path as the router reads it: empty segments dropped ("//v1/x/" -> "/v1/x").
std::string normalise_path(std::string_view path);

struct RouteMatch {
  const Route* route = nullptr;  // null: no route has this path and method
  PathArgs args;                 // the {name} segments, in order
  std::string allow;             // path known, method not: the methods that are ("GET, PUT")
};
RouteMatch match_route(std::string_view method, std::string_view path);

// What a host needs to route and limit a request, as JSON (wasm/ABI.md,
// "Describing a request"): {"route", "path", "auth", "body_limit_bytes",
// "hold_rate_limited", "scope": {"kind", ...ids}}. Ids are given only when the request
// is one the core would act on: an admin route without the admin token, a webhook
// without a valid signature, or a malformed id get the scope "none", where the core
// answers the refusal itself without touching anyone's data.
std::string describe_request(const HttpRequest& req, const Config& cfg, int64_t now_ms);

// The table as JSON ({"routes": [{name, method, pattern, auth, scope}]}): what
// sg_describe(SG_DESCRIBE_ROUTES) answers; tests check docs/openapi.yaml against it.
std::string routes_json();

}  // namespace slotguard::api
