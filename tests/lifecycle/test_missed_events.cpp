// The events pass (payments/missed_events.h): Stripe emits an event, no webhook ever
// carries it, and the next sweep lists it and applies it as the webhook would have,
// once. The fake Stripe keeps every event it emits for GET /v1/events, on the clock the
// host runs on.
#include <catch2/catch.hpp>

#include "slotguard/host/store_keys.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const char* kSlot = "2030-01-02T10:00:00Z";

struct Held {
  std::string rid, session;
};

Held hold(World& w, const std::string& email, const char* start = kSlot) {
  HttpResponse r = w.call(World::create_request("short", start, email));
  REQUIRE(r.status == 201);
  auto j = w.json_of(r)["reservation"];
  return {j["id"].get<std::string>(), j["checkout_session_id"].get<std::string>()};
}

std::string status_of(World& w, const std::string& rid) {
  return w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"]["status"];
}

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
}

}  // namespace

TEST_CASE("missed events: a payment whose webhook never comes is confirmed by the next sweep, while the hold is live",
          "[lifecycle][reconcile][events]") {
  World w(21);
  start_world(w);
  const Held b = hold(w, "quiet@example.com");
  w.stripe.pay(b.session);
  const std::string event = w.stripe.emit_event("evt_paid", "checkout.session.completed", b.session);  // never delivered
  HttpResponse sw = w.sweep();
  REQUIRE(sw.status == 200);
  CHECK(w.json_of(sw)["reconciled"] == 1);
  CHECK(status_of(w, b.rid) == "confirmed");
  const std::string label = "source=\"events\",outcome=\"confirmed\"";
  CHECK(w.engine.metrics().get(Metric::reconciled_total, label) == 1);
  // The webhook that arrives after all is a duplicate; a second sweep applies nothing.
  HttpResponse late = w.call(w.webhook(event));
  REQUIRE(late.status == 200);
  CHECK(w.json_of(late)["duplicate"] == true);
  CHECK(w.json_of(w.sweep())["reconciled"] == 0);
  CHECK(w.engine.metrics().get(Metric::reconciled_total, label) == 1);
  CHECK(w.stripe.refunds.empty());
}

TEST_CASE("missed events: a delivered webhook and the pass apply an event once", "[lifecycle][reconcile][events]") {
  World w(22);
  start_world(w);
  const Held b = hold(w, "both@example.com");
  const std::string pi = w.stripe.pay(b.session);
  const std::string event = w.stripe.emit_event("evt_both", "checkout.session.completed", b.session);
  REQUIRE(w.call(w.webhook(event)).status == 200);
  CHECK(w.json_of(w.sweep())["reconciled"] == 0);
  CHECK(status_of(w, b.rid) == "confirmed");
  CHECK(w.stripe.refunds_made[pi] == 0);
}

TEST_CASE("missed events: a cancelled hold paid in another tab, with Stripe down during the cancel, is refunded",
          "[lifecycle][reconcile][events]") {
  World w(23);
  start_world(w);
  const Held b = hold(w, "tabs@example.com");
  const std::string pi = w.stripe.pay(b.session);
  w.stripe.emit_event("evt_tab", "checkout.session.completed", b.session);  // never delivered
  w.stripe.down = true;  // the cancel cannot ask Stripe about the session
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + b.rid)).status == 200);
  CHECK(status_of(w, b.rid) == "released");
  w.stripe.down = false;
  REQUIRE(w.sweep().status == 200);
  CHECK(status_of(w, b.rid) == "refunded");
  CHECK(w.stripe.refunds_made[pi] == 1);
  REQUIRE(w.sweep().status == 200);
  CHECK(w.stripe.refunds_made[pi] == 1);
}

TEST_CASE("missed events: the pass is bounded, skips what is not this store's, and goes on from its cursor",
          "[lifecycle][reconcile][events]") {
  World w(24);
  start_world(w);
  const Held other = hold(w, "other@example.com", "2030-01-03T10:00:00Z");
  // Events about a session of another deployment: slotguard holds no reservation for them.
  w.stripe.sessions()[other.session].reservation_id = "rsv_elsewhere";
  for (int i = 0; i < 640; ++i)
    w.stripe.emit_event("evt_other_" + std::to_string(i), "checkout.session.expired", other.session);
  const Held b = hold(w, "late@example.com");
  w.stripe.pay(b.session);
  w.stripe.emit_event("evt_mine", "checkout.session.completed", b.session);
  const std::vector<KvItem> before = snapshot(w);
  HttpResponse first = w.sweep();
  REQUIRE(first.status == 200);
  CHECK(w.json_of(first)["more"] == true);  // 641 events: more than one pass's five pages
  CHECK(status_of(w, b.rid) == "pending_payment");
  int sweeps = 1;
  while (status_of(w, b.rid) != "confirmed" && sweeps < 10) {
    REQUIRE(w.sweep().status == 200);
    ++sweeps;
  }
  CHECK(status_of(w, b.rid) == "confirmed");
  CHECK(sweeps <= 3);
  CHECK(w.json_of(w.sweep())["more"] == false);
  // Nothing was recorded for the 640 events about no reservation of this store.
  for (const KvItem& item : snapshot(w))
    CHECK(item.key.rfind(keys::webhook_event("evt_other_"), 0) != 0);
  CHECK(before.size() < snapshot(w).size());
}
