// The contract written once: the route table (api/routes.h) and the configuration
// schema (host/config.h). The router, the hosts' routing and limits, and the docs all
// derive from these; the tests here pin what each row means to a host.
#include <catch2/catch.hpp>

#include "slotguard/api/routes.h"
#include "slotguard/base/utf8.h"
#include "slotguard/host/config.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

Json describe(World& w, HttpRequest req) {
  return Json::parse(api::describe_request(req, w.engine.config(), w.host.now_ms()));
}

HttpRequest admin(HttpRequest r) {
  r.headers.emplace_back("Authorization", std::string("Bearer ") + kAdminToken);
  return r;
}

}  // namespace

TEST_CASE("routes: path variants are one route, to the router and to every host limit", "[contract]") {
  World w;
  for (const char* path : {"/v1/reservations", "/v1/reservations/", "//v1/reservations", "/v1//reservations"}) {
    Json d = describe(w, make_request("POST", path, R"({"event_id":"ev1"})"));
    CHECK(d["route"] == "reservations.create");
    CHECK(d["path"] == "/v1/reservations");
    CHECK(d["hold_rate_limited"] == true);
    CHECK(d["body_limit_bytes"] == api::kReservationBodyBytes);
    CHECK(d["scope"] == Json{{"kind", "event"}, {"event_id", "ev1"}});
  }
  Json other = describe(w, make_request("GET", "/v1/reservations/rsv_0123456789abcdef"));
  CHECK(other["hold_rate_limited"] == false);
  CHECK(other["scope"] == Json{{"kind", "reservation"}, {"reservation_id", "rsv_0123456789abcdef"}});
}

TEST_CASE("routes: a scope names ids only for requests the core would act on", "[contract]") {
  World w;
  // Admin routes without the token touch nobody's data: the core answers 401 anywhere.
  CHECK(describe(w, make_request("GET", "/v1/experts/ada/busy"))["scope"]["kind"] == "none");
  CHECK(describe(w, admin(make_request("GET", "/v1/experts/ada/busy")))["scope"] ==
        Json{{"kind", "expert"}, {"expert_id", "ada"}});
  CHECK(describe(w, make_request("PUT", "/v1/events/ev1", R"({"expert_id":"ada"})"))["scope"]["kind"] == "none");
  CHECK(describe(w, admin(make_request("PUT", "/v1/events/ev1", R"({"expert_id":"ada"})")))["scope"] ==
        Json{{"kind", "event_claim"}, {"event_id", "ev1"}, {"expert_id", "ada"}});
  CHECK(describe(w, admin(make_request("POST", "/v1/maintenance/sweep")))["scope"]["kind"] == "everywhere");
  // Malformed ids and bodies: the core refuses them itself.
  CHECK(describe(w, make_request("GET", "/v1/events/bad%20id"))["scope"]["kind"] == "none");
  CHECK(describe(w, make_request("POST", "/v1/reservations", "not json"))["scope"]["kind"] == "none");
  CHECK(describe(w, make_request("GET", "/v1/reservations/not-a-minted-id"))["scope"]["kind"] == "none");
  // Listings name their expert in the query.
  HttpRequest list = admin(make_request("GET", "/v1/reservations"));
  list.query = "expert_id=bob&status=confirmed";
  CHECK(describe(w, list)["scope"] == Json{{"kind", "expert"}, {"expert_id", "bob"}});
}

TEST_CASE("routes: a webhook is routed by its reservation only once its signature holds", "[contract]") {
  World w;
  const std::string body =
      R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1",)"
      R"("metadata":{"reservation_id":"rsv_0123456789abcdef"}}}})";
  Json signed_event = describe(w, w.webhook(body));
  CHECK(signed_event["route"] == "stripe.webhook");
  CHECK(signed_event["scope"] == Json{{"kind", "reservation"}, {"reservation_id", "rsv_0123456789abcdef"}});
  CHECK(describe(w, w.webhook(body, "whsec_someone_else"))["scope"]["kind"] == "none");
  CHECK(describe(w, make_request("POST", "/v1/stripe/webhook", body))["scope"]["kind"] == "none");
}

TEST_CASE("routes: unknown paths and methods have no route; the router answers 404 and 405", "[contract]") {
  World w;
  Json unknown = describe(w, make_request("GET", "/v2/reservations"));
  CHECK(unknown["route"].is_null());
  CHECK(unknown["scope"]["kind"] == "none");
  CHECK(w.call(make_request("GET", "/v2/reservations")).status == 404);
  api::RouteMatch m = api::match_route("PATCH", "/v1/experts/ada/availability");
  CHECK(m.route == nullptr);
  CHECK(m.allow == "GET, PUT, DELETE");
  HttpResponse r = w.call(make_request("PATCH", "/v1/experts/ada/availability"));
  CHECK(r.status == 405);
  REQUIRE(header(r, "Allow"));
  CHECK(*header(r, "Allow") == "GET, PUT, DELETE");
}

TEST_CASE("routes: every admin route refuses a request without the token", "[contract]") {
  World w;
  for (const api::Route& route : api::routes()) {
    if (route.auth != api::Auth::Admin) continue;
    std::string path(route.pattern);
    for (auto [from, to] : {std::pair{"{event_id}", "ev1"}, {"{expert_id}", "ada"}, {"{block_id}", "b1"}}) {
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, std::string_view(from).size(), to);
    }
    INFO(route.name);
    CHECK(w.call(make_request(std::string(route.method), path, "{}")).status == 401);
  }
}

