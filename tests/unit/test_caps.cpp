// Booking caps: limits.per_day and limits.per_week on an event type and on an expert
// (in the availability document). Days and ISO weeks are the expert's local ones; a
// released or lapsed hold frees its place; a move within a day does not count twice;
// /slots marks a full day's starts unavailable; and guests racing for the last place
// under a cap never pass it, over every interleaving of their steps.
#include <catch2/catch.hpp>

#include "slotguard/booking/booking_caps.h"
#include "slotguard/booking/domain.h"
#include "slotguard/time/time_rfc3339.h"
#include "free_starts.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

HttpResponse put_capped(World& w, const Json& limits, const std::string& id = "consult") {
  Json body = {{"expert_id", "ada"}, {"title", "Consult"}, {"duration_minutes", 30}, {"slot_step_minutes", 30},
               {"price", {{"amount", 5000}, {"currency", "eur"}}}};
  if (!limits.is_null()) body["limits"] = limits;
  return w.call(admin_request("PUT", "/v1/events/" + id, body.dump()));
}

HttpResponse hold(World& w, const std::string& start, const std::string& email, const std::string& event = "consult") {
  return w.call(World::create_request(event, start, email));
}

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
}

}  // namespace

TEST_CASE("caps: the day's keys are the local day and the ISO week", "[caps]") {
  // 2030-01-06 is a Sunday: ISO week 1 of 2030 ends that day.
  CHECK(counter_keys("ada", nullptr, *parse_rfc3339("2030-01-06T23:30:00Z")) ==
        std::vector<std::string>{"cap/ada/2030-01-06", "cap/ada/2030-W01"});
  CHECK(counter_keys("ada", nullptr, *parse_rfc3339("2030-01-07T00:00:00Z")) ==
        std::vector<std::string>{"cap/ada/2030-01-07", "cap/ada/2030-W02"});
  // 2026-12-31 is a Thursday: it is in 2026's week 53; 2027-01-01 (Friday) too.
  CHECK(counter_keys("ada", nullptr, *parse_rfc3339("2027-01-01T12:00:00Z"))[1] == "cap/ada/2026-W53");
  // 2029-12-31 is a Monday: week 1 of 2030.
  CHECK(counter_keys("ada", nullptr, *parse_rfc3339("2029-12-31T12:00:00Z"))[1] == "cap/ada/2030-W01");
}

TEST_CASE("caps: an event type's per_day refuses the day's next hold, with a clear code; other days stay open",
          "[caps]") {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, {{"per_day", 2}}).status == 201);
  CHECK(hold(w, "2030-01-07T09:00:00Z", "a@example.com").status == 201);
  CHECK(hold(w, "2030-01-07T10:00:00Z", "b@example.com").status == 201);
  const HttpResponse third = hold(w, "2030-01-07T11:00:00Z", "c@example.com");
  CHECK(third.status == 409);
  CHECK(error_code(w, third) == "booking_cap_reached");
  CHECK(w.json_of(third)["error"]["message"].get<std::string>().find("per_day") != std::string::npos);
  CHECK(hold(w, "2030-01-08T11:00:00Z", "c@example.com").status == 201);
  // /slots: the full day offers nothing, the next day its free starts.
  CHECK(free_starts(w, "2030-01-07T00:00:00Z", "2030-01-08T00:00:00Z", "consult").empty());
  CHECK(free_starts(w, "2030-01-08T00:00:00Z", "2030-01-09T00:00:00Z", "consult").size() == 47);
}

