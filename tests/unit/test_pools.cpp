// Team pools: an event type booked with any one of its experts. A hold is given one
// free member, in turn (round_robin) or to the member given the fewest (least_booked);
// each member's hours, busy blocks and other bookings apply; /slots shows a start free
// while any member can take it; and guests racing for the last free member never both
// get one, over every interleaving of their steps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "slotguard/booking/domain.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "free_starts.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

HttpResponse put_pool(World& w, const std::string& assign, Json experts = {"ada", "bob", "cy"}) {
  const Json body = {{"expert_id", experts[0]}, {"title", "Team call"}, {"duration_minutes", 30}, {"slot_step_minutes", 30},
                     {"max_advance_days", 120}, {"price", {{"amount", 5000}, {"currency", "eur"}}},
                     {"pool", {{"experts", experts}, {"assign", assign}}}};
  return w.call(admin_request("PUT", "/v1/events/team", body.dump()));
}

std::string expert_of(World& w, const HttpResponse& r) {
  REQUIRE(r.status == 201);
  return w.json_of(r)["reservation"]["expert_id"];
}

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
}

std::string nth_start(int i) { return format_rfc3339(*parse_rfc3339("2030-01-06T00:00:00Z") + i * 30 * kMinuteMs); }

HttpResponse busy(World& w, const std::string& expert, const std::string& start, const std::string& end) {
  const Json body = {{"start", start}, {"end", end}};
  return w.call(admin_request("PUT", "/v1/experts/" + expert + "/busy/b-" + expert, body.dump()));
}

}  // namespace

TEST_CASE("pools: round_robin shares 1,000 bookings in thirds, each within one of the others", "[pools]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "round_robin").status == 201);
  std::map<std::string, int> got;
  for (int i = 0; i < 1000; ++i) {
    // Some starts are taken for one member already: the turn skips them, never twice.
    if (i % 97 == 0) REQUIRE(busy(w, "bob", nth_start(i), nth_start(i + 1)).status / 100 == 2);
    ++got[expert_of(w, w.call(World::create_request("team", nth_start(i), "g" + std::to_string(i) + "@example.com")))];
  }
  INFO("ada " << got["ada"] << ", bob " << got["bob"] << ", cy " << got["cy"]);
  CHECK(got.size() == 3);
  for (const auto& [expert, n] : got) CHECK(std::abs(n - 1000 / 3) <= 1 + 1000 / 97);
  // Without busy members in the way the turns are exact.
  World even;
  start_world(even);
  REQUIRE(put_pool(even, "round_robin").status == 201);
  std::map<std::string, int> exact;
  for (int i = 0; i < 1000; ++i)
    ++exact[expert_of(even, even.call(World::create_request("team", nth_start(i), "g" + std::to_string(i) + "@example.com")))];
  for (const auto& [expert, n] : exact) CHECK(std::abs(n - 1000 / 3) <= 1);
}

TEST_CASE("pools: one start takes as many guests as the pool has free members, then 409", "[pools]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "round_robin").status == 201);
  const std::string start = "2030-01-07T10:00:00Z";
  std::set<std::string> experts;
  for (int i = 0; i < 3; ++i) experts.insert(expert_of(w, w.call(World::create_request("team", start, "g" + std::to_string(i) + "@example.com"))));
  CHECK(experts == std::set<std::string>{"ada", "bob", "cy"});
  const HttpResponse fourth = w.call(World::create_request("team", start, "late@example.com"));
  CHECK(fourth.status == 409);
  CHECK(error_code(w, fourth) == "slot_unavailable");
  CHECK(check_no_double_booking(w).empty());
  // /slots: the start is taken, the next one free.
  const Json slots = w.json_of(w.call(make_request("GET", "/v1/events/team/slots?from=2030-01-07T10:00:00Z&to=2030-01-07T11:00:00Z")));
  CHECK(slots["slots"][0]["available"] == false);
  CHECK(slots["slots"][1]["available"] == true);
}

