// Every endpoint fed bad input through the whole engine (w.call). For each rejected
// request: the documented status and error code, a JSON error body, the store exactly
// as it was (every key, value and version) and no call to Stripe. Ends with a seeded
// fuzz loop over bodies, methods, paths and queries.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/base/utf8.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;
using namespace std::string_literals;

namespace {

const std::string kBearer = std::string("Bearer ") + kAdminToken;

Json event_body() {
  return Json{{"expert_id", "ada"},
              {"title", "Consultation"},
              {"duration_minutes", 30},
              {"buffer_before_minutes", 0},
              {"buffer_after_minutes", 10},
              {"slot_step_minutes", 15},
              {"min_notice_minutes", 0},
              {"max_advance_days", 60},
              {"price", {{"amount", 5000}, {"currency", "eur"}}},
              {"payment_method_types", {"card", "multibanco"}}};
}

Json create_body() {
  return Json{{"event_id", "consult"},
              {"start", "2030-01-02T10:00:00Z"},
              {"guest", {{"email", "guest@example.com"}, {"name", "Grace Guest"}}}};
}

HttpRequest put_req(const std::string& id, const std::string& body, HeaderList h = {{"Authorization", kBearer}}) {
  return make_request("PUT", "/v1/events/" + id, body, std::move(h));
}

HttpRequest post_req(const std::string& body, HeaderList h = {{"Content-Type", "application/json"}}) {
  return make_request("POST", "/v1/reservations", body, std::move(h));
}

// A world with two event types: "consult" (ada, card + multibanco, eur, 30 min + 10
// after, step 15) and "cardonly" (bob, card, usd, 60 min, step 30).
struct Fixture {
  World w;
  Fixture() {
    REQUIRE(w.call(put_req("consult", event_body().dump())).status == 201);
    Json card = event_body();
    card["expert_id"] = "bob";
    card["duration_minutes"] = 60;
    card["slot_step_minutes"] = 30;
    card["price"] = {{"amount", 1000}, {"currency", "usd"}};
    card["payment_method_types"] = {"card"};
    REQUIRE(w.call(put_req("cardonly", card.dump())).status == 201);
  }

  // Sends a request that must be refused; checks the refusal and that nothing moved.
  HttpResponse reject(HttpRequest req, int status, const std::string& code, const std::string& message_part = {}) {
    auto before = snapshot(w);
    const size_t stripe_before = w.stripe.calls().size();
    HttpResponse r = w.call(std::move(req));
    CHECK(r.status == status);
    Json j = w.json_of(r);
    const Json* err = json_object(j, "error");
    REQUIRE(err != nullptr);
    const std::string* got_code = json_string(*err, "code");
    const std::string* message = json_string(*err, "message");
    REQUIRE(got_code != nullptr);
    REQUIRE(message != nullptr);
    CHECK(*got_code == code);
    if (!message_part.empty()) {
      INFO("message: " << *message);
      CHECK(message->find(message_part) != std::string::npos);
    }
    const std::string* ctype = header(r, "Content-Type");
    REQUIRE(ctype != nullptr);
    CHECK(*ctype == "application/json");
    CHECK(same_store(before, snapshot(w)));
    CHECK(w.stripe.calls().size() == stripe_before);
    return r;
  }
};

std::string deep_arrays(size_t n) { return std::string(n, '[') + std::string(n, ']'); }
std::string deep_objects(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(n, '}');
  return s;
}

// Bodies that are not a JSON object at all, for every endpoint that takes one.
std::vector<std::pair<std::string, std::string>> broken_json_bodies() {
  return {
      {"empty", ""},
      {"whitespace", "  \n "},
      {"unterminated", "{"},
      {"missing value", R"({"a":})"},
      {"trailing comma", R"({"a":1,})"},
      {"single quotes", "{'a':1}"},
      {"trailing garbage", R"({"a":1}x)"},
      {"two objects", R"({}{})"},
      {"bare word", "nul"},
      {"comment", "{/* hi */}"},
      {"NaN", R"({"a":NaN})"},
      {"10000 nested arrays", deep_arrays(10000)},
      {"10000 nested objects", deep_objects(10000)},
      {"10000 unclosed arrays", std::string(10000, '[')},
      {"17 nested arrays inside an object", "{\"a\":" + deep_arrays(16) + "}"},
      {"invalid UTF-8 in a string", "{\"title\":\"caf\xe9\"}"},
      {"invalid UTF-8 continuation", "{\"title\":\"\x80\"}"},
      {"overlong UTF-8", "{\"title\":\"\xc0\xaf\"}"},
      {"UTF-8 surrogate bytes", "{\"title\":\"\xed\xa0\x80\"}"},
      {"lone surrogate escape", R"({"title":"\ud800"})"},
      {"raw control char in a string", "{\"a\":\"x\x01y\"}"},
  };
}

std::vector<std::pair<std::string, std::string>> non_object_bodies() {
  return {{"array", "[]"}, {"array of object", "[{}]"}, {"number", "1"}, {"string", "\"x\""},
          {"null", "null"}, {"true", "true"}};
}

}  // namespace

// ---------------------------------------------------------------- PUT /v1/events/{id}

