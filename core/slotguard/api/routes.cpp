#include "slotguard/api/routes.h"

#include <array>

#include "slotguard/api/handlers.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/domain.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::api {
namespace {

using enum Auth;
using enum ScopeKind;

Co<HttpResponse> healthz(ApiServices&, const HttpRequest&, const PathArgs&) {
  JsonWriter body;
  co_return json_response(200, body.object().field("status", "ok").end_object());
}

Co<HttpResponse> metrics_text(ApiServices& s, const HttpRequest&, const PathArgs&) {
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
  r.body = s.metrics.prometheus_text();
  co_return r;
}

// Adapters from the table's one handler shape to each handler's own arguments.
#define SG_REQ(fn) [](ApiServices& s, const HttpRequest& r, const PathArgs&) { return fn(s, r); }
#define SG_ID(fn) [](ApiServices& s, const HttpRequest&, const PathArgs& a) { return fn(s, a[0]); }
#define SG_REQ_ID(fn) [](ApiServices& s, const HttpRequest& r, const PathArgs& a) { return fn(s, r, a[0]); }

// The one list of routes. docs/openapi.yaml is checked against it (tests/conformance).
const std::array kRoutes = {
    Route{"healthz", "GET", "/healthz", Public, None, kSmallBodyBytes, false, healthz},
    Route{"metrics", "GET", "/metrics", Public, None, kSmallBodyBytes, false, metrics_text},
    Route{"events.list", "GET", "/v1/events", Public, Expert, kSmallBodyBytes, false, SG_REQ(list_events)},
    Route{"events.get", "GET", "/v1/events/{event_id}", Public, Event, kSmallBodyBytes, false, SG_ID(get_event)},
    Route{"events.put", "PUT", "/v1/events/{event_id}", Admin, EventClaim, kHostBodyLimit, false, SG_REQ_ID(put_event)},
    Route{"events.slots", "GET", "/v1/events/{event_id}/slots", Public, Event, kSmallBodyBytes, false,
          SG_REQ_ID(get_slots)},
    Route{"reservations.list", "GET", "/v1/reservations", Admin, Expert, kSmallBodyBytes, false,
          SG_REQ(list_reservations)},
    Route{"reservations.create", "POST", "/v1/reservations", Public, HoldEvent, kReservationBodyBytes, true,
          SG_REQ(create_reservation)},
    Route{"reservations.get", "GET", "/v1/reservations/{reservation_id}", Public, Reservation, kSmallBodyBytes, false,
          SG_ID(get_reservation)},
    Route{"reservations.cancel", "DELETE", "/v1/reservations/{reservation_id}", Public, Reservation, kSmallBodyBytes,
          false, SG_REQ_ID(cancel_reservation)},
    Route{"reservations.reschedule", "POST", "/v1/reservations/{reservation_id}/reschedule", Public, Reservation,
          kHostBodyLimit, false, SG_REQ_ID(reschedule_reservation)},
    Route{"reservations.approve", "POST", "/v1/reservations/{reservation_id}/approve", Admin, Reservation,
          kSmallBodyBytes, false, SG_REQ_ID(approve_reservation)},
    Route{"reservations.decline", "POST", "/v1/reservations/{reservation_id}/decline", Admin, Reservation,
          kSmallBodyBytes, false, SG_REQ_ID(decline_reservation)},
    Route{"packs.create", "POST", "/v1/packs", Public, HoldEvent, kReservationBodyBytes, true, SG_REQ(create_pack)},
    Route{"packs.get", "GET", "/v1/packs/{pack_id}", Public, ScopeKind::Pack, kSmallBodyBytes, false, SG_ID(get_pack)},
    Route{"availability.get", "GET", "/v1/experts/{expert_id}/availability", Admin, Expert, kSmallBodyBytes, false,
          SG_ID(get_availability)},
    Route{"availability.put", "PUT", "/v1/experts/{expert_id}/availability", Admin, Expert, kHostBodyLimit, false,
          SG_REQ_ID(put_availability)},
    Route{"availability.delete", "DELETE", "/v1/experts/{expert_id}/availability", Admin, Expert, kSmallBodyBytes,
          false, SG_ID(delete_availability)},
    Route{"payouts.get", "GET", "/v1/experts/{expert_id}/payouts", Admin, Expert, kSmallBodyBytes, false,
          SG_ID(get_payouts)},
    Route{"payouts.put", "PUT", "/v1/experts/{expert_id}/payouts", Admin, Expert, kHostBodyLimit, false,
          SG_REQ_ID(put_payouts)},
    Route{"payouts.delete", "DELETE", "/v1/experts/{expert_id}/payouts", Admin, Expert, kSmallBodyBytes, false,
          SG_ID(delete_payouts)},
    Route{"busy.list", "GET", "/v1/experts/{expert_id}/busy", Admin, Expert, kSmallBodyBytes, false,
          SG_REQ_ID(list_busy)},
    Route{"busy.put", "PUT", "/v1/experts/{expert_id}/busy/{block_id}", Admin, Expert, kHostBodyLimit, false,
          [](ApiServices& s, const HttpRequest& r, const PathArgs& a) { return put_busy(s, r, a[0], a[1]); }},
    Route{"busy.delete", "DELETE", "/v1/experts/{expert_id}/busy/{block_id}", Admin, Expert, kSmallBodyBytes, false,
          [](ApiServices& s, const HttpRequest&, const PathArgs& a) { return delete_busy(s, a[0], a[1]); }},
    Route{"calendars.get", "GET", "/v1/experts/{expert_id}/calendars", Admin, Expert, kSmallBodyBytes, false,
          SG_ID(get_calendars)},
    Route{"calendars.put", "PUT", "/v1/experts/{expert_id}/calendars", Admin, Expert, kHostBodyLimit, false,
          SG_REQ_ID(put_calendars)},
    Route{"calendars.delete", "DELETE", "/v1/experts/{expert_id}/calendars", Admin, Expert, kSmallBodyBytes, false,
          SG_ID(delete_calendars)},
    Route{"calendars.sync", "POST", "/v1/experts/{expert_id}/calendars/{feed_id}/sync", Admin, Expert, kHostBodyLimit,
          false, [](ApiServices& s, const HttpRequest& r, const PathArgs& a) { return sync_calendar(s, r, a[0], a[1]); }},
    Route{"stripe.webhook", "POST", "/v1/stripe/webhook", Stripe, Webhook, kHostBodyLimit, false,
          SG_REQ(stripe_webhook)},
    Route{"maintenance.sweep", "POST", "/v1/maintenance/sweep", Admin, Everywhere, kHostBodyLimit, false,
          [](ApiServices& s, const HttpRequest&, const PathArgs&) { return sweep(s); }},
    Route{"maintenance.notify", "POST", "/v1/maintenance/notify", Admin, Everywhere, kHostBodyLimit, false,
          [](ApiServices& s, const HttpRequest&, const PathArgs&) { return deliver_notifications(s); }},
    Route{"maintenance.calendars", "POST", "/v1/maintenance/calendars", Admin, Everywhere, kHostBodyLimit, false,
          SG_REQ(calendars_due)},
};

#undef SG_REQ
#undef SG_ID
#undef SG_REQ_ID

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Each route's pattern split once, not on every request (the router and every host's
// sg_describe_request match against all of them).
using Segments = std::vector<std::string_view>;
constexpr size_t kRouteCount = std::tuple_size_v<decltype(kRoutes)>;
const std::array<Segments, kRouteCount>& pattern_segments() {
  static const auto split = [] {
    std::array<Segments, kRouteCount> out;
    for (size_t i = 0; i < kRouteCount; ++i) out[i] = segments(kRoutes[i].pattern);
    return out;
  }();
  return split;
}

// The {name} segments of `path` when it has the pattern's shape.
std::optional<PathArgs> match_pattern(const Segments& want, const Segments& path) {
  if (want.size() != path.size()) return std::nullopt;
  PathArgs args;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].front() == '{') args.emplace_back(path[i]);
    else if (want[i] != path[i]) return std::nullopt;
  }
  return args;
}

}  // namespace

std::span<const Route> routes() { return kRoutes; }

std::string normalise_path(std::string_view path) {
  std::string out;
  for (std::string_view seg : segments(path)) out.append("/").append(seg);
  return out.empty() ? "/" : out;
}

RouteMatch match_route(std::string_view method, std::string_view path) {
  RouteMatch m;
  const auto segs = segments(path);
  for (size_t i = 0; i < kRouteCount; ++i) {
    const Route& r = kRoutes[i];
    auto args = match_pattern(pattern_segments()[i], segs);
    if (!args) continue;
    if (r.method == method) {
      m.route = &r;
      m.args = std::move(*args);
      return m;
    }
    if (m.allow.find(r.method) == std::string::npos) m.allow.append(m.allow.empty() ? "" : ", ").append(r.method);
  }
  return m;
}

}  // namespace slotguard::api
