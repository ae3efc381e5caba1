// What an adopting app relies on around the core: the outbox and its delivery (order,
// retries, the same id on every attempt, giving up), listing for reconciliation, the
// per-guest hold limit decided atomically with the hold, retention, CORS, and start-up
// configuration refused with a message that says what is wrong.
#include <catch2/catch.hpp>

#include <deque>

#include "slotguard/booking/notifications.h"
#include "slotguard/host/store_keys.h"
#include "store_service.h"
#include "slotguard/payments/stripe/webhook_signature.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;
using namespace std::string_literals;

namespace {

const std::string kBearer = std::string("Bearer ") + kAdminToken;
const char* kNotifyUrl = "https://app.test/slotguard-hooks";
const char* kNotifySecret = "ntfsec_0123456789abcdef";

Config notifying_config() {
  Config c = test_config();
  c.notify_url = kNotifyUrl;
  c.notify_secrets = {kNotifySecret};
  return c;
}

// The app's endpoint: answers from a script (0 = no answer at all), then 200.
struct Receiver {
  std::deque<int> script;
  struct Got {
    std::string body, signature;
    int status;
  };
  std::vector<Got> got;
  std::vector<std::string> accepted_ids() const {
    std::vector<std::string> ids;
    for (const auto& g : got)
      if (g.status >= 200 && g.status < 300) ids.push_back(Json::parse(g.body)["id"]);
    return ids;
  }
};

// Runs one request to completion; fetches to the notify URL go to the receiver, the
// rest to the fake Stripe.
HttpResponse call_with(World& w, HttpRequest req, Receiver& rx) {
  TaskId id = w.engine.start(std::move(req));
  for (int guard = 0; guard < 5000; ++guard) {
    const HostCall* c = w.engine.pending(id);
    if (!c) break;
    HostCall call = *c;
    HostReply reply;
    if (call.op != HostOp::HttpFetch) {
      reply = native::serve_store_call(*w.store, call);
    } else {
      auto f = decode_fetch_request(call.payload);
      REQUIRE(f);
      if (f->url == kNotifyUrl) {
        int status = 200;
        if (!rx.script.empty()) {
          status = rx.script.front();
          rx.script.pop_front();
        }
        std::string sig;
        for (const auto& [k, v] : f->headers)
          if (k == "Slotguard-Signature") sig = v;
        rx.got.push_back({f->body, sig, status});
        reply = status == 0 ? HostReply{2, "connection refused"} : HostReply{0, encode_fetch_reply(status, "ok")};
      } else {
        reply = w.stripe.serve(call);
      }
    }
    REQUIRE(w.engine.resume(id, reply));
  }
  REQUIRE(w.engine.response(id));
  HttpResponse out = *w.engine.response(id);
  w.engine.drop(id);
  return out;
}

Json notify(World& w, Receiver& rx) {
  HttpResponse r = call_with(w, make_request("POST", "/v1/maintenance/notify", "", {{"Authorization", kBearer}}), rx);
  REQUIRE(r.status == 200);
  return w.json_of(r);
}

size_t outbox_size(World& w) {
  auto page = w.store->list("ntf/", "ntf0", 1000, "");
  REQUIRE(page);
  return page->items.size();
}

size_t keys_with_prefix(World& w, const std::string& prefix) {
  auto page = w.store->list(prefix, keys::prefix_end(prefix), 1000, "");
  REQUIRE(page);
  return page->items.size();
}

std::string hold(World& w, const std::string& start, const std::string& email = "guest@example.com",
                 const std::string& event = "consult") {
  HttpResponse r = w.call(World::create_request(event, start, email));
  REQUIRE(r.status == 201);
  return w.json_of(r)["reservation"]["id"];
}

void pay(World& w, const std::string& rid, const std::string& event_id) {
  const std::string session = w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"]["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.event_body(event_id, "checkout.session.completed", session))).status == 200);
}

Json get_json(World& w, const std::string& path, bool admin = true) {
  HeaderList h;
  if (admin) h.emplace_back("Authorization", kBearer);
  HttpResponse r = w.call(make_request("GET", path, "", h));
  INFO(path << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return w.json_of(r);
}

}  // namespace

// ---------------------------------------------------------------- notifications