TEST_CASE("bad input: PUT event without the admin token answers 401 with WWW-Authenticate", "[api][bad]") {
  Fixture f;
  const std::string body = event_body().dump();
  const std::vector<std::pair<std::string, HeaderList>> cases = {
      {"no Authorization", {}},
      {"empty Authorization", {{"Authorization", ""}}},
      {"scheme only", {{"Authorization", "Bearer"}}},
      {"scheme and space", {{"Authorization", "Bearer "}}},
      {"wrong token", {{"Authorization", "Bearer not-the-token-at-all"}}},
      {"token prefix", {{"Authorization", std::string("Bearer ") + std::string(kAdminToken).substr(0, 10)}}},
      {"token plus a byte", {{"Authorization", kBearer + "x"}}},
      {"token plus a space", {{"Authorization", kBearer + " "}}},
      {"token with a NUL", {{"Authorization", kBearer + "\0"s}}},
      {"two spaces", {{"Authorization", std::string("Bearer  ") + kAdminToken}}},
      {"Basic scheme", {{"Authorization", std::string("Basic ") + kAdminToken}}},
      {"token without scheme", {{"Authorization", kAdminToken}}},
      {"token in another header", {{"X-Admin-Token", kAdminToken}}},
      {"wrong token first, right token second", {{"Authorization", "Bearer nope"}, {"Authorization", kBearer}}},
  };
  for (const auto& [why, headers] : cases) {
    INFO(why);
    HttpResponse r = f.reject(put_req("consult", body, headers), 401, "unauthorized");
    const std::string* www = header(r, "WWW-Authenticate");
    REQUIRE(www != nullptr);
    CHECK(*www == "Bearer");
  }
  // Authentication comes before the body is even looked at.
  f.reject(put_req("consult", "{", {}), 401, "unauthorized");
  f.reject(put_req("bad.id", deep_arrays(10000), {}), 401, "unauthorized");
  // A new event with no token is not created either.
  f.reject(put_req("brand-new", body, {}), 401, "unauthorized");
  CHECK(f.w.call(make_request("GET", "/v1/events/brand-new")).status == 404);
}

TEST_CASE("bad input: PUT event bodies that are not a JSON object answer 400 invalid_json", "[api][bad]") {
  Fixture f;
  for (const auto& [why, body] : broken_json_bodies()) {
    INFO(why);
    f.reject(put_req("consult", body), 400, "invalid_json");
  }
  for (const auto& [why, body] : non_object_bodies()) {
    INFO(why);
    f.reject(put_req("consult", body), 400, "invalid_json", "object");
  }
  f.reject(put_req("consult", std::string(64 * 1024 + 1, ' ')), 413, "payload_too_large");
}

TEST_CASE("bad input: every event field out of range or of the wrong type answers 422 naming the field",
          "[api][bad]") {
  Fixture f;
  struct Case {
    std::string field;    // top-level key, or "price.amount" style
    Json value;           // the replacement; discarded() = remove the key
    std::string mention;  // what the message must name
  };
  const Json remove = Json(Json::value_t::discarded);
  std::vector<Case> cases;
  auto add = [&](const std::string& field, std::vector<Json> values, std::string mention = {}) {
    for (auto& v : values) cases.push_back({field, v, mention.empty() ? field : mention});
  };
  add("expert_id", {remove, "", "a b", "ada/1", std::string(65, 'a'), 5, nullptr, Json::array({"ada"}), "\xc3\xa9"});
  add("title", {remove, "", std::string(201, 't'), 5, nullptr, Json::object()});
  add("duration_minutes", {remove, 4, 721, 0, -30, "30", 30.5, 30.0, true, nullptr, Json::array({30}),
                           Json(18446744073709551615ull)});
  add("buffer_before_minutes", {-1, 241, "0", 1.5, nullptr, false});
  add("buffer_after_minutes", {-1, 241, "10", nullptr});
  add("slot_step_minutes", {0, 4, 1441, -15, "15", nullptr});
  add("min_notice_minutes", {-1, 365 * 24 * 60 + 1, "0", nullptr});
  add("max_advance_days", {0, 731, -1, "60", nullptr});
  add("price", {remove, "5000", 5000, nullptr, Json::array({5000, "eur"})});
  add("price.amount", {remove, 0, -1, 100'000'000, "5000", 50.5, nullptr}, "price.amount");
  add("price.currency", {remove, "EUR", "eu", "euro", "e1r", "", 978, nullptr}, "price.currency");
  add("payment_method_types", {Json::array(), "card", Json::array({"card", "card"}), Json::array({"paypal"}),
                               Json::array({1}), Json::array({"card", "multibanco", "card"}), nullptr,
                               Json::object(), Json::array({"Card"})});
  add("id", {"other", "CONSULT", 5, nullptr}, "id");

  for (const auto& c : cases) {
    Json body = event_body();
    size_t dot = c.field.find('.');
    Json& parent = dot == std::string::npos ? body : body[c.field.substr(0, dot)];
    const std::string key = dot == std::string::npos ? c.field : c.field.substr(dot + 1);
    if (c.value.is_discarded())
      parent.erase(key);
    else
      parent[key] = c.value;
    const std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    INFO(c.field << " = " << text);
    f.reject(put_req("consult", text), 422, "validation_failed", c.mention);
    f.reject(put_req("fresh", text), 422, "validation_failed", c.mention);
  }
  CHECK(cases.size() > 60);
  // The event was never created by any of these.
  CHECK(f.w.call(make_request("GET", "/v1/events/fresh")).status == 404);
}

