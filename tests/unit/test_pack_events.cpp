// A pack's Checkout events that no webhook brings (payments/pack_checkout.h): a pack
// must not wait on a webhook that was lost. Its session's events reach it through the
// events pass (payments/missed_events.h) as they would through the webhook, once; and
// a checkout whose expiry passed with no event at all is settled by the sweep, which
// asks Stripe what became of the session: paid activates the pack, anything else lapses
// it, so a pack never shows a dead checkout link as `pending_payment` for ever. A pack
// that lapsed is then removed by retention like a released hold (api/retention.h).
#include <catch2/catch.hpp>

#include "slotguard/booking/packs.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const Json offers = Json::array({{{"sessions", 3}, {"price", {{"amount", 12000}, {"currency", "eur"}}}, {"valid_days", 30}}});
  Json body = {{"expert_id", "ada"}, {"title", "Coaching"}, {"duration_minutes", 60}, {"slot_step_minutes", 60},
               {"price", {{"amount", 5000}, {"currency", "eur"}}}, {"packs", offers}};
  REQUIRE(w.call(admin_request("PUT", "/v1/events/coaching", body.dump())).status == 201);
}

struct Bought {
  std::string id, session;  // session: empty when the checkout never opened
};

// A pack of three bought by g@example.com under the Idempotency-Key `key`; `status`:
// the answer the purchase expects.
Bought buy(World& w, int status = 201, const std::string& key = "buy-1") {
  Json body = {{"event_id", "coaching"}, {"sessions", 3}, {"guest", {{"email", "g@example.com"}, {"name", "Guest"}}}};
  const HttpResponse r = w.call(make_request("POST", "/v1/packs", body.dump(), {{"Content-Type", "application/json"}, {"Idempotency-Key", key}}));
  INFO(r.body);
  REQUIRE(r.status == status);
  if (status != 201) {
    const std::vector<KvItem> all = snapshot(w);
    for (const KvItem& item : all)
      if (item.key.rfind("pack/", 0) == 0) return {item.key.substr(5), {}};
    FAIL("no pack was written");
  }
  const Json pack = w.json_of(r)["pack"];
  const std::string url = pack["checkout_url"].is_string() ? pack["checkout_url"].get<std::string>() : "";
  return {pack["id"], url.substr(url.rfind('/') + 1)};
}

Json pack_of(World& w, const std::string& id) {
  const HttpResponse r = w.call(make_request("GET", "/v1/packs/" + id));
  REQUIRE(r.status == 200);
  return w.json_of(r)["pack"];
}

uint64_t version_of(const std::vector<KvItem>& store, const std::string& key) {
  for (const KvItem& item : store)
    if (item.key == key) return item.version;
  return 0;
}

// Past the session's expiry (the core asks Stripe for at least 30 minutes), with
// Stripe's own expiry run: no event is emitted for it.
void past_expiry(World& w) {
  w.host.advance(120 * kMinuteMs);
  w.stripe.expire_due();
}

}  // namespace

TEST_CASE("pack events: a paid pack whose webhook never comes is activated by the next sweep, once",
          "[packs][lifecycle][events]") {
  World w(31);
  start_world(w);
  const Bought b = buy(w);
  const std::string pi = w.stripe.pay(b.session);
  const std::string event = w.stripe.emit_event("evt_pack_paid", "checkout.session.completed", b.session);  // never delivered
  REQUIRE(pack_of(w, b.id)["status"] == "pending_payment");
  const int64_t paid_at = w.host.now_ms();
  w.host.advance(5 * kMinuteMs);  // the sweep runs later than the payment
  REQUIRE(w.sweep().status == 200);
  const Json active = pack_of(w, b.id);
  CHECK(active["status"] == "active");
  CHECK(active["credits_left"] == 3);
  CHECK(active["checkout_url"].is_null());
  const std::string expires = active["expires_at"];
  CHECK(*parse_rfc3339(expires) == paid_at + 5 * kMinuteMs + 30 * kDayMs);
  // The webhook that arrives after all is a duplicate, and changes nothing.
  const std::vector<KvItem> before = snapshot(w);
  w.host.advance(kMinuteMs);
  const HttpResponse late = w.call(w.webhook(event));
  REQUIRE(late.status == 200);
  CHECK(w.json_of(late)["duplicate"] == true);
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id) == active);
  CHECK(version_of(snapshot(w), keys::pack(b.id)) == version_of(before, keys::pack(b.id)));
  CHECK(w.stripe.refunds_made[pi] == 0);
  // Its credits pay for a booking.
  Json booking = {{"event_id", "coaching"}, {"start", "2030-01-07T09:00:00Z"},
                  {"guest", {{"email", "g@example.com"}, {"name", "Guest"}}}, {"pack_id", b.id}};
  CHECK(w.call(make_request("POST", "/v1/reservations", booking.dump())).status == 201);
}

TEST_CASE("pack events: a pack whose checkout expired without its webhook lapses at the next sweep",
          "[packs][lifecycle][events]") {
  World w(32);
  start_world(w);
  const Bought b = buy(w);
  past_expiry(w);
  const std::string event = w.stripe.emit_event("evt_pack_expired", "checkout.session.expired", b.session);  // never delivered
  REQUIRE(w.sweep().status == 200);
  const Json lapsed = pack_of(w, b.id);
  CHECK(lapsed["status"] == "lapsed");
  CHECK(lapsed["checkout_url"].is_null());
  const HttpResponse late = w.call(w.webhook(event));
  CHECK(w.json_of(late)["duplicate"] == true);
  CHECK(pack_of(w, b.id) == lapsed);
}