TEST_CASE("notify: each change is delivered once, signed, with what GET answered then", "[notify]") {
  World w(notifying_config());
  Receiver rx;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  const std::string rid = hold(w, "2030-01-02T10:00:00Z");
  const Json held_view = get_json(w, "/v1/reservations/" + rid, false)["reservation"];
  CHECK(outbox_size(w) == 1);  // written with the hold, before any delivery

  Json run = notify(w, rx);
  CHECK(run["delivered"] == 1);
  REQUIRE(rx.got.size() == 1);
  Json body = Json::parse(rx.got[0].body);
  CHECK(body["id"] == "ntf_" + rid + "_1");
  CHECK(body["type"] == "reservation.held");
  CHECK(body["created"] == w.host.now_ms() / 1000);
  // The reservation as the hold's commit left it (the checkout link came after).
  CHECK(body["data"]["reservation"]["id"] == rid);
  CHECK(body["data"]["reservation"]["status"] == "pending_payment");
  CHECK(body["data"]["reservation"]["start"] == held_view["start"]);
  // Stripe's signature scheme under the notify secret.
  CHECK(verify_stripe_signature(rx.got[0].signature, rx.got[0].body, {kNotifySecret}, w.host.now_ms() / 1000, 300) ==
        SignatureCheck::Valid);
  CHECK(outbox_size(w) == 0);

  pay(w, rid, "evt_paid");
  notify(w, rx);
  REQUIRE(rx.got.size() == 2);
  Json confirmed = Json::parse(rx.got[1].body);
  CHECK(confirmed["type"] == "reservation.confirmed");
  CHECK(confirmed["data"]["reservation"] == get_json(w, "/v1/reservations/" + rid, false)["reservation"]);
  CHECK(notify(w, rx)["delivered"] == 0);  // nothing twice
  CHECK(w.engine.metrics().get(Metric::notifications_delivered_total) == 2);
}