TEST_CASE("pools: a member's own hours, busy blocks and other bookings apply", "[pools]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "round_robin", {"ada", "bob"}).status == 201);
  // ada works only mornings (UTC); bob has a busy block at 15:00 and his own event type.
  const Json hours = Json::parse(R"({"time_zone": "UTC", "weekly": {"mon": [["08:00", "12:00"]]}})");
  REQUIRE(w.call(admin_request("PUT", "/v1/experts/ada/availability", hours.dump())).status == 201);
  REQUIRE(busy(w, "bob", "2030-01-07T15:00:00Z", "2030-01-07T16:00:00Z").status == 201);
  REQUIRE(w.put_event("solo", "bob", 30, 0, 0, 30).status == 201);
  REQUIRE(w.call(World::create_request("solo", "2030-01-07T17:00:00Z", "solo@example.com")).status == 201);
  CHECK(expert_of(w, w.call(World::create_request("team", "2030-01-07T14:00:00Z", "a@example.com"))) == "bob");
  CHECK(error_code(w, w.call(World::create_request("team", "2030-01-07T15:00:00Z", "b@example.com"))) == "slot_unavailable");
  CHECK(error_code(w, w.call(World::create_request("team", "2030-01-07T17:00:00Z", "c@example.com"))) == "slot_unavailable");
  CHECK(expert_of(w, w.call(World::create_request("team", "2030-01-07T09:00:00Z", "d@example.com"))) == "ada");
}

TEST_CASE("pools: least_booked gives the next booking to the member given the fewest", "[pools]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "least_booked").status == 201);
  // ada is busy for the first two starts: bob and cy get them, then ada catches up
  // (ties go in the pool's order).
  REQUIRE(busy(w, "ada", nth_start(0), nth_start(2)).status == 201);
  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i)
    order.push_back(expert_of(w, w.call(World::create_request("team", nth_start(i), "g" + std::to_string(i) + "@example.com"))));
  CHECK(order == std::vector<std::string>{"bob", "cy", "ada", "ada", "bob", "cy"});
}

TEST_CASE("pools: a malformed pool is refused by name", "[pools]") {
  World w;
  start_world(w);
  CHECK(w.json_of(put_pool(w, "round_robin", {"ada"}))["error"]["message"] == "pool.experts must list 2 to 16 expert ids");
  CHECK(w.json_of(put_pool(w, "round_robin", {"ada", "ada"}))["error"]["message"] == "pool.experts must not repeat: ada");
  CHECK(w.json_of(put_pool(w, "random", {"ada", "bob"}))["error"]["message"] ==
        "pool.assign must be \"round_robin\", \"least_booked\" or \"all\"");
  const Json body = {{"expert_id", "zed"}, {"title", "T"}, {"duration_minutes", 30},
                     {"price", {{"amount", 5000}, {"currency", "eur"}}},
                     {"pool", {{"experts", {"ada", "bob"}}, {"assign", "round_robin"}}}};
  CHECK(w.json_of(w.call(admin_request("PUT", "/v1/events/team", body.dump())))["error"]["message"] ==
        "expert_id must be one of pool.experts (the member the pool is listed under)");
}

namespace {

struct PoolRace {
  size_t schedules = 0;
  std::string violation;
};

// Two guests for the last free member (ada and bob are busy at the start).
void pool_race_once(const native::Chooser& choose, PoolRace& out) {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "round_robin").status == 201);
  REQUIRE(busy(w, "ada", "2030-01-07T10:00:00Z", "2030-01-07T11:00:00Z").status == 201);
  REQUIRE(busy(w, "bob", "2030-01-07T10:00:00Z", "2030-01-07T11:00:00Z").status == 201);
  const TaskId a = w.sched.submit(World::create_request("team", "2030-01-07T10:00:00Z", "a@example.com"));
  const TaskId b = w.sched.submit(World::create_request("team", "2030-01-07T10:00:00Z", "b@example.com"));
  w.sched.run(choose, [&] {
    out.violation = check_no_double_booking(w);
    return out.violation.empty();
  });
  ++out.schedules;
  if (!out.violation.empty()) return;
  const int ra = w.engine.response(a)->status, rb = w.engine.response(b)->status;
  if (!((ra == 201 && rb == 409) || (ra == 409 && rb == 201)))
    out.violation = "answers " + std::to_string(ra) + " and " + std::to_string(rb);
  else if (expert_of(w, *w.engine.response(ra == 201 ? a : b)) != "cy") out.violation = "the winner did not get cy";
  else if (w.stripe.calls().size() != 1) out.violation = "the loser talked to Stripe";
}

}  // namespace

