// An instance remembers the event types it read (core/slotguard/booking/event_cache.h) and its holds
// skip reading them; each hold's commit checks the event's version instead. These
// tests change an event type through another instance on the same store and show
// that no hold is ever decided against the old version.
#include <catch2/catch.hpp>

#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const std::string kBearer = std::string("Bearer ") + kAdminToken;

HttpRequest put_priced_event(const std::string& id, int64_t amount, int duration_minutes = 30) {
  Json body = {{"expert_id", "exp-cache"},
               {"title", "Session " + id},
               {"duration_minutes", duration_minutes},
               {"slot_step_minutes", 30},
               {"price", {{"amount", amount}, {"currency", "eur"}}}};
  return make_request("PUT", "/v1/events/" + id, write_json(body), {{"Authorization", kBearer}});
}

// A second instance on the world's store, Stripe and clock.
struct OtherInstance {
  explicit OtherInstance(World& w) : engine(test_config(), w.host), sched(engine, *w.store, w.stripe) {}
  HttpResponse call(HttpRequest req) {
    TaskId id = engine.start(std::move(req));
    while (sched.step(id)) {
    }
    HttpResponse out = *engine.response(id);
    engine.drop(id);
    return out;
  }
  Engine engine;
  native::Scheduler sched;
};

int64_t price_of(World& w, const HttpResponse& created) {
  const Json body = w.json_of(created);
  const std::string* rid = json_string(body["reservation"], "id");
  REQUIRE(rid);
  for (const Reservation& r : w.reservations())
    if (r.id == *rid) return r.price.amount;
  FAIL("reservation not stored");
  return -1;
}

}  // namespace

TEST_CASE("event cache: a hold after another instance changed the event uses the new one", "[event-cache]") {
  World w;
  OtherInstance other(w);
  REQUIRE(w.call(put_priced_event("cached", 5000)).status == 201);
  auto first = w.call(World::create_request("cached", "2030-01-03T10:00:00Z", "a@example.com"));
  REQUIRE(first.status == 201);
  CHECK(price_of(w, first) == 5000);  // read, and now remembered by this instance

  REQUIRE(other.call(put_priced_event("cached", 7000, 60)).status == 200);
  auto second = w.call(World::create_request("cached", "2030-01-03T12:00:00Z", "b@example.com"));
  REQUIRE(second.status == 201);
  CHECK(price_of(w, second) == 7000);
  // The new duration decides the span too: 12:00-13:00 is taken, 12:30 overlaps it.
  auto overlapping = w.call(World::create_request("cached", "2030-01-03T12:30:00Z", "c@example.com"));
  CHECK(overlapping.status == 409);
  auto third = w.call(World::create_request("cached", "2030-01-03T14:00:00Z", "d@example.com"));
  REQUIRE(third.status == 201);
  CHECK(price_of(w, third) == 7000);
}

TEST_CASE("event cache: the event changing between a hold's read and its commit sends it round again",
          "[event-cache][interleaving]") {
  // Every interleaving of one hold (cold cache) with a price change from another
  // instance: the hold is priced as the event stood when the hold committed.
  for (size_t change_after_steps = 0; change_after_steps < 8; ++change_after_steps) {
    World w;
    OtherInstance other(w);
    REQUIRE(w.call(put_priced_event("race", 5000)).status == 201);
    TaskId hold = w.engine.start(World::create_request("race", "2030-01-03T10:00:00Z", "a@example.com"));
    size_t steps = 0;
    bool changed = false;
    while (w.engine.state(hold) == TaskState::Waiting) {
      if (steps++ == change_after_steps) {
        REQUIRE(other.call(put_priced_event("race", 9000)).status == 200);
        changed = true;
      }
      w.sched.step(hold);
    }
    HttpResponse res = *w.engine.response(hold);
    REQUIRE(res.status == 201);
    const Json body = w.json_of(res);
    const std::string* rid = json_string(body["reservation"], "id");
    REQUIRE(rid);
    // Changed before the hold's commit (its second store call at the latest) means the
    // new price; changed after it, the hold stands at the old one.
    int64_t price = 0;
    for (const Reservation& r : w.reservations())
      if (r.id == *rid) price = r.price.amount;
    INFO("price changed before step " << change_after_steps << (changed ? "" : " (never)"));
    if (change_after_steps <= 1) CHECK(price == 9000);
    else CHECK((price == 5000 || price == 9000));
  }
}

TEST_CASE("event cache: reads of an event and its slots always show the stored version", "[event-cache]") {
  World w;
  OtherInstance other(w);
  REQUIRE(w.call(put_priced_event("shown", 5000, 30)).status == 201);
  const std::string slots_path = "/v1/events/shown/slots?from=2030-01-03T10:00:00Z&to=2030-01-03T11:00:00Z";
  auto first_end = [&](const HttpResponse& r) {
    const Json body = w.json_of(r);
    REQUIRE(body["slots"].is_array());
    REQUIRE(!body["slots"].empty());
    return body["slots"][0]["end"].get<std::string>();
  };
  CHECK(first_end(w.call(make_request("GET", slots_path))) == "2030-01-03T10:30:00Z");
  REQUIRE(other.call(put_priced_event("shown", 6000, 60)).status == 200);
  CHECK(first_end(w.call(make_request("GET", slots_path))) == "2030-01-03T11:00:00Z");
  const Json event = w.json_of(w.call(make_request("GET", "/v1/events/shown")));
  CHECK(event["event"]["price"]["amount"] == 6000);
  CHECK(event["event"]["duration_minutes"] == 60);
}

TEST_CASE("event cache: nothing is refused on the strength of the remembered copy alone", "[event-cache]") {
  World w;
  OtherInstance other(w);
  auto card_only = make_request("PUT", "/v1/events/methods",
                                write_json(Json{{"expert_id", "exp-cache"},
                                                {"title", "Methods"},
                                                {"duration_minutes", 30},
                                                {"slot_step_minutes", 30},
                                                {"price", {{"amount", 5000}, {"currency", "eur"}}},
                                                {"payment_method_types", {"card"}}}),
                                {{"Authorization", kBearer}});
  REQUIRE(w.call(card_only).status == 201);
  REQUIRE(w.call(World::create_request("methods", "2030-01-03T10:00:00Z", "a@example.com")).status == 201);
  // Another instance adds Multibanco; this one still remembers card only.
  auto both = card_only;
  both.body = write_json(Json{{"expert_id", "exp-cache"},
                              {"title", "Methods"},
                              {"duration_minutes", 30},
                              {"slot_step_minutes", 30},
                              {"price", {{"amount", 5000}, {"currency", "eur"}}},
                              {"payment_method_types", {"card", "multibanco"}}});
  REQUIRE(other.call(both).status == 200);
  Json body = {{"event_id", "methods"},
               {"start", "2030-01-03T11:00:00Z"},
               {"guest", {{"email", "b@example.com"}, {"name", "B"}}},
               {"payment_method_types", {"multibanco"}}};
  auto res = w.call(make_request("POST", "/v1/reservations", write_json(body), {{"Content-Type", "application/json"}}));
  CHECK(res.status == 201);
}