TEST_CASE("notify: a receiver that is down, then answers 500 twice, gets the same id until it takes it", "[notify]") {
  World w(notifying_config());
  Receiver rx;
  rx.script = {0, 500, 500};
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  const std::string rid = hold(w, "2030-01-02T10:00:00Z");

  CHECK(notify(w, rx)["deferred"] == 1);
  CHECK(notify(w, rx)["delivered"] == 0);  // backing off: not tried again yet
  CHECK(rx.got.size() == 1);
  w.host.advance(10'000);
  notify(w, rx);  // 500
  w.host.advance(10'000);
  notify(w, rx);  // too early: the second wait is 20 s
  CHECK(rx.got.size() == 2);
  w.host.advance(10'000);
  notify(w, rx);  // 500
  w.host.advance(40'000);
  CHECK(notify(w, rx)["delivered"] == 1);
  REQUIRE(rx.got.size() == 4);
  for (const auto& g : rx.got) CHECK(Json::parse(g.body)["id"] == "ntf_" + rid + "_1");
  CHECK(rx.got[0].body == rx.got[3].body);  // the same bytes every time
  CHECK(w.engine.metrics().get(Metric::notification_attempts_failed_total) == 3);
  CHECK(outbox_size(w) == 0);
}

TEST_CASE("notify: a reservation's notifications arrive in order even when the first fails", "[notify]") {
  World w(notifying_config());
  Receiver rx;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  const std::string rid = hold(w, "2030-01-02T10:00:00Z");
  rx.script = {503};
  notify(w, rx);  // held fails
  pay(w, rid, "evt_paid");
  CHECK(outbox_size(w) == 2);
  // confirmed is due now, held only in 10 s: confirmed must wait for it.
  Json run = notify(w, rx);
  CHECK(run["delivered"] == 0);
  CHECK(rx.got.size() == 1);
  w.host.advance(10'000);
  notify(w, rx);
  w.host.advance(1'000);
  notify(w, rx);
  CHECK(rx.accepted_ids() == std::vector<std::string>{"ntf_" + rid + "_1", "ntf_" + rid + "_2"});
  CHECK(outbox_size(w) == 0);
}

TEST_CASE("notify: released and refunded carry their reason; other reservations are not held back", "[notify]") {
  World w(notifying_config());
  Receiver rx;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  const std::string a = hold(w, "2030-01-02T10:00:00Z", "a@example.com");
  const std::string b = hold(w, "2030-01-02T11:00:00Z", "b@example.com");
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + a)).status == 200);
  rx.script = {500};  // the first reservation tried fails; the other's still go
  notify(w, rx);
  REQUIRE(rx.got.size() >= 2);
  const std::string failed_rid = Json::parse(rx.got[0].body)["data"]["reservation"]["id"];
  const std::string other_rid = failed_rid == a ? b : a;
  for (const auto& id : rx.accepted_ids()) CHECK(id.find(other_rid) != std::string::npos);
  CHECK_FALSE(rx.accepted_ids().empty());
  w.host.advance(10'000);
  notify(w, rx);
  w.host.advance(1'000);
  notify(w, rx);
  // Every notification delivered once, each reservation's in order.
  std::vector<std::string> of_a;
  for (const auto& id : rx.accepted_ids())
    if (id.find(a) != std::string::npos) of_a.push_back(id);
  CHECK(of_a == std::vector<std::string>{"ntf_" + a + "_1", "ntf_" + a + "_2"});
  CHECK(rx.accepted_ids().size() == 3);
  Json released;
  for (const auto& g : rx.got)
    if (Json::parse(g.body)["id"] == "ntf_" + a + "_2") released = Json::parse(g.body);
  CHECK(released["type"] == "reservation.released");
  CHECK(released["data"]["reason"] == "cancelled");
  CHECK(released["data"]["reservation"]["status"] == "released");
}

TEST_CASE("notify: a notification nobody takes is given up after the retry window", "[notify]") {
  Config cfg = notifying_config();
  cfg.notify_retry_hours = 1;
  World w(cfg);
  Receiver rx;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  hold(w, "2030-01-02T10:00:00Z");
  for (int i = 0; i < 30 && outbox_size(w) > 0; ++i) {
    rx.script = {500};
    notify(w, rx);
    w.host.advance(10 * 60'000);
  }
  CHECK(outbox_size(w) == 0);
  CHECK(keys_with_prefix(w, "ntfq/") == 0);
  CHECK(w.engine.metrics().get(Metric::notifications_failed_total) == 1);
  CHECK(rx.accepted_ids().empty());
}

TEST_CASE("notify: nothing is written while notifications are off", "[notify]") {
  World w;
  Receiver rx;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  hold(w, "2030-01-02T10:00:00Z");
  CHECK(outbox_size(w) == 0);
  Json run = notify(w, rx);
  CHECK(run == Json{{"delivered", 0}, {"failed", 0}, {"deferred", 0}, {"more", false}});
  CHECK(w.call(make_request("POST", "/v1/maintenance/notify")).status == 401);
}

// ---------------------------------------------------------------- listing

TEST_CASE("listing: an expert's reservations by start, paged with a cursor, filtered by status", "[listing]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  REQUIRE(w.put_event("other", "bob", 30).status == 201);
  const std::string r3 = hold(w, "2030-01-03T10:00:00Z", "c@example.com");
  const std::string r1 = hold(w, "2030-01-02T09:00:00Z", "a@example.com");
  const std::string r2 = hold(w, "2030-01-02T15:00:00Z", "b@example.com");
  hold(w, "2030-01-02T09:00:00Z", "a@example.com", "other");  // bob's: never listed for ada
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + r2)).status == 200);

  const std::string base = "/v1/reservations?expert_id=ada&from=2030-01-01T00:00:00Z&to=2030-01-05T00:00:00Z";
  Json page1 = get_json(w, base + "&limit=2");
  REQUIRE(page1["reservations"].size() == 2);
  CHECK(page1["reservations"][0]["id"] == r1);
  CHECK(page1["reservations"][1]["id"] == r2);
  REQUIRE(page1["next_cursor"].is_string());
  Json page2 = get_json(w, base + "&limit=2&cursor=" + page1["next_cursor"].get<std::string>());
  REQUIRE(page2["reservations"].size() == 1);
  CHECK(page2["reservations"][0]["id"] == r3);
  CHECK(page2["next_cursor"].is_null());

  Json pending = get_json(w, base + "&status=pending_payment");
  REQUIRE(pending["reservations"].size() == 2);
  CHECK(pending["reservations"][0]["id"] == r1);
  CHECK(pending["reservations"][1]["id"] == r3);
  // [from, to) by start.
  CHECK(get_json(w, "/v1/reservations?expert_id=ada&from=2030-01-02T09:00:00Z&to=2030-01-02T15:00:00Z")["reservations"].size() == 1);

  // Refusals.
  CHECK(w.call(make_request("GET", base)).status == 401);
  for (const std::string& bad : {"/v1/reservations?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z"s,
                                 "/v1/reservations?expert_id=ada&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"s,
                                 "/v1/reservations?expert_id=ada&from=2030-01-01T00:00:00Z&to=2030-06-01T00:00:00Z"s,
                                 base + "&limit=0", base + "&limit=101", base + "&limit=x", base + "&status=paid",
                                 base + "&cursor=zz", base + "&cursor=00"}) {
    INFO(bad);
    HttpResponse r = w.call(make_request("GET", bad, "", {{"Authorization", kBearer}}));
    CHECK(r.status == 422);
    CHECK(error_code(w, r) == "validation_failed");
  }
  // A cursor made for ada cannot page through bob's reservations.
  const std::string bob = "/v1/reservations?expert_id=bob&from=2030-01-01T00:00:00Z&to=2030-01-05T00:00:00Z";
  CHECK(w.call(make_request("GET", bob + "&cursor=" + page1["next_cursor"].get<std::string>(), "",
                            {{"Authorization", kBearer}})).status == 422);
}

TEST_CASE("listing: an expert's event types, following an event that moves to another expert", "[listing]") {
  World w;
  REQUIRE(w.put_event("b-consult", "ada", 30).status == 201);
  REQUIRE(w.put_event("a-intro", "ada", 15).status == 201);
  REQUIRE(w.put_event("deep", "bob", 60).status == 201);
  Json ada = get_json(w, "/v1/events?expert_id=ada", false);
  REQUIRE(ada["events"].size() == 2);
  CHECK(ada["events"][0]["id"] == "a-intro");
  CHECK(ada["events"][1]["id"] == "b-consult");
  REQUIRE(w.put_event("a-intro", "bob", 15).status == 200);
  CHECK(get_json(w, "/v1/events?expert_id=ada", false)["events"].size() == 1);
  CHECK(get_json(w, "/v1/events?expert_id=bob", false)["events"].size() == 2);
  CHECK(get_json(w, "/v1/events?expert_id=nobody", false)["events"].empty());
  CHECK(w.call(make_request("GET", "/v1/events")).status == 422);
  CHECK(w.call(make_request("GET", "/v1/events?expert_id=a%2Fb")).status == 422);
}

// ---------------------------------------------------------------- the hold limit

TEST_CASE("guest limit: a third unpaid hold with one expert is refused until one ends", "[limits]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  REQUIRE(w.put_event("other", "bob", 30).status == 201);
  const std::string first = hold(w, "2030-01-02T09:00:00Z", "Guest@Example.com");
  hold(w, "2030-01-02T10:00:00Z", "guest@example.com");
  HttpResponse third = w.call(World::create_request("consult", "2030-01-02T11:00:00Z", "GUEST@example.com"));
  CHECK(third.status == 429);
  CHECK(error_code(w, third) == "too_many_holds");
  CHECK(w.engine.metrics().get(Metric::holds_refused_total, "reason=\"too_many_holds\"") == 1);
  // Another expert, another guest: unaffected.
  hold(w, "2030-01-02T11:00:00Z", "guest@example.com", "other");
  hold(w, "2030-01-02T11:00:00Z", "someone@example.com");
  // Cancelling one frees a place at once.
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + first)).status == 200);
  const std::string again = hold(w, "2030-01-02T12:00:00Z", "guest@example.com");
  // Paying for one frees a place too.
  pay(w, again, "evt_paid");
  hold(w, "2030-01-02T13:00:00Z", "guest@example.com");
  // Lapsed holds stop counting even before a sweep releases them.
  CHECK(w.call(World::create_request("consult", "2030-01-02T14:00:00Z", "guest@example.com")).status == 429);
  w.host.advance(40 * 60'000);
  hold(w, "2030-01-02T14:00:00Z", "guest@example.com");
}

TEST_CASE("guest limit: two holds racing past the last place: exactly one wins", "[limits]") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    World w(seed);
    REQUIRE(w.put_event("consult", "ada", 30).status == 201);
    hold(w, "2030-01-02T09:00:00Z", "guest@example.com");
    TaskId a = w.sched.submit(World::create_request("consult", "2030-01-02T10:00:00Z", "guest@example.com"));
    TaskId b = w.sched.submit(World::create_request("consult", "2030-01-02T11:00:00Z", "guest@example.com"));
    w.sched.run(native::random_chooser(seed));
    int created = 0, refused = 0;
    for (TaskId id : {a, b}) {
      const HttpResponse* r = w.engine.response(id);
      REQUIRE(r);
      created += r->status == 201;
      refused += r->status == 429;
    }
    INFO("seed " << seed);
    CHECK(created == 1);
    CHECK(refused == 1);
  }
}