TEST_CASE("pools: two guests for the last free member, every schedule: exactly one gets it", "[pools][interleaving]") {
  PoolRace res;
  native::every_schedule([&](const native::Chooser& choose) {
    pool_race_once(choose, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  CHECK(res.schedules >= 50);
}

TEST_CASE("pools: up to 12 guests for one start of a 3-member pool, seeded random schedules", "[pools][interleaving]") {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    World w(seed);
    start_world(w);
    REQUIRE(put_pool(w, "round_robin").status == 201);
    std::vector<TaskId> ids;
    const size_t k = 2 + seed % 11;
    for (size_t i = 0; i < k; ++i)
      ids.push_back(w.sched.submit(World::create_request("team", "2030-01-07T10:00:00Z", "g" + std::to_string(i) + "@example.com")));
    std::string violation;
    w.sched.run(native::random_chooser(seed), [&] {
      violation = check_no_double_booking(w);
      return violation.empty();
    });
    INFO("seed " << seed << ": " << violation);
    REQUIRE(violation.empty());
    size_t won = 0;
    for (TaskId id : ids) won += w.engine.response(id)->status == 201;
    CHECK(won == std::min<size_t>(k, 3));
  }
}

// ---- a collective meeting: "assign": "all" -------------------------------------------

namespace {

HttpResponse put_single(World& w, const std::string& id, const std::string& expert) {
  const Json body = {{"expert_id", expert}, {"title", "Own call"}, {"duration_minutes", 30}, {"slot_step_minutes", 30},
                     {"max_advance_days", 120}, {"price", {{"amount", 3000}, {"currency", "eur"}}}};
  return w.call(admin_request("PUT", "/v1/events/" + id, body.dump()));
}

}  // namespace

TEST_CASE("pools: a collective meeting takes every member's time in one commit, or none", "[pools][collective]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "all").status == 201);
  REQUIRE(put_single(w, "bob-own", "bob").status == 201);
  const HttpResponse held = w.call(World::create_request("team", nth_start(0), "g1@example.com"));
  REQUIRE(held.status == 201);
  const Json r = w.json_of(held)["reservation"];
  CHECK(r["expert_id"] == "ada");
  CHECK(r["team"] == Json({"bob", "cy"}));
  // Bob's own event type cannot have the time; nor can a second meeting.
  CHECK(error_code(w, w.call(World::create_request("bob-own", nth_start(0), "g2@example.com"))) == "slot_unavailable");
  CHECK(error_code(w, w.call(World::create_request("team", nth_start(0), "g3@example.com"))) == "slot_unavailable");
  // Cy is busy at the next start: the meeting is refused there and nothing is written.
  REQUIRE(busy(w, "cy", nth_start(1), nth_start(2)).status / 100 == 2);
  const auto before = snapshot(w);
  CHECK(error_code(w, w.call(World::create_request("team", nth_start(1), "g4@example.com"))) == "slot_unavailable");
  CHECK(same_store(before, snapshot(w)));
  // /slots: a start is free only while every member is.
  const auto free = free_starts(w, "2030-01-06T00:00:00Z", "2030-01-06T03:00:00Z", "team");
  CHECK(std::find(free.begin(), free.end(), nth_start(0)) == free.end());
  CHECK(std::find(free.begin(), free.end(), nth_start(1)) == free.end());
  CHECK(std::find(free.begin(), free.end(), nth_start(2)) != free.end());
  // Paid, it stands for everyone; cancelled unpaid, every member's time is free again.
  const HttpResponse other = w.call(World::create_request("team", nth_start(3), "g5@example.com"));
  REQUIRE(other.status == 201);
  const std::string session = w.json_of(held)["reservation"]["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.emit_event("evt_team_paid", "checkout.session.completed", session))).status == 200);
  CHECK(w.json_of(w.call(make_request("GET", "/v1/reservations/" + std::string(r["id"]))))["reservation"]["status"] == "confirmed");
  const std::string rid = w.json_of(other)["reservation"]["id"];
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + rid)).status == 200);
  CHECK(w.call(World::create_request("bob-own", nth_start(3), "g6@example.com")).status == 201);
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("pools: the no-double-booking check counts a collective meeting's whole team", "[pools][collective]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "all").status == 201);
  REQUIRE(put_single(w, "bob-own", "bob").status == 201);
  REQUIRE(w.call(World::create_request("team", nth_start(0), "g1@example.com")).status == 201);
  const HttpResponse own = w.call(World::create_request("bob-own", nth_start(2), "g2@example.com"));
  REQUIRE(own.status == 201);
  CHECK(check_no_double_booking(w).empty());
  // Bob's own booking moved under the meeting behind the core's back: the meeting is
  // listed under ada, and bob's time is taken twice all the same.
  const std::string rid = w.json_of(own)["reservation"]["id"];
  const auto items = w.store->read({keys::reservation(rid)});
  REQUIRE(items);
  std::optional<Reservation> moved = reservation_from_storage((*items)[0].value);
  REQUIRE(moved);
  const int64_t shift_ms = *parse_rfc3339(nth_start(0)) - moved->start;
  moved->start += shift_ms;
  moved->end += shift_ms;
  moved->span_start += shift_ms;
  moved->span_end += shift_ms;
  REQUIRE(w.store->commit({}, {{KvMutation::Op::Set, keys::reservation(rid), reservation_to_storage(*moved)}}));
  CHECK_FALSE(check_no_double_booking(w).empty());
}

TEST_CASE("pools: a collective meeting moves every member's time together", "[pools][collective]") {
  World w;
  start_world(w);
  REQUIRE(put_pool(w, "all").status == 201);
  REQUIRE(put_single(w, "cy-own", "cy").status == 201);
  const HttpResponse held = w.call(World::create_request("team", nth_start(0), "g1@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  REQUIRE(w.call(World::create_request("cy-own", nth_start(4), "g2@example.com")).status == 201);
  const std::string path = "/v1/reservations/" + rid + "/reschedule";
  // Into cy's own booking: refused whole.
  CHECK(error_code(w, w.call(make_request("POST", path, Json({{"start", nth_start(4)}}).dump()))) == "slot_unavailable");
  CHECK(w.call(make_request("POST", path, Json({{"start", nth_start(2)}}).dump())).status == 200);
  // The old time is free for each member, the new one for none.
  CHECK(w.call(World::create_request("cy-own", nth_start(0), "g3@example.com")).status == 201);
  CHECK(error_code(w, w.call(World::create_request("cy-own", nth_start(2), "g4@example.com"))) == "slot_unavailable");
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("pools: a collective meeting and a member's own booking racing for one time, every schedule", "[pools][collective][interleaving]") {
  size_t schedules = 0;
  std::string violation;
  native::every_schedule([&](const native::Chooser& choose) {
    World w;
    start_world(w);
    REQUIRE(put_pool(w, "all").status == 201);
    REQUIRE(put_single(w, "bob-own", "bob").status == 201);
    const TaskId meeting = w.sched.submit(World::create_request("team", nth_start(0), "g1@example.com"));
    const TaskId own = w.sched.submit(World::create_request("bob-own", nth_start(0), "g2@example.com"));
    w.sched.run(choose, [&] {
      violation = check_no_double_booking(w);
      return violation.empty();
    });
    ++schedules;
    if (!violation.empty()) return false;
    const HttpResponse* a = w.engine.response(meeting);
    const HttpResponse* b = w.engine.response(own);
    const int won = (a && a->status == 201) + (b && b->status == 201);
    if (won != 1) violation = std::to_string(won) + " of the two won the time";
    return violation.empty();
  });
  INFO("schedules " << schedules << ": " << violation);
  REQUIRE(violation.empty());
  CHECK(schedules >= 160);  // every order of both tasks' host calls: 164
}