TEST_CASE("bad input: event ids and cross-field rules", "[api][bad]") {
  Fixture f;
  const std::string body = event_body().dump();
  for (const std::string& id : {"bad.id"s, "a%20b"s, "caf\xc3\xa9"s, std::string(65, 'x'), "a:b"s, "~x"s}) {
    INFO(id);
    f.reject(put_req(id, body), 422, "validation_failed", "event id");
  }
  // A body id that does not match the path.
  Json mismatch = event_body();
  mismatch["id"] = "cardonly";
  f.reject(put_req("consult", mismatch.dump()), 422, "validation_failed", "id in the body");
  // Multibanco only with euros.
  for (const char* currency : {"usd", "gbp", "brl"}) {
    Json mb = event_body();
    mb["price"]["currency"] = currency;
    INFO(currency);
    f.reject(put_req("consult", mb.dump()), 422, "validation_failed", "multibanco");
    mb["payment_method_types"] = {"multibanco"};
    f.reject(put_req("consult", mb.dump()), 422, "validation_failed", "multibanco");
  }
  // The stored event is still the original.
  HttpResponse got = f.w.call(make_request("GET", "/v1/events/consult"));
  REQUIRE(got.status == 200);
  CHECK(f.w.json_of(got)["event"]["price"]["currency"] == "eur");
}

TEST_CASE("bad input: boundary values of an event are accepted", "[api][bad]") {
  Fixture f;
  Json lo = event_body();
  lo["duration_minutes"] = 5;
  lo["buffer_before_minutes"] = 0;
  lo["buffer_after_minutes"] = 0;
  lo["slot_step_minutes"] = 5;
  lo["min_notice_minutes"] = 0;
  lo["max_advance_days"] = 1;
  lo["price"] = {{"amount", 1}, {"currency", "eur"}};
  lo["title"] = std::string(200, 't');
  lo["expert_id"] = std::string(64, 'e');
  lo["id"] = std::string(64, 'l');
  CHECK(f.w.call(put_req(std::string(64, 'l'), lo.dump())).status == 201);
  Json hi = event_body();
  hi["duration_minutes"] = 720;
  hi["buffer_before_minutes"] = 240;
  hi["buffer_after_minutes"] = 240;
  hi["slot_step_minutes"] = 1440;
  hi["min_notice_minutes"] = 365 * 24 * 60;
  hi["max_advance_days"] = 730;
  hi["price"] = {{"amount", 99'999'999}, {"currency", "eur"}};
  hi["title"] = "\xf0\x9f\x98\x80";
  CHECK(f.w.call(put_req("hi_-X9", hi.dump())).status == 201);
}

// ---------------------------------------------------------------- POST /v1/reservations

TEST_CASE("bad input: POST reservation bodies that are not a JSON object answer 400", "[api][bad]") {
  Fixture f;
  for (const auto& [why, body] : broken_json_bodies()) {
    INFO(why);
    f.reject(post_req(body), 400, "invalid_json");
  }
  for (const auto& [why, body] : non_object_bodies()) {
    INFO(why);
    f.reject(post_req(body), 400, "invalid_json");
  }
  // A valid body with invalid UTF-8 inside the guest name is still invalid JSON.
  f.reject(post_req("{\"event_id\":\"consult\",\"start\":\"2030-01-02T10:00:00Z\",\"guest\":{\"email\":\"g@example.com\","
                    "\"name\":\"\xff\"}}"),
           400, "invalid_json");
}

TEST_CASE("bad input: POST reservation fields missing, mistyped or invalid answer 422 naming the field",
          "[api][bad]") {
  Fixture f;
  struct Case {
    std::string path;  // "event_id" or "guest.email"
    Json value;        // discarded = remove
    std::string mention;
  };
  const Json remove = Json(Json::value_t::discarded);
  std::vector<Case> cases;
  auto add = [&](const std::string& path, std::vector<Json> values, std::string mention = {}) {
    for (auto& v : values) cases.push_back({path, v, mention.empty() ? path : mention});
  };
  add("event_id", {remove, 5, nullptr, "", "bad id", "bad/id", std::string(65, 'c'), Json::array({"consult"}),
                   Json::object(), true});
  add("start", {remove, 5, 1893578400000LL, nullptr, "", "2030-01-02 10:00:00Z", "2030-01-02T10:00:00",
                "2030-01-02", "10:00", "tomorrow", "2030-02-30T10:00:00Z", "2030-01-02T24:00:00Z",
                "2030-01-02T10:00:60Z", "2030-01-02T10:00:00+25:00", "2030-01-02T10:00:00+0100",
                "2030-01-02T10:00:00.Z", " 2030-01-02T10:00:00Z", "2030-01-02T10:00:00Z ", "1969-12-31T23:30:00Z",
                "+2030-01-02T10:00:00Z", Json::array({"2030-01-02T10:00:00Z"}), Json::object({{"at", "x"}})});
  add("guest", {remove, "guest@example.com", Json::array({"guest@example.com", "G"}), nullptr, 5});
  add("guest.email", {remove, 5, nullptr, "", "no-at-sign", "a@b", "@example.com", "a@", "a@@example.com",
                      "a@b@example.com", "a b@example.com", "<a@example.com>", "a@example.com;b", "a,b@example.com",
                      "a@example.com\n", "a\x7f@example.com", std::string(250, 'a') + "@b.co",
                      Json::array({"a@example.com"})});
  add("guest.name", {remove, "", 5, nullptr, std::string(201, 'n'), Json::array({"G"}), Json::object()});
  add("payment_method_types", {Json::array(), "card", Json::array({"card", "multibanco", "card"}), Json::array({1}),
                               nullptr, Json::object()});
  add("success_url", {"ftp://example.com/ok", "javascript:alert(1)", "example.com/ok", "", 5, nullptr,
                      "https://example.com/" + std::string(2048, 'p'), "//example.com", Json::array({"https://x"})});
  add("cancel_url", {"mailto:x@example.com", "", 5, nullptr, "data:text/html,hi"});

  for (const auto& c : cases) {
    Json body = create_body();
    size_t dot = c.path.find('.');
    Json& parent = dot == std::string::npos ? body : body[c.path.substr(0, dot)];
    const std::string key = dot == std::string::npos ? c.path : c.path.substr(dot + 1);
    if (c.value.is_discarded())
      parent.erase(key);
    else
      parent[key] = c.value;
    INFO(c.path << " -> " << body.dump());
    f.reject(post_req(body.dump()), 422, "validation_failed", c.mention);
  }
  CHECK(cases.size() > 80);
  CHECK(f.w.reservations().empty());
}