TEST_CASE("guest limit: 0 turns it off", "[limits]") {
  Config cfg = test_config();
  cfg.max_active_holds_per_guest = 0;
  World w(cfg);
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  for (int h = 10; h < 15; ++h) hold(w, "2030-01-02T" + std::to_string(h) + ":00:00Z", "guest@example.com");
  CHECK(keys_with_prefix(w, "guest/") == 0);
}

// ---------------------------------------------------------------- retention

TEST_CASE("retention: released reservations and old webhook records go; confirmed ones stay", "[retention]") {
  Config cfg = test_config();
  cfg.retention_days = 2;
  World w(cfg);
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  HttpResponse held = w.call(World::create_request("consult", "2030-01-02T09:00:00Z", "a@example.com", "key-1"));
  REQUIRE(held.status == 201);
  const std::string cancelled = w.json_of(held)["reservation"]["id"];
  const std::string paid = hold(w, "2030-01-02T10:00:00Z", "b@example.com");
  pay(w, paid, "evt_paid");
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + cancelled)).status == 200);
  CHECK(keys_with_prefix(w, "whevt/") == 1);

  Json early = w.json_of(w.sweep());
  CHECK(early["purged"] == 0);
  w.host.advance(2 * kDayMs + 60'000);
  Json swept = w.json_of(w.sweep());
  CHECK(swept["purged"] == 1);
  CHECK(w.call(make_request("GET", "/v1/reservations/" + cancelled)).status == 404);
  CHECK(w.call(make_request("GET", "/v1/reservations/" + paid)).status == 200);
  CHECK(keys_with_prefix(w, "purge/") == 0);
  // Its listing entry and idempotency key went with it: the key is free again.
  CHECK(get_json(w, "/v1/reservations?expert_id=ada&from=2030-01-01T00:00:00Z&to=2030-01-05T00:00:00Z")["reservations"].size() == 1);
  CHECK(keys_with_prefix(w, "idem/") == 0);
  CHECK(keys_with_prefix(w, "whevt/") == 1);  // Stripe may still retry: kept a week
  w.host.advance(5 * kDayMs);
  CHECK(w.json_of(w.sweep())["purged"] == 1);
  CHECK(keys_with_prefix(w, "whevt/") == 0);
  CHECK(keys_with_prefix(w, "whevtq/") == 0);
  CHECK(w.engine.metrics().get(Metric::purged_total, "kind=\"reservation\"") == 1);
  CHECK(w.engine.metrics().get(Metric::purged_total, "kind=\"webhook_event\"") == 1);
}