TEST_CASE("caps: a released hold and a lapsed hold each free their place", "[caps]") {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, {{"per_day", 1}}).status == 201);
  const HttpResponse first = hold(w, "2030-01-07T09:00:00Z", "a@example.com");
  REQUIRE(first.status == 201);
  CHECK(hold(w, "2030-01-07T12:00:00Z", "b@example.com").status == 409);
  const std::string rid = w.json_of(first)["reservation"]["id"];
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + rid)).status == 200);
  CHECK(hold(w, "2030-01-07T12:00:00Z", "b@example.com").status == 201);
  CHECK(hold(w, "2030-01-07T14:00:00Z", "c@example.com").status == 409);
  // The hold lapses unpaid (no sweep ran): its place is free again.
  w.host.advance(2 * 60 * kMinuteMs);
  CHECK(hold(w, "2030-01-07T14:00:00Z", "c@example.com").status == 201);
}

TEST_CASE("caps: a hold paid after it lapsed and its day filled is refunded, not booked past the cap", "[caps]") {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, {{"per_day", 1}}).status == 201);
  const HttpResponse late = hold(w, "2030-01-07T09:00:00Z", "late@example.com");
  REQUIRE(late.status == 201);
  const std::string rid = w.json_of(late)["reservation"]["id"];
  const std::string session = w.json_of(late)["reservation"]["checkout_session_id"];
  w.host.advance(2 * 60 * kMinuteMs);  // the hold lapses unpaid; another guest takes the day
  REQUIRE(hold(w, "2030-01-07T12:00:00Z", "next@example.com").status == 201);
  w.stripe.pay(session);  // the first guest pays after all
  REQUIRE(w.call(w.webhook(w.stripe.emit_event("evt_late", "checkout.session.completed", session))).status == 200);
  const Json r = w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"];
  CHECK(r["status"] == "refunded");
  size_t active = 0;
  for (const auto& res : w.reservations()) active += res.active_at(w.host.now_ms());
  CHECK(active == 1);
}

TEST_CASE("caps: the expert's caps count every event type, per local day and ISO week", "[caps]") {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, nullptr, "consult").status == 201);
  REQUIRE(put_capped(w, nullptr, "intro").status == 201);
  // Auckland is UTC+13 in January: 2030-01-07T10:00Z is 23:00 local on the 7th, and
  // 2030-01-07T11:00Z is midnight of the 8th.
  const Json hours = Json::parse(R"({"time_zone": "Pacific/Auckland", "limits": {"per_day": 1, "per_week": 2},
      "weekly": {"mon": [["00:00", "23:59"]], "tue": [["00:00", "23:59"]], "wed": [["00:00", "23:59"]]}})");
  const HttpResponse put = w.call(admin_request("PUT", "/v1/experts/ada/availability", hours.dump()));
  INFO(put.body);
  REQUIRE(put.status == 201);
  CHECK(hold(w, "2030-01-07T10:00:00Z", "a@example.com", "consult").status == 201);   // Mon 23:00 local
  CHECK(error_code(w, hold(w, "2030-01-06T20:00:00Z", "b@example.com", "intro")) == "booking_cap_reached");  // Mon 09:00
  CHECK(hold(w, "2030-01-07T11:00:00Z", "b@example.com", "intro").status == 201);   // Tue 00:00 local
  const HttpResponse week = hold(w, "2030-01-08T11:00:00Z", "c@example.com", "consult");  // Wed: the week is full
  CHECK(error_code(w, week) == "booking_cap_reached");
  CHECK(w.json_of(week)["error"]["message"].get<std::string>().find("per_week") != std::string::npos);
  const Json got = w.json_of(w.call(admin_request("GET", "/v1/experts/ada/availability")));
  CHECK(got["availability"]["limits"] == Json({{"per_day", 1}, {"per_week", 2}}));
}