TEST_CASE("bad input: POST reservation for slots the event does not offer", "[api][bad]") {
  Fixture f;
  auto body_at = [](const std::string& event, const std::string& start) {
    Json b = create_body();
    b["event_id"] = event;
    b["start"] = start;
    return b.dump();
  };
  f.reject(post_req(body_at("nope", "2030-01-02T10:00:00Z")), 404, "event_not_found");
  f.reject(post_req(body_at("CONSULT", "2030-01-02T10:00:00Z")), 404, "event_not_found");  // ids are case-sensitive
  f.reject(post_req(body_at("consult", "2030-01-02T10:05:00Z")), 422, "slot_not_offered", "step");
  f.reject(post_req(body_at("consult", "2030-01-02T10:00:00.500Z")), 422, "slot_not_offered", "step");
  f.reject(post_req(body_at("cardonly", "2030-01-02T10:15:00Z")), 422, "slot_not_offered", "step");
  f.reject(post_req(body_at("consult", "2029-12-31T23:45:00Z")), 422, "slot_not_offered", "notice");
  f.reject(post_req(body_at("consult", "1970-01-01T00:00:00Z")), 422, "slot_not_offered", "notice");
  f.reject(post_req(body_at("consult", "2030-03-15T10:00:00Z")), 422, "slot_not_offered", "horizon");
  f.reject(post_req(body_at("consult", "9999-12-31T23:45:00Z")), 422, "slot_not_offered", "horizon");

  // Payment methods the event does not offer.
  Json mb = create_body();
  mb["event_id"] = "cardonly";
  mb["payment_method_types"] = {"multibanco"};
  f.reject(post_req(mb.dump()), 422, "validation_failed", "payment_method_types");
  mb["payment_method_types"] = {"card", "multibanco"};
  f.reject(post_req(mb.dump()), 422, "validation_failed", "multibanco");
  Json pp = create_body();
  pp["payment_method_types"] = {"paypal"};
  f.reject(post_req(pp.dump()), 422, "validation_failed", "paypal");
  pp["payment_method_types"] = {""};
  f.reject(post_req(pp.dump()), 422, "validation_failed", "payment_method_types");
}

TEST_CASE("bad input: POST reservation body over 64 KiB answers 413, 64 KiB exactly is read", "[api][bad]") {
  Fixture f;
  std::string body = create_body().dump();
  std::string big = body + std::string(64 * 1024 + 1 - body.size(), ' ');
  REQUIRE(big.size() == 64 * 1024 + 1);
  f.reject(post_req(big), 413, "payload_too_large");
  f.reject(post_req(std::string(1 << 20, '{')), 413, "payload_too_large");
  // Exactly 64 KiB: parsed and validated (here: invalid, so a 422 proves it was read).
  Json bad = create_body();
  bad["guest"]["name"] = "";
  std::string exact = bad.dump();
  exact += std::string(64 * 1024 - exact.size(), ' ');
  f.reject(post_req(exact), 422, "validation_failed", "guest.name");
}

TEST_CASE("bad input: malformed Idempotency-Key answers 400", "[api][bad]") {
  Fixture f;
  const std::string body = create_body().dump();
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"empty", ""},
      {"control char", "abc\x01"},
      {"newline", "abc\ndef"},
      {"CR", "abc\r"},
      {"tab", "a\tb"},
      {"NUL", "ab\0c"s},
      {"DEL", "abc\x7f"},
      {"non-ASCII", "caf\xc3\xa9"},
      {"invalid UTF-8", "\xff\xfe"},
      {"256 chars", std::string(256, 'k')},
      {"64 KiB", std::string(65536, 'k')},
  };
  for (const auto& [why, key] : keys) {
    INFO(why);
    f.reject(post_req(body, {{"Content-Type", "application/json"}, {"Idempotency-Key", key}}), 400,
             "invalid_idempotency_key");
  }
  // 255 printable characters (space and tilde included) are fine.
  std::string ok = " ~" + std::string(253, 'k');
  HttpResponse r = f.w.call(post_req(body, {{"Idempotency-Key", ok}}));
  CHECK(r.status == 201);
  CHECK(f.w.stripe.calls().size() == 1);
}

