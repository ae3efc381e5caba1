// describe_request and routes_json (api/routes.h): the route table's answers to hosts.
// A scope names ids only for requests the core would act on, so that a host with one
// store per expert never creates or probes an object on behalf of a caller the core
// would refuse (no admin token, no valid Stripe signature, a malformed id).
#include "slotguard/api/responses.h"
#include "slotguard/api/routes.h"
#include "slotguard/booking/domain.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::api {
namespace {

struct Scope {
  ScopeKind kind = ScopeKind::None;
  std::string id;      // expert, event or reservation id
  std::string expert;  // EventClaim: the expert the body names
  bool pool = false;   // EventClaim: the body defines a team pool (a store per expert cannot hold one)
  bool packs = false;  // EventClaim: the body sells packs (a store per expert cannot route their payments)
};

std::string_view auth_name(Auth a) {
  switch (a) {
    case Auth::Public: return "public";
    case Auth::Admin: return "admin";
    case Auth::Stripe: return "stripe_signature";
  }
  return "public";
}

std::string_view scope_name(ScopeKind k) {
  switch (k) {
    case ScopeKind::None: return "none";
    case ScopeKind::Expert: return "expert";
    case ScopeKind::Event: return "event";
    case ScopeKind::EventClaim: return "event_claim";
    case ScopeKind::HoldEvent: return "event";  // a hold belongs to its event's expert
    case ScopeKind::Reservation: return "reservation";
    case ScopeKind::Pack: return "pack";
    case ScopeKind::Webhook: return "reservation";  // a signed event names its reservation
    case ScopeKind::Everywhere: return "everywhere";
  }
  return "none";
}

std::string query_value(const HttpRequest& req, std::string_view name) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) return {};
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::string body_string(const HttpRequest& req, std::string_view name) {
  auto doc = parse_json(req.body, kRequestBodyDepth);
  const JsonValue* v = doc && doc->IsObject() ? get_member(*doc, name) : nullptr;
  return v && v->IsString() ? std::string(string_of(*v)) : std::string();
}

// An event type's PUT, read once: the expert it binds to, and whether it defines a
// pool or sells packs.
Scope event_claim(const HttpRequest& req, const std::string& event_id) {
  auto doc = parse_json(req.body, kRequestBodyDepth);
  if (!doc || !doc->IsObject() || !valid_client_id(event_id)) return {};
  const JsonValue* expert = get_member(*doc, "expert_id");
  if (!expert || !expert->IsString() || !valid_client_id(string_of(*expert))) return {};
  const JsonValue* pool = get_member(*doc, "pool");
  const JsonValue* packs = get_member(*doc, "packs");
  Scope scope{ScopeKind::EventClaim, event_id, std::string(string_of(*expert))};
  scope.pool = pool && !pool->IsNull();
  scope.packs = packs && packs->IsArray() && !packs->Empty();
  return scope;
}

// The reservation a Stripe event names: metadata.reservation_id, else
// client_reference_id (both set by the core on every Checkout Session it opens).
std::string webhook_reservation(const HttpRequest& req) {
  auto doc = parse_json(req.body, kWebhookBodyDepth);
  const JsonValue* data = doc && doc->IsObject() ? get_object(*doc, "data") : nullptr;
  const JsonValue* object = data ? get_object(*data, "object") : nullptr;
  if (!object) return {};
  const JsonValue* metadata = get_object(*object, "metadata");
  const JsonValue* rid = metadata ? get_member(*metadata, "reservation_id") : nullptr;
  if (!rid || !rid->IsString() || rid->GetStringLength() == 0) rid = get_member(*object, "client_reference_id");
  return rid && rid->IsString() ? std::string(string_of(*rid)) : std::string();
}

bool signed_by_stripe(const HttpRequest& req, const Config& cfg, int64_t now_ms) {
  const std::string* header = req.header("stripe-signature");
  return header && verify_stripe_signature(*header, req.body, cfg.webhook_secrets, now_ms / 1000,
                                           cfg.webhook_tolerance_s) == SignatureCheck::Valid;
}