// ---------------------------------------------------------------- CORS

TEST_CASE("cors: only configured origins get headers and preflights", "[cors]") {
  Config cfg = test_config();
  cfg.cors_origins = {"https://shop.example"};
  World w(cfg);
  HttpResponse pre = w.call(make_request("OPTIONS", "/v1/reservations", "", {{"Origin", "https://shop.example"}}));
  CHECK(pre.status == 204);
  REQUIRE(header(pre, "Access-Control-Allow-Origin"));
  CHECK(*header(pre, "Access-Control-Allow-Origin") == "https://shop.example");
  REQUIRE(header(pre, "Access-Control-Allow-Headers"));
  CHECK(header(pre, "Access-Control-Allow-Headers")->find("Idempotency-Key") != std::string::npos);
  HttpResponse get = w.call(make_request("GET", "/healthz", "", {{"Origin", "https://shop.example"}}));
  REQUIRE(header(get, "Access-Control-Allow-Origin"));
  HttpResponse other = w.call(make_request("OPTIONS", "/v1/reservations", "", {{"Origin", "https://evil.example"}}));
  CHECK(other.status == 405);
  CHECK(header(other, "Access-Control-Allow-Origin") == nullptr);

  World closed;  // the default: no origin at all
  CHECK(header(closed.call(make_request("GET", "/healthz", "", {{"Origin", "https://shop.example"}})),
               "Access-Control-Allow-Origin") == nullptr);
}