TEST_CASE("bad input: a start with an offset is accepted and normalised to UTC", "[api][bad]") {
  Fixture f;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2030-01-02T11:00:00+01:00", "2030-01-02T10:00:00Z"},
      {"2030-01-02T05:30:00-05:30", "2030-01-02T11:00:00Z"},
      {"2030-01-02t12:00:00.000z", "2030-01-02T12:00:00Z"},
      {"2030-01-03T03:00:00+14:00", "2030-01-02T13:00:00Z"},  // the previous UTC day
  };
  for (const auto& [in, utc] : cases) {
    INFO(in);
    Json b = create_body();
    b["start"] = in;
    b["guest"]["email"] = "g" + std::to_string(f.w.reservations().size()) + "@example.com";
    HttpResponse r = f.w.call(post_req(b.dump()));
    REQUIRE(r.status == 201);
    Json j = f.w.json_of(r);
    CHECK(j["reservation"]["start"] == utc);
  }
  // An offset that lands on a misaligned UTC instant is refused like any other.
  Json b = create_body();
  b["start"] = "2030-01-02T15:00:00+05:45";  // 09:15Z: aligned, and free
  CHECK(f.w.call(post_req(b.dump())).status == 201);
  b["start"] = "2030-01-02T15:00:00+05:50";  // 09:10Z
  f.reject(post_req(b.dump()), 422, "slot_not_offered");
}

// ---------------------------------------------------------------- GET / DELETE by id

TEST_CASE("bad input: reservation and event lookups by unknown or absurd ids answer 404", "[api][bad]") {
  Fixture f;
  for (const std::string& id : {"rsv_unknown"s, "x"s, std::string(100, 'r'), std::string(101, 'r'), "%00"s,
                                ".."s, "consult"s, "rsv_\xc3\xa9"s}) {
    INFO(id);
    f.reject(make_request("GET", "/v1/reservations/" + id), 404, "reservation_not_found");
    f.reject(make_request("DELETE", "/v1/reservations/" + id), 404, "reservation_not_found");
  }
  for (const std::string& id : {"nope"s, std::string(65, 'e'), "bad.id"s, "caf\xc3\xa9"s}) {
    INFO(id);
    f.reject(make_request("GET", "/v1/events/" + id), 404, "event_not_found");
  }
}

// A NUL byte would end the JSON parser's input early; the core refuses such bodies
// instead of ignoring what follows.
TEST_CASE("bad input: a body with a NUL byte after the JSON is not JSON", "[api][bad]") {
  Fixture f;
  f.reject(put_req("consult", event_body().dump() + "\0trailing garbage {{{"s), 400, "invalid_json");
  f.reject(post_req(create_body().dump() + "\0"s), 400, "invalid_json");
  f.reject(post_req("{}\0{\"event_id\":"s), 400, "invalid_json");
}

// A reservation id that is not a minted id (here: not even UTF-8) is simply unknown:
// 404, never a store round trip that could fail as 503.
TEST_CASE("bad input: a reservation id that is not UTF-8 is simply not found", "[api][bad]") {
  Fixture f;
  for (const std::string& id : {"rsv_\xff"s, "\xc3"s, "rsv_\xed\xa0\x80"s}) {
    f.reject(make_request("GET", "/v1/reservations/" + id), 404, "reservation_not_found");
    f.reject(make_request("DELETE", "/v1/reservations/" + id), 404, "reservation_not_found");
  }
}

// ---------------------------------------------------------------- GET slots