Scope id_scope(ScopeKind kind, std::string id, bool valid) {
  return valid ? Scope{kind, std::move(id), {}} : Scope{};
}

Scope scope_of(const Route& r, const PathArgs& args, const HttpRequest& req, const Config& cfg, int64_t now_ms) {
  if (r.auth == Auth::Admin && !admin_authorised(req, cfg)) return {};
  switch (r.scope) {
    case ScopeKind::None: return {};
    case ScopeKind::Everywhere: return {ScopeKind::Everywhere, {}, {}};
    case ScopeKind::Expert: {
      std::string expert = args.empty() ? query_value(req, "expert_id") : args[0];
      return id_scope(ScopeKind::Expert, expert, valid_client_id(expert));
    }
    case ScopeKind::Event: return id_scope(ScopeKind::Event, args[0], valid_client_id(args[0]));
    case ScopeKind::EventClaim: return event_claim(req, args[0]);
    case ScopeKind::HoldEvent: {
      std::string event = body_string(req, "event_id");
      return id_scope(ScopeKind::HoldEvent, event, valid_client_id(event));
    }
    case ScopeKind::Reservation: return id_scope(ScopeKind::Reservation, args[0], reservation_id_shape(args[0]));
    case ScopeKind::Pack: return id_scope(ScopeKind::Pack, args[0], valid_minted_id(args[0]));
    case ScopeKind::Webhook: {
      if (!signed_by_stripe(req, cfg, now_ms)) return {};
      std::string rid = webhook_reservation(req);
      return id_scope(ScopeKind::Webhook, rid, reservation_id_shape(rid));
    }
  }
  return {};
}

void write_scope(JsonWriter& w, const Scope& scope) {
  w.key("scope").object().field("kind", scope_name(scope.kind));
  switch (scope.kind) {
    case ScopeKind::Expert: w.field("expert_id", scope.id); break;
    case ScopeKind::Event:
    case ScopeKind::HoldEvent: w.field("event_id", scope.id); break;
    case ScopeKind::EventClaim:
      w.field("event_id", scope.id).field("expert_id", scope.expert);
      if (scope.pool) w.field("pool", true);
      if (scope.packs) w.field("packs", true);
      break;
    case ScopeKind::Reservation:
    case ScopeKind::Webhook: w.field("reservation_id", scope.id); break;
    case ScopeKind::Pack: w.field("pack_id", scope.id); break;
    case ScopeKind::None:
    case ScopeKind::Everywhere: break;
  }
  w.end_object();
}

// Requests no route takes: the core answers 404 or 405 on any store.
uint32_t unrouted_body_limit(std::string_view method) {
  const bool bodiless = method == "GET" || method == "HEAD" || method == "DELETE" || method == "OPTIONS";
  return bodiless ? kSmallBodyBytes : kHostBodyLimit;
}

}  // namespace

std::string describe_request(const HttpRequest& req, const Config& cfg, int64_t now_ms) {
  const RouteMatch m = match_route(req.method, req.path);
  const Scope scope = m.route ? scope_of(*m.route, m.args, req, cfg, now_ms) : Scope{};
  JsonWriter w;
  w.object();
  w.key("route");
  if (m.route) w.value(m.route->name);
  else w.value(nullptr);
  w.field("path", normalise_path(req.path));
  w.field("auth", m.route ? auth_name(m.route->auth) : std::string_view("public"));
  w.field("body_limit_bytes", int64_t{m.route ? m.route->body_limit_bytes : unrouted_body_limit(req.method)});
  w.field("hold_rate_limited", m.route && m.route->hold_rate_limited);
  write_scope(w, scope);
  return w.end_object().take();
}

std::string routes_json() {
  JsonWriter w;
  w.object().key("routes").array();
  for (const Route& r : routes()) {
    w.object().field("name", r.name).field("method", r.method).field("pattern", r.pattern);
    w.field("auth", auth_name(r.auth)).field("scope", scope_name(r.scope));
    w.field("body_limit_bytes", int64_t{r.body_limit_bytes}).field("hold_rate_limited", r.hold_rate_limited);
    w.end_object();
  }
  return w.end_array().end_object().take();
}

}  // namespace slotguard::api