// ---------------------------------------------------------------- configuration

TEST_CASE("config: refusals name the field and the rule", "[config]") {
  const std::string base = R"("admin_token": "0123456789abcdef0123")";
  auto refused = [&](const std::string& extra) {
    std::string error;
    auto c = parse_config("{" + base + ", " + extra + "}", &error);
    CHECK_FALSE(c);
    return error;
  };
  CHECK(refused(R"("checkout_minutes": 1439)") == "checkout_minutes must be an integer in [30, 1438]");
  CHECK(refused(R"("stripe_secret_key": "sk_live_x", "stripe_api_base": "http://127.0.0.1:12111")").find(
            "live key") != std::string::npos);
  CHECK(refused(R"("stripe_secret_key": "rk_live_x", "stripe_api_base": "https://api.stripe.com.evil")").find(
            "https://api.stripe.com") != std::string::npos);
  // A key with anything around it is refused, not trimmed: " sk_live_..." or a quoted
  // live key used to pass the live-key rule and travel to a local API base.
  for (const char* disguised : {R"(" sk_live_x")", R"("\"sk_live_x\"")", R"("sk_live_x\n")", R"("sk_live_x ")", R"("pk_test_x")",
                                R"("sk_test")"}) {
    INFO(disguised);
    const std::string why = refused(std::string(R"("stripe_api_base": "http://127.0.0.1:12111", "stripe_secret_key": )") + disguised);
    INFO(why);
    CHECK(why.find("stripe_secret_key must be a bare Stripe key") == 0);
  }
  CHECK(refused(R"("notify_url": "https://app.test/h")") == "notify_secret is required when notify_url is set");
  CHECK(refused(R"("notify_url": "ftp://app.test/h", "notify_secret": "0123456789abcdef")") ==
        "notify_url must be an http:// or https:// URL");
  CHECK(refused(R"("notify_url": "https://a.test", "notify_secret": "short")") ==
        "each notify_secret must be at least 16 characters");
  CHECK(refused(R"("max_active_holds_per_guest": -1)").find("max_active_holds_per_guest") != std::string::npos);
  CHECK(refused(R"("retention_days": 0)").find("retention_days") != std::string::npos);
  CHECK(refused(R"("cors_origins": "shop.example")") == "cors_origins must list http(s) origins or *");

  std::string error;
  auto ok = parse_config("{" + base + R"(, "stripe_secret_key": "sk_live_x", "notify_url": "https://a.test/h",
      "notify_secret": "0123456789abcdef, fedcba9876543210", "cors_origins": "https://a.test, *"})", &error);
  REQUIRE(ok);
  CHECK(ok->notify_secrets == std::vector<std::string>{"0123456789abcdef", "fedcba9876543210"});
  CHECK(ok->cors_origins == std::vector<std::string>{"https://a.test", "*"});
  CHECK(ok->max_active_holds_per_guest == 2);
  CHECK(ok->retention_days == 30);
}

TEST_CASE("metrics: every known metric is listed with its type before it moves", "[metrics]") {
  World w;
  const std::string text = w.call(make_request("GET", "/metrics")).body;
  for (const char* name : {"slotguard_refunds_abandoned_total", "slotguard_notifications_pending",
                           "slotguard_notifications_failed_total", "slotguard_unlinked_holds_total",
                           "slotguard_purged_total", "slotguard_holds_refused_total"})
    CHECK(text.find(std::string("# TYPE ") + name + " ") != std::string::npos);
  CHECK(text.find("# TYPE slotguard_notifications_pending gauge") != std::string::npos);
}
