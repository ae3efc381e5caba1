// Maps method + path to a handler through the route table (routes.h). Unknown paths
// answer 404, known paths with the wrong method answer 405 with Allow. Browsers on an origin the configuration allows
// (Config::cors_origins) get CORS headers, and their preflights a 204; other origins
// get neither, so by default no page elsewhere can call the API.
#include <string>

#include "slotguard/api/handlers.h"
#include "slotguard/api/routes.h"
#include "slotguard/api/responses.h"

namespace slotguard::api {

namespace {

HttpResponse method_not_allowed(const std::string& allow) {
  HttpResponse r = error_response(ErrorCode::method_not_allowed, "allowed: " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

bool origin_allowed(const Config& cfg, const std::string* origin) {
  if (!origin) return false;
  for (const auto& allowed : cfg.cors_origins)
    if (allowed == "*" || allowed == *origin) return true;
  return false;
}

HttpResponse preflight(const std::string& origin) {
  HttpResponse r;
  r.status = 204;
  r.headers = {{"Access-Control-Allow-Origin", origin},
               {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"},
               {"Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key"},
               {"Access-Control-Max-Age", "600"},
               {"Vary", "Origin"}};
  return r;
}

Co<HttpResponse> dispatch(ApiServices& s, const HttpRequest& req);

}  // namespace

Co<HttpResponse> route(ApiServices& s, const HttpRequest& req) {
  const std::string* origin = req.header("origin");
  const bool cors = origin_allowed(s.cfg, origin);
  if (cors && req.method == "OPTIONS" && req.path.rfind("/v1/", 0) == 0) co_return preflight(*origin);
  HttpResponse r = co_await dispatch(s, req);
  if (cors) {
    r.headers.emplace_back("Access-Control-Allow-Origin", *origin);
    r.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After, Idempotent-Replayed");
    r.headers.emplace_back("Vary", "Origin");
  }
  co_return r;
}

namespace {

// The route table (routes.h) decides; the admin check runs here, once, for every
// route the table marks Admin.
Co<HttpResponse> dispatch(ApiServices& s, const HttpRequest& req) {
  if (req.path.size() > 1024) co_return error_response(ErrorCode::uri_too_long, "the path is too long");
  const RouteMatch m = match_route(req.method, req.path);
  if (!m.route && !m.allow.empty()) co_return method_not_allowed(m.allow);
  if (!m.route) co_return error_response(ErrorCode::not_found, "no such route");
  if (m.route->auth == Auth::Admin)
    if (auto denied = require_admin(s, req)) co_return *denied;
  co_return co_await m.route->handler(s, req, m.args);
}

}  // namespace

}  // namespace slotguard::api