TEST_CASE("bad input: GET slots with missing, reversed, too wide or malformed ranges", "[api][bad]") {
  Fixture f;
  const std::string base = "/v1/events/consult/slots";
  const std::vector<std::pair<std::string, std::string>> unprocessable = {
      {"", "required"},
      {"from=2030-01-02T00:00:00Z", "required"},
      {"to=2030-01-02T00:00:00Z", "required"},
      {"from=&to=", "required"},
      {"from=2030-01-02&to=2030-01-03", "required"},
      {"from=yesterday&to=2030-01-03T00:00:00Z", "required"},
      {"from=2030-01-02T10:00:00+01:00&to=2030-01-03T00:00:00Z", "required"},  // '+' decodes to a space
      {"from=2030-01-02T00:00:00Z&to=2030-01-02T00:00:00Z", "after"},
      {"from=2030-01-03T00:00:00Z&to=2030-01-02T00:00:00Z", "after"},
      {"from=2030-01-02T00:00:00.001Z&to=2030-01-02T00:00:00Z", "after"},
      {"from=2030-01-02T00:00:00Z&to=2030-01-09T00:00:00.001Z", "7 days"},
      {"from=2030-01-01T00:00:00Z&to=2031-01-01T00:00:00Z", "7 days"},
      {"from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "7 days"},
      {"FROM=2030-01-02T00:00:00Z&TO=2030-01-03T00:00:00Z", "required"},
  };
  for (const auto& [query, mention] : unprocessable) {
    INFO(query);
    f.reject(make_request("GET", base + "?" + query), 422, "validation_failed", mention);
  }
  for (const std::string& query : {"from=%zz&to=2030-01-03T00:00:00Z"s, "from=2030-01-02T00:00:00Z&to=%2"s, "%"s,
                                   "from=%"s, "a=%G0"s, "%%%"s, "from=2030-01-02T00%3A00%3A00Z&to=%"s}) {
    INFO(query);
    f.reject(make_request("GET", base + "?" + query), 400, "invalid_query");
  }
  // The range is checked before the event is looked up; then unknown or bad ids are 404.
  const std::string ok = "?from=2030-01-02T00:00:00Z&to=2030-01-03T00:00:00Z";
  f.reject(make_request("GET", "/v1/events/nope/slots" + ok), 404, "event_not_found");
  f.reject(make_request("GET", "/v1/events/bad.id/slots" + ok), 404, "event_not_found");
  // Exactly 7 days, and percent-encoded timestamps, are fine.
  CHECK(f.w.call(make_request("GET", base + "?from=2030-01-02T00:00:00Z&to=2030-01-09T00:00:00Z")).status == 200);
  CHECK(f.w.call(make_request("GET", base + "?from=2030-01-02T11%3A00%3A00%2B01%3A00&to=2030-01-02T12%3A00%3A00Z")).status == 200);
}

// ---------------------------------------------------------------- routing

TEST_CASE("bad input: unknown routes 404, wrong methods 405 with Allow, long paths 414", "[api][bad]") {
  Fixture f;
  for (const std::string& path : {"/"s, ""s, "/v1"s, "/v2/events/consult"s, "/v1/unknown"s, "/v1/unknown/x"s,
                                  "/v1/events/consult/slots/x"s, "/v1/events/consult/other"s,
                                  "/v1/reservations/a/b"s, "/healthz/x"s, "/metrics/x"s, "/V1/events/consult"s,
                                  "/v1/stripe"s, "/v1/maintenance"s, "/favicon.ico"s, "/.env"s, "/v1/../healthz/x"s}) {
    INFO("GET " << path);
    f.reject(make_request("GET", path), 404, "not_found");
  }
  const std::vector<std::tuple<std::string, std::string, std::string>> wrong = {
      {"POST", "/healthz", "GET"},
      {"DELETE", "/metrics", "GET"},
      {"DELETE", "/v1/events/consult", "GET, PUT"},
      {"POST", "/v1/events/consult", "GET, PUT"},
      {"PATCH", "/v1/events/consult", "GET, PUT"},
      {"get", "/v1/events/consult", "GET, PUT"},  // methods are case-sensitive
      {"POST", "/v1/events/consult/slots", "GET"},
      {"PUT", "/v1/events/consult/slots", "GET"},
      {"PUT", "/v1/reservations", "GET, POST"},
      {"DELETE", "/v1/reservations", "GET, POST"},
      {"", "/v1/reservations", "GET, POST"},
      {"POST", "/v1/events", "GET"},
      {"GET", "/v1/maintenance/notify", "POST"},
      {"POST", "/v1/reservations/rsv_x", "GET, DELETE"},
      {"PUT", "/v1/reservations/rsv_x", "GET, DELETE"},
      {"HEAD", "/v1/reservations/rsv_x", "GET, DELETE"},
      {"GET", "/v1/stripe/webhook", "POST"},
      {"GET", "/v1/maintenance/sweep", "POST"},
  };
  for (const auto& [method, path, allow] : wrong) {
    INFO(method << " " << path);
    HttpResponse r = f.reject(make_request(method, path, create_body().dump(), {{"Authorization", kBearer}}), 405,
                              "method_not_allowed");
    const std::string* got = header(r, "Allow");
    REQUIRE(got != nullptr);
    CHECK(*got == allow);
  }
  // Long paths: refused before routing.
  f.reject(make_request("GET", "/v1/reservations/" + std::string(2000, 'r')), 414, "uri_too_long");
  f.reject(make_request("PUT", "/v1/events/" + std::string(1100, 'e'), event_body().dump(), {{"Authorization", kBearer}}),
           414, "uri_too_long");
  f.reject(make_request("GET", std::string(1025, '/')), 414, "uri_too_long");
  f.reject(make_request("GET", std::string(1 << 20, 'a')), 414, "uri_too_long");
  // 1024 bytes is not too long (and then not found).
  f.reject(make_request("GET", "/" + std::string(1023, 'a')), 404, "not_found");
  // The two admin/webhook endpoints refuse unauthenticated posts without writing.
  f.reject(make_request("POST", "/v1/maintenance/sweep"), 401, "unauthorized");
  f.reject(make_request("POST", "/v1/stripe/webhook", R"({"id":"evt_1","type":"checkout.session.completed"})"), 400,
           "invalid_signature");
}

// ---------------------------------------------------------------- fuzz

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  char byte() { return static_cast<char>(next() & 0xff); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

Json random_value(Rng& r) {
  switch (r.below(22)) {
    case 0: return nullptr;
    case 1: return r.chance(50);
    case 2: return static_cast<int64_t>(r.next());
    case 3: return r.below(2000);
    case 4: return -static_cast<int64_t>(r.below(100));
    case 5: return 1.5;
    case 6: return 1e300;
    case 7: return "";
    case 8: return std::string(r.below(400), 'x');
    case 9: return Json::array();
    case 10: return Json::object();
    case 11: return Json::array({"card"});
    case 12: return Json::array({"card", "multibanco"});
    case 13: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "2030-01-0%dT%02d:%02d:00Z", static_cast<int>(2 + r.below(8)),
                    static_cast<int>(r.below(24)), static_cast<int>(r.below(4) * 15 + (r.chance(10) ? 5 : 0)));
      return std::string(buf);
    }
    case 14: return "a" + std::to_string(r.below(50)) + "@example.com";
    case 15: return "https://example.com/" + std::to_string(r.below(9));
    case 16: return "consult";
    case 17: return "cardonly";
    case 18: return Json::object({{"email", "z@example.com"}, {"name", std::string(r.below(250), 'n')}});
    case 19: return Json::parse(deep_arrays(1 + r.below(20)), nullptr, false);
    case 20: return std::string(1, static_cast<char>(r.below(0x20)));
    default: return 18446744073709551615ull;
  }
}