TEST_CASE("caps: a move within the day counts once; a move into a full day is refused and changes nothing", "[caps]") {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, {{"per_day", 1}}).status == 201);
  const HttpResponse a = hold(w, "2030-01-07T09:00:00Z", "a@example.com");
  const HttpResponse b = hold(w, "2030-01-08T09:00:00Z", "b@example.com");
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const std::string rid = w.json_of(a)["reservation"]["id"];
  const std::string path = "/v1/reservations/" + rid + "/reschedule";
  CHECK(w.call(make_request("POST", path, R"({"start":"2030-01-07T15:00:00Z"})")).status == 200);
  const auto before = snapshot(w);
  const HttpResponse full = w.call(make_request("POST", path, R"({"start":"2030-01-08T15:00:00Z"})"));
  CHECK(error_code(w, full) == "booking_cap_reached");
  CHECK(same_store(before, snapshot(w)));
  // Moved to an open day, its old day is free again.
  CHECK(w.call(make_request("POST", path, R"({"start":"2030-01-09T15:00:00Z"})")).status == 200);
  CHECK(hold(w, "2030-01-07T12:00:00Z", "c@example.com").status == 201);
}

TEST_CASE("caps: a malformed limit is refused by name", "[caps]") {
  World w;
  start_world(w);
  CHECK(w.json_of(put_capped(w, {{"per_day", 0}}))["error"]["message"] ==
        "limits.per_day must be an integer from 1 to 1000");
  CHECK(w.json_of(put_capped(w, {{"per_month", 3}}))["error"]["message"] == "unknown field limits.per_month");
  const Json hours = {{"time_zone", "UTC"}, {"limits", {{"per_week", "two"}}}};
  const HttpResponse bad = w.call(admin_request("PUT", "/v1/experts/ada/availability", hours.dump()));
  CHECK(bad.status == 422);
  CHECK(w.json_of(bad)["error"]["message"] == "limits.per_week must be an integer from 1 to 1000");
}

namespace {

// Active reservations of the day, read from the records: never more than the cap.
size_t active_on(World& w, const std::string& day) {
  size_t n = 0;
  for (const auto& r : w.reservations())
    if (r.active_at(w.host.now_ms()) && format_rfc3339(r.start).substr(0, 10) == day) ++n;
  return n;
}

struct CapRace {
  size_t schedules = 0, steps = 0;
  std::string violation;
};

// `k` guests for distinct starts of one day under per_day `cap`, under `choose`.
void cap_race_once(const native::Chooser& choose, size_t k, int64_t cap, CapRace& out) {
  World w;
  start_world(w);
  REQUIRE(put_capped(w, {{"per_day", cap}}).status == 201);
  std::vector<TaskId> ids;
  for (size_t i = 0; i < k; ++i) {
    const std::string start = "2030-01-07T1" + std::to_string(i) + ":00:00Z";
    ids.push_back(w.sched.submit(World::create_request("consult", start, "g" + std::to_string(i) + "@example.com")));
  }
  out.steps += w.sched.run(choose, [&] {
    if (active_on(w, "2030-01-07") > static_cast<size_t>(cap)) out.violation = "the cap was passed";
    return out.violation.empty();
  });
  ++out.schedules;
  if (!out.violation.empty()) return;
  size_t won = 0;
  for (TaskId id : ids) {
    const HttpResponse* r = w.engine.response(id);
    if (r && r->status == 201) ++won;
    else if (!r || error_code(w, *r) != "booking_cap_reached") out.violation = "a loser was not told the day is full";
  }
  if (won != static_cast<size_t>(cap)) out.violation = std::to_string(won) + " holds won under a cap of " + std::to_string(cap);
  if (w.stripe.calls().size() != won) out.violation = "a refused hold talked to Stripe";
}

}  // namespace

TEST_CASE("caps: two guests for the last place of a day, every schedule: exactly one wins", "[caps][interleaving]") {
  CapRace res;
  native::every_schedule([&](const native::Chooser& choose) {
    cap_race_once(choose, 2, 1, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  CHECK(res.schedules >= 50);
}

TEST_CASE("caps: up to 8 guests for 3 places of a day, seeded random schedules", "[caps][interleaving]") {
  CapRace res;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    cap_race_once(native::random_chooser(seed), 3 + seed % 6, 3, res);
    INFO("seed " << seed);
    REQUIRE(res.violation.empty());
  }
}