TEST_CASE("pack events: a checkout abandoned with no event at all lapses once its expiry has passed",
          "[packs][lifecycle][events]") {
  World w(33);
  start_world(w);
  const Bought b = buy(w);
  // Before the session's expiry the sweep leaves the pack waiting, and asks Stripe nothing.
  w.host.advance(20 * kMinuteMs);
  const size_t asked = w.stripe.count("GET /v1/checkout/sessions/");
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id)["status"] == "pending_payment");
  CHECK(w.stripe.count("GET /v1/checkout/sessions/") == asked);
  // Stripe expired the session and its event never reached anyone (nor the events list).
  past_expiry(w);
  REQUIRE(w.sweep().status == 200);
  const Json lapsed = pack_of(w, b.id);
  CHECK(lapsed["status"] == "lapsed");
  CHECK(lapsed["checkout_url"].is_null());
  // Settled once: a later sweep asks Stripe nothing more about it.
  const size_t after = w.stripe.count("GET /v1/checkout/sessions/");
  REQUIRE(w.sweep().status == 200);
  CHECK(w.stripe.count("GET /v1/checkout/sessions/") == after);
}

TEST_CASE("pack events: a pack paid with no event at all is activated, not lapsed, once its checkout's expiry passed",
          "[packs][lifecycle][events]") {
  World w(34);
  start_world(w);
  const Bought b = buy(w);
  const std::string pi = w.stripe.pay(b.session);  // no event: a key that may not list events, say
  past_expiry(w);
  w.stripe.down = true;  // Stripe does not answer: the pack waits for the next sweep
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id)["status"] == "pending_payment");
  w.stripe.down = false;
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id)["status"] == "active");
  // Its event, delivered at last, applies nothing more.
  const HttpResponse late = w.call(w.webhook(w.stripe.emit_event("evt_pack_late", "checkout.session.completed", b.session)));
  CHECK(w.json_of(late)["outcome"] == "ignored");
  CHECK(pack_of(w, b.id)["credits_left"] == 3);
  CHECK(w.stripe.refunds_made[pi] == 0);
}

TEST_CASE("pack events: a pack whose checkout never opened lapses once the session's expiry passed",
          "[packs][lifecycle][events]") {
  World w(35);
  start_world(w);
  w.stripe.fail_creates_in_transport = 1;  // no answer: the pack waits for a retry that never comes
  const Bought b = buy(w, 503);
  CHECK(pack_of(w, b.id)["status"] == "pending_payment");
  past_expiry(w);
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id)["status"] == "lapsed");
}

TEST_CASE("pack events: retention removes a lapsed pack and its idempotency key; a paid one stays", "[packs][retention]") {
  Config cfg = test_config();
  cfg.retention_days = 2;
  World w(cfg, 36);
  start_world(w);
  const Bought lapsed = buy(w, 201, "buy-lapsed");
  const Bought paid = buy(w, 201, "buy-paid");
  w.stripe.pay(paid.session);
  REQUIRE(w.json_of(w.call(w.webhook(w.stripe.emit_event("evt_paid", "checkout.session.completed", paid.session))))["outcome"] ==
          "pack_activated");
  past_expiry(w);
  REQUIRE(w.sweep().status == 200);
  REQUIRE(pack_of(w, lapsed.id)["status"] == "lapsed");
  const std::string lapsed_key = keys::pack(lapsed.id);
  const auto count = [&w](const std::string& prefix) {
    size_t n = 0;
    for (const KvItem& item : snapshot(w)) n += item.key.rfind(prefix, 0) == 0;
    return n;
  };
  CHECK(count("packpurge/") == 1);
  CHECK(count("idem/") == 2);
  w.host.advance(kDayMs);
  CHECK(w.json_of(w.sweep())["purged"] == 0);
  w.host.advance(kDayMs + kMinuteMs);
  CHECK(w.json_of(w.sweep())["purged"] == 1);
  CHECK(w.call(make_request("GET", "/v1/packs/" + lapsed.id)).status == 404);
  CHECK(pack_of(w, paid.id)["status"] == "active");
  CHECK(count("packpurge/") == 0);
  CHECK(count("packx/") == 0);
  CHECK(count("idem/") == 1);  // the lapsed pack's key went with it: buying under it again is a new purchase
  CHECK(w.engine.metrics().get(Metric::purged_total, "kind=\"pack\"") == 1);
  const Bought again = buy(w, 201, "buy-lapsed");
  CHECK(again.id != lapsed.id);
}

TEST_CASE("pack events: a lapsed pack that a late payment activates is kept", "[packs][retention]") {
  Config cfg = test_config();
  cfg.retention_days = 1;
  World w(cfg, 37);
  start_world(w);
  const Bought b = buy(w);
  const std::string expired = w.stripe.event_body("evt_exp", "checkout.session.expired", b.session);
  w.stripe.pay(b.session);
  // The expiry's event came first (Stripe's events in any order), then the payment's.
  REQUIRE(w.json_of(w.call(w.webhook(expired)))["outcome"] == "pack_lapsed");
  REQUIRE(w.json_of(w.call(w.webhook(w.stripe.event_body("evt_paid", "checkout.session.completed", b.session))))["outcome"] ==
          "pack_activated");
  w.host.advance(2 * kDayMs);
  REQUIRE(w.sweep().status == 200);
  CHECK(pack_of(w, b.id)["status"] == "active");
  for (const KvItem& item : snapshot(w)) CHECK(item.key.rfind("packpurge/", 0) != 0);
}