std::string mutate_json(Rng& r, Json body) {
  const std::vector<std::string> keys = {"event_id", "start", "guest", "payment_method_types", "success_url",
                                         "cancel_url", "extra"};
  for (size_t n = 1 + r.below(3); n > 0; --n) {
    const std::string& k = r.pick(keys);
    if (k == "guest" && body.contains("guest") && body["guest"].is_object() && r.chance(60)) {
      const char* gk = r.chance(50) ? "email" : "name";
      if (r.chance(20))
        body["guest"].erase(gk);
      else
        body["guest"][gk] = random_value(r);
    } else if (r.chance(15)) {
      body.erase(k);
    } else {
      body[k] = random_value(r);
    }
  }
  return body.dump(r.chance(50) ? -1 : 2, ' ', false, Json::error_handler_t::replace);
}

std::string mutate_bytes(Rng& r, std::string s) {
  for (size_t n = 1 + r.below(4); n > 0; --n) {
    if (s.empty()) s = "{";
    size_t at = r.below(s.size());
    switch (r.below(7)) {
      case 0: s[at] = r.byte(); break;
      case 1: s.insert(at, 1, r.byte()); break;
      case 2: s.erase(at, 1 + r.below(8)); break;
      case 3: s.resize(at); break;
      case 4: s.insert(at, s.substr(at, r.below(16))); break;
      case 5: s.insert(at, r.pick(std::vector<std::string>{"\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\xff",
                                                           "\xc0\x80", "\xed\xa0\x80", "null", "1e999", "-", "\0"s}));
        break;
      default: {
        std::string junk;
        for (size_t i = r.below(32); i > 0; --i) junk += r.byte();
        s.insert(at, junk);
      }
    }
  }
  return s;
}

std::string random_path(Rng& r) {
  const std::vector<std::string> parts = {"v1", "events", "reservations", "slots", "consult", "cardonly", "healthz",
                                          "metrics", "rsv_x", "..", ".", "%2F", "", "stripe", "webhook", "maintenance",
                                          "sweep", "v2", "\xff", "a b", "\0"s, "?", "#", "V1", "EVENTS"};
  std::string path;
  size_t n = r.below(6);
  if (r.chance(90)) path = "/";
  for (size_t i = 0; i < n; ++i) {
    if (i) path += r.chance(90) ? "/" : "//";
    if (r.chance(85)) {
      path += r.pick(parts);
    } else {
      for (size_t k = 1 + r.below(12); k > 0; --k) path += r.byte();
    }
  }
  if (r.chance(10)) path += "/";
  if (r.chance(2)) path += std::string(1000 + r.below(100), 'p');
  return path;
}

std::string random_query(Rng& r) {
  const std::vector<std::string> pieces = {"from=2030-01-02T00:00:00Z", "to=2030-01-03T00:00:00Z",
                                           "to=2030-01-09T00:00:01Z",  "from=2030-01-04T00:00:00Z",
                                           "from=%zz",                 "to=%2",
                                           "%",                        "from",
                                           "to=",                      "&&",
                                           "from=2030-01-02T10%3A00%3A00%2B01%3A00", "x=1"};
  std::string q;
  for (size_t n = r.below(4); n > 0; --n) {
    if (!q.empty()) q += '&';
    q += r.pick(pieces);
  }
  if (r.chance(10)) q = mutate_bytes(r, q);
  return q;
}

}  // namespace