TEST_CASE("config: the schema lists every setting with its default and bounds", "[contract][config]") {
  Json schema = Json::parse(settings_schema_json());
  REQUIRE(schema["settings"].size() == settings().size());
  const Config defaults;
  for (const Json& s : schema["settings"]) {
    INFO(s.dump());
    CHECK(s["env"].get<std::string>().find("_") != std::string::npos);
    if (s["field"] == "checkout_minutes") {
      CHECK(s["type"] == "integer");
      CHECK(s["min"] == 30);
      CHECK(s["max"] == kMaxCheckoutMinutes);
      CHECK(s["default"] == defaults.checkout_minutes);
    }
    if (s["field"] == "stripe_secret_key") CHECK(s["secret"] == true);
    if (s["field"] == "admin_token") CHECK(s["required"] == true);
  }
  // Every field the schema names is one parse_config accepts.
  for (const Setting& s : settings()) {
    const std::string value = s.type == SettingType::Integer ? std::to_string(s.min) : "\"\"";
    std::string error;
    parse_config(R"({"admin_token":")" + std::string(kAdminToken) + R"(",")" + std::string(s.field) + "\":" + value + "}",
                 &error);
    CHECK(error.find("unknown setting") == std::string::npos);
  }
}

TEST_CASE("config: an unknown setting is refused by name, never ignored", "[contract][config]") {
  std::string error;
  CHECK_FALSE(parse_config(R"({"admin_token":")" + std::string(kAdminToken) + R"(","checkout_minute":45})", &error));
  CHECK(error == "unknown setting checkout_minute (see the configuration schema)");
}

TEST_CASE("config: an unknown setting's name is quoted as readable text, whatever its bytes", "[contract][config]") {
  std::string error;
  // 63 ASCII bytes and then a two-byte character: a cut at 64 bytes would split it.
  CHECK_FALSE(parse_config("{\"" + std::string(63, 'a') + "\xc3\xa9\":1}", &error));
  CHECK(error == "unknown setting " + std::string(63, 'a') + " (see the configuration schema)");
  CHECK(is_valid_utf8(error));
  CHECK_FALSE(parse_config(R"({"a\u0000b\nc":1})", &error));
  CHECK(error == "unknown setting a?b?c (see the configuration schema)");
}

TEST_CASE("bodies: an unknown field is refused by name, at any depth, and changes nothing", "[contract]") {
  World w;
  const std::string event =
      R"({"expert_id":"ada","title":"Intro","duration_minutes":30,"price":{"amount":5000,"currency":"eur"})";
  auto refused = [&](HttpRequest req, const std::string& field) {
    const auto before = snapshot(w);
    HttpResponse r = w.call(std::move(req));
    INFO(r.body);
    CHECK(r.status == 422);
    CHECK(w.json_of(r)["error"]["code"] == "validation_failed");
    CHECK(w.json_of(r)["error"]["message"] == "unknown field " + field);
    CHECK(same_store(before, snapshot(w)));
  };
  refused(admin(make_request("PUT", "/v1/events/ev1", event + R"(,"cancelation":{"refund_before_minutes":1440,"refund_percent":100}})")),
          "cancelation");
  refused(admin(make_request("PUT", "/v1/events/ev1", event + R"(,"minimum_notice_minutes":600})")), "minimum_notice_minutes");
  refused(admin(make_request("PUT", "/v1/events/ev1",
                             R"({"expert_id":"ada","title":"Intro","duration_minutes":30,"price":{"amount":5000,"currency":"eur","tax":1}})")),
          "price.tax");
  // Of several unknown fields, the first in key order is named, whatever the body's order.
  refused(admin(make_request("PUT", "/v1/events/ev1", event + R"(,"zeta":1,"alpha":2})")), "alpha");
  REQUIRE(w.put_event("ev1", "ada", 30).status == 201);
  refused(make_request("POST", "/v1/reservations",
                       R"({"event_id":"ev1","start":"2030-01-07T09:00:00Z","guest":{"email":"g@x.example","name":"G"},"coupon":"X"})"),
          "coupon");
  refused(make_request("POST", "/v1/reservations",
                       R"({"event_id":"ev1","start":"2030-01-07T09:00:00Z","guest":{"email":"g@x.example","name":"G","phone":"1"}})"),
          "guest.phone");
  refused(admin(make_request("PUT", "/v1/experts/ada/busy/b1",
                             R"({"start":"2030-01-07T09:00:00Z","end":"2030-01-07T10:00:00Z","note":"x"})")),
          "note");
  refused(make_request("POST", "/v1/reservations/rsv_0123456789abcdef/reschedule", R"({"start":"2030-01-07T10:00:00Z","when":1})"),
          "when");
  // What GET shows can be PUT back as it is.
  Json shown = w.json_of(w.call(make_request("GET", "/v1/events/ev1")))["event"];
  CHECK(w.call(admin(make_request("PUT", "/v1/events/ev1", shown.dump()))).status == 200);
}
