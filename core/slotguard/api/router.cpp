// Maps method + path to a handler. Unknown paths answer 404, known paths with the
// wrong method answer 405 with Allow. Browsers on an origin the configuration allows
// (Config::cors_origins) get CORS headers, and their preflights a 204; other origins
// get neither, so by default no page elsewhere can call the API.
#include <vector>

#include "slotguard/api/handlers.h"
#include "slotguard/api/responses.h"

namespace slotguard::api {

namespace {

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

HttpResponse method_not_allowed(const char* allow) {
  HttpResponse r = error_response(405, "method_not_allowed", std::string("allowed: ") + allow);
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

Co<HttpResponse> dispatch(Services& s, const HttpRequest& req);

}  // namespace

Co<HttpResponse> route(Services& s, const HttpRequest& req) {
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

Co<HttpResponse> dispatch(Services& s, const HttpRequest& req) {
  if (req.path.size() > 1024) co_return error_response(414, "uri_too_long", "the path is too long");
  const auto seg = segments(req.path);
  const std::string& m = req.method;
  const size_t n = seg.size();

  if (n == 1 && seg[0] == "healthz") {
    if (m != "GET") co_return method_not_allowed("GET");
    JsonWriter body;
    co_return json_response(200, body.object().field("status", "ok").end_object());
  }
  if (n == 1 && seg[0] == "metrics") {
    if (m != "GET") co_return method_not_allowed("GET");
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
    r.body = s.metrics.prometheus_text();
    co_return r;
  }
  if (n < 2 || seg[0] != "v1") co_return error_response(404, "not_found", "no such route");

  if (seg[1] == "events" && n == 2) {
    if (m == "GET") co_return co_await list_events(s, req);
    co_return method_not_allowed("GET");
  }
  if (seg[1] == "events" && n == 3) {
    if (m == "PUT") co_return co_await put_event(s, req, seg[2]);
    if (m == "GET") co_return co_await get_event(s, seg[2]);
    co_return method_not_allowed("GET, PUT");
  }
  if (seg[1] == "events" && n == 4 && seg[3] == "slots") {
    if (m == "GET") co_return co_await get_slots(s, req, seg[2]);
    co_return method_not_allowed("GET");
  }
  if (seg[1] == "reservations" && n == 2) {
    if (m == "POST") co_return co_await create_reservation(s, req);
    if (m == "GET") co_return co_await list_reservations(s, req);
    co_return method_not_allowed("GET, POST");
  }
  if (seg[1] == "reservations" && n == 3) {
    if (m == "GET") co_return co_await get_reservation(s, seg[2]);
    if (m == "DELETE") co_return co_await cancel_reservation(s, seg[2]);
    co_return method_not_allowed("GET, DELETE");
  }
  if (seg[1] == "reservations" && n == 4 && seg[3] == "reschedule") {
    if (m == "POST") co_return co_await reschedule_reservation(s, req, seg[2]);
    co_return method_not_allowed("POST");
  }
  if (seg[1] == "experts" && n == 4 && seg[3] == "availability") {
    if (m == "PUT") co_return co_await put_availability(s, req, seg[2]);
    if (m == "GET") co_return co_await get_availability(s, req, seg[2]);
    if (m == "DELETE") co_return co_await delete_availability(s, req, seg[2]);
    co_return method_not_allowed("GET, PUT, DELETE");
  }
  if (seg[1] == "experts" && n == 4 && seg[3] == "busy") {
    if (m == "GET") co_return co_await list_busy(s, req, seg[2]);
    co_return method_not_allowed("GET");
  }
  if (seg[1] == "experts" && n == 5 && seg[3] == "busy") {
    if (m == "PUT") co_return co_await write_busy(s, req, seg[2], seg[4], false);
    if (m == "DELETE") co_return co_await write_busy(s, req, seg[2], seg[4], true);
    co_return method_not_allowed("PUT, DELETE");
  }
  if (n == 3 && seg[1] == "stripe" && seg[2] == "webhook") {
    if (m == "POST") co_return co_await stripe_webhook(s, req);
    co_return method_not_allowed("POST");
  }
  if (n == 3 && seg[1] == "maintenance" && seg[2] == "sweep") {
    if (m == "POST") co_return co_await sweep(s, req);
    co_return method_not_allowed("POST");
  }
  if (n == 3 && seg[1] == "maintenance" && seg[2] == "notify") {
    if (m == "POST") co_return co_await deliver_notifications(s, req);
    co_return method_not_allowed("POST");
  }
  co_return error_response(404, "not_found", "no such route");
}

}  // namespace

}  // namespace slotguard::api