TEST_CASE("fuzz: random bodies, methods, paths and queries never crash, never 5xx, never corrupt", "[api][bad][fuzz]") {
  Fixture f;
  World& w = f.w;
  Rng rng{0x5107'6A2D'0000'0001ULL};
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "",
                                            "get", "POST ", "\0"s, "TRACE"};
  size_t by_class[6] = {0, 0, 0, 0, 0, 0};
  std::vector<KvItem> state = snapshot(w);  // the store as of the last success
  for (int iter = 0; iter < 2000; ++iter) {
    HttpRequest req;
    const size_t kind = rng.below(100);
    if (kind < 45) {
      std::string body = rng.chance(60) ? mutate_json(rng, create_body()) : mutate_bytes(rng, create_body().dump());
      HeaderList h{{"Content-Type", "application/json"}};
      if (rng.chance(30)) h.emplace_back("Idempotency-Key", rng.chance(70) ? "k" + std::to_string(rng.below(20))
                                                                          : mutate_bytes(rng, "key"));
      req = post_req(body, h);
    } else if (kind < 60) {
      std::string body = rng.chance(60) ? event_body().dump() : mutate_bytes(rng, event_body().dump());
      if (rng.chance(50)) {
        Json e = event_body();
        e[rng.pick(std::vector<std::string>{"duration_minutes", "slot_step_minutes", "price", "title", "expert_id",
                                            "payment_method_types", "max_advance_days"})] = random_value(rng);
        body = e.dump(-1, ' ', false, Json::error_handler_t::replace);
      }
      // Only the fuzz's own event is ever replaced, so the fixture's stay intact.
      req = put_req(rng.chance(80) ? "fuzzed" : random_path(rng), body,
                    rng.chance(70) ? HeaderList{{"Authorization", kBearer}} : HeaderList{{"Authorization", "Bearer x"}});
      if (req.path.rfind("/v1/events/", 0) == 0 && req.path != "/v1/events/fuzzed") req.headers.clear();
    } else if (kind < 75) {
      req = make_request("GET", rng.pick(std::vector<std::string>{"/v1/events/consult/slots", "/v1/events/cardonly/slots",
                                                                  "/v1/events/nope/slots"}));
      req.query = random_query(rng);
    } else {
      std::string body = rng.chance(50) ? std::string() : mutate_bytes(rng, create_body().dump());
      req = make_request(rng.pick(methods), "/", body);
      req.path = random_path(rng);  // may contain '?' and raw bytes: taken as is
      if (rng.chance(20)) req.query = random_query(rng);
    }
    INFO("iteration " << iter << ": " << req.method << " " << req.path << " ? " << req.query << "\nbody: " << req.body);

    const size_t stripe_before = w.stripe.calls().size();
    HttpResponse res = w.call(req);
    INFO("answer " << res.status << ": " << res.body);
    REQUIRE(res.status >= 200);
    REQUIRE(res.status < 500);
    by_class[res.status / 100] += 1;
    if (res.status >= 400) {
      Json j = w.json_of(res);
      const Json* err = json_object(j, "error");
      REQUIRE(err != nullptr);
      CHECK(json_string(*err, "code") != nullptr);
      REQUIRE(same_store(state, w.store->list("", "\xff", 1'000'000, "")->items));
      CHECK(w.stripe.calls().size() == stripe_before);
    } else {
      // Only a success may change the store; check the invariant after each one.
      state = snapshot(w);
      REQUIRE(check_no_double_booking(w) == "");
    }
    // Every reservation that reached Stripe is linked to exactly its own session.
    if (res.status == 201 && req.path == "/v1/reservations") {
      Json j = w.json_of(res);
      REQUIRE(j.contains("checkout_url"));
    }
  }
  INFO("2xx " << by_class[2] << ", 4xx " << by_class[4]);
  CHECK(by_class[2] > 30);   // the fuzz also reaches the happy paths (64 with this seed)
  CHECK(by_class[4] > 1000);
  // The fixture's events survived.
  CHECK(w.call(make_request("GET", "/v1/events/consult")).status == 200);
  CHECK(w.call(make_request("GET", "/v1/events/cardonly")).status == 200);
  for (const auto& r : w.reservations()) {
    INFO(r.id);
    CHECK((r.status == ReservationStatus::PendingPayment || r.status == ReservationStatus::Released));
    if (r.status == ReservationStatus::PendingPayment) {
      CHECK_FALSE(r.checkout_session_id.empty());
      CHECK(w.stripe.sessions().count(r.checkout_session_id) == 1);
    }
  }
}

TEST_CASE("bad input: escapes that decode to no character are refused; nothing unreadable is written",
          "[api][bad][utf8]") {
  // A lone surrogate escape decodes to bytes that are not UTF-8: refused like raw ones.
  CHECK_FALSE(parse_json(R"({"name":"Bob \udc00"})").has_value());
  CHECK_FALSE(parse_json(R"({"\ud800":1})").has_value());
  CHECK_FALSE(parse_json(R"(["\ud800x"])").has_value());
  auto pair = parse_json(R"({"name":"\ud83d\ude00"})");  // a surrogate pair is one character
  REQUIRE(pair.has_value());
  CHECK(*get_string(*pair, "name") == "\xF0\x9F\x98\x80");

  World w;
  w.put_event("consult", "ada", 30);
  const auto before = snapshot(w);
  auto res = w.call(make_request(
      "POST", "/v1/reservations",
      R"({"event_id":"consult","start":"2030-01-02T10:00:00Z","guest":{"email":"a@example.com","name":"Bob \udc00"}})",
      {{"Content-Type", "application/json"}}));
  CHECK(res.status == 400);
  CHECK(error_code(w, res) == "invalid_json");
  CHECK(same_store(before, snapshot(w)));

  // The writer never emits bytes that are not UTF-8, whatever it is handed.
  JsonWriter out;
  const std::string text = out.object().field("cut", std::string("ab\xE2\x82", 4)).end_object().take();
  CHECK(is_valid_utf8(text));
  CHECK(text == "{\"cut\":\"ab\xEF\xBF\xBD\xEF\xBF\xBD\"}");

  // An unknown field named in an error is cut at a character boundary.
  const std::string key = std::string(39, 'a') + "\xE2\x82\xAC";
  auto hours = w.call(make_request("PUT", "/v1/experts/ada/availability",
                                   "{\"time_zone\":\"Europe/Lisbon\",\"" + key + "\":1}",
                                   {{"Authorization", std::string("Bearer ") + kAdminToken}}));
  CHECK(hours.status == 422);
  CHECK(is_valid_utf8(hours.body));
}
