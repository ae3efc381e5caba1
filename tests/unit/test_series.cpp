// Series: one request holds several starts of an event type in one commit or none,
// opens one Checkout Session for the total, and is confirmed or refunded together;
// one paid occurrence may be cancelled under the terms and gets its share back. A
// series racing single holds on one of its starts never double-books and is never
// held in part, over every interleaving of their steps.
#include <catch2/catch.hpp>

#include "slotguard/booking/domain.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

HttpResponse put_weekly(World& w, const Json& extra = Json::object()) {
  Json body = {{"expert_id", "ada"}, {"title", "Lesson"}, {"duration_minutes", 30}, {"slot_step_minutes", 30},
               {"max_advance_days", 120}, {"price", {{"amount", 4000}, {"currency", "eur"}}}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  return w.call(admin_request("PUT", "/v1/events/lesson", body.dump()));
}

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
}

const std::vector<std::string> kStarts = {"2030-01-07T09:00:00Z", "2030-01-14T09:00:00Z", "2030-01-21T09:00:00Z"};

HttpRequest series_request(const std::vector<std::string>& starts, const std::string& email) {
  const Json body = {{"event_id", "lesson"}, {"starts", starts}, {"guest", {{"email", email}, {"name", "Guest"}}}};
  return make_request("POST", "/v1/reservations", body.dump(), {{"Content-Type", "application/json"}});
}

Json get(World& w, const std::string& rid) {
  const HttpResponse r = w.call(make_request("GET", "/v1/reservations/" + rid));
  REQUIRE(r.status == 200);
  return w.json_of(r)["reservation"];
}

// The series' ids, lead first, from the answer to its hold.
std::vector<std::string> held_series(World& w, const HttpResponse& r) {
  INFO(r.body);
  REQUIRE(r.status == 201);
  return w.json_of(r)["reservation"]["series"].get<std::vector<std::string>>();
}

void pay(World& w, const std::string& lead, const std::string& event_id) {
  const std::string session = get(w, lead)["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.event_body(event_id, "checkout.session.completed", session))).status == 200);
}

int64_t refunded(World& w, const std::string& lead) {
  const std::string pi = get(w, lead)["payment_intent_id"];
  return w.stripe.refunded_amount[pi];
}

}  // namespace

TEST_CASE("series: every start held in one commit, one session for the total, confirmed together", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const HttpResponse r = w.call(series_request(kStarts, "g@example.com"));
  const std::vector<std::string> ids = held_series(w, r);
  REQUIRE(ids.size() == 3);
  CHECK(w.json_of(r)["reservation"]["id"] == ids[0]);
  CHECK(w.json_of(r).contains("checkout_url"));
  REQUIRE(w.stripe.calls().size() == 1);  // one Checkout Session
  const Json lead = get(w, ids[0]);
  for (size_t i = 0; i < ids.size(); ++i) {
    const Json one = get(w, ids[i]);
    CHECK(one["start"] == kStarts[i]);
    CHECK(one["status"] == "pending_payment");
    CHECK(one["series_id"] == lead["series_id"]);
    CHECK(one["series"] == Json(ids));
  }
  pay(w, ids[0], "evt_paid");
  for (const auto& id : ids) CHECK(get(w, id)["status"] == "confirmed");
  CHECK(check_no_double_booking(w).empty());
  // Each start is taken now.
  CHECK(error_code(w, w.call(World::create_request("lesson", kStarts[2], "x@example.com"))) == "slot_unavailable");
}

TEST_CASE("series: a taken start refuses the whole series, naming it; nothing is held", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  REQUIRE(w.call(World::create_request("lesson", kStarts[1], "first@example.com")).status == 201);
  const auto before = snapshot(w);
  const HttpResponse r = w.call(series_request(kStarts, "g@example.com"));
  CHECK(r.status == 409);
  CHECK(error_code(w, r) == "slot_unavailable");
  CHECK(w.json_of(r)["error"]["message"].get<std::string>().find("starts[1] (" + kStarts[1] + ")") != std::string::npos);
  CHECK(same_store(before, snapshot(w)));
}

TEST_CASE("series: malformed starts are refused by name", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const auto message = [&](const HttpResponse& r) {
    CHECK(r.status == 422);
    return w.json_of(r)["error"]["message"].get<std::string>();
  };
  CHECK(message(w.call(series_request({kStarts[0]}, "g@example.com"))).find("starts must be a list of 2 to 12") == 0);
  CHECK(message(w.call(series_request({kStarts[1], kStarts[0]}, "g@example.com"))) ==
        "starts[1] must come after the start before it");
  CHECK(message(w.call(series_request({kStarts[0], "2030-01-07T09:15:00Z"}, "g@example.com"))) ==
        "starts[1] overlaps the start before it");
  CHECK(message(w.call(series_request({kStarts[0], "monday"}, "g@example.com"))).find("starts[1] must be an RFC 3339") == 0);
  Json both = {{"event_id", "lesson"}, {"start", kStarts[0]}, {"starts", kStarts}, {"guest", {{"email", "g@example.com"}, {"name", "G"}}}};
  CHECK(message(w.call(make_request("POST", "/v1/reservations", both.dump()))) == "give either start or starts, not both");
}

TEST_CASE("series: a late payment after one start went to someone else is refunded whole", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const std::vector<std::string> ids = held_series(w, w.call(series_request(kStarts, "g@example.com")));
  w.host.advance(3 * 60 * kMinuteMs);  // the series lapsed unpaid
  REQUIRE(w.call(World::create_request("lesson", kStarts[2], "other@example.com")).status == 201);
  pay(w, ids[0], "evt_late");
  for (const auto& id : ids) CHECK(get(w, id)["status"] == "refunded");
  CHECK(refunded(w, ids[0]) == 3 * 4000);
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("series: a late payment of a lapsed series whose slots are all still free confirms it", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const std::vector<std::string> ids = held_series(w, w.call(series_request(kStarts, "g@example.com")));
  w.host.advance(3 * 60 * kMinuteMs);
  w.sweep();
  pay(w, ids[0], "evt_late");
  for (const auto& id : ids) CHECK(get(w, id)["status"] == "confirmed");
}

TEST_CASE("series: cancelling one paid occurrence refunds its share under the terms; the rest stand", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w, {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 50}}}}).status == 201);
  const std::vector<std::string> ids = held_series(w, w.call(series_request(kStarts, "g@example.com")));
  pay(w, ids[0], "evt_paid");
  w.host.set_now(*parse_rfc3339("2030-01-13T12:00:00Z"));  // within a day of the second start: half back
  const HttpResponse cancelled = w.call(make_request("DELETE", "/v1/reservations/" + ids[1]));
  INFO(cancelled.body);
  REQUIRE(cancelled.status == 200);
  CHECK(get(w, ids[1])["status"] == "refunded");
  CHECK(refunded(w, ids[0]) == 2000);  // half of one occurrence, not of the series
  CHECK(get(w, ids[0])["status"] == "confirmed");
  CHECK(get(w, ids[2])["status"] == "confirmed");
  // Its start is free again; the others are not.
  CHECK(w.call(World::create_request("lesson", kStarts[1], "x@example.com")).status == 201);
  CHECK(error_code(w, w.call(World::create_request("lesson", kStarts[2], "y@example.com"))) == "slot_unavailable");
}

TEST_CASE("series: cancelling an unpaid occurrence releases the whole series in one commit", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const std::vector<std::string> ids = held_series(w, w.call(series_request(kStarts, "g@example.com")));
  const HttpResponse r = w.call(make_request("DELETE", "/v1/reservations/" + ids[2]));
  INFO(r.body);
  REQUIRE(r.status == 200);
  for (const auto& id : ids) {
    CHECK(get(w, id)["status"] == "released");
    CHECK(get(w, id)["release_reason"] == "cancelled");
  }
  for (size_t i = 0; i < kStarts.size(); ++i)
    CHECK(w.call(World::create_request("lesson", kStarts[i], "x" + std::to_string(i) + "@example.com")).status == 201);
}

TEST_CASE("series: checkout refused for good releases the whole series", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  w.stripe.fail_creates_with_400 = 1;
  const HttpResponse r = w.call(series_request(kStarts, "g@example.com"));
  CHECK(error_code(w, r) == "payment_provider_error");
  for (const auto& one : w.reservations()) CHECK(one.status == ReservationStatus::Released);
  CHECK(w.reservations().size() == 3);
}

TEST_CASE("series: a later checkout attempt renews every occurrence's hold with its lead's", "[series]") {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  w.stripe.fail_creates_in_transport = 100;
  HttpRequest req = series_request(kStarts, "g@example.com");
  req.headers.push_back({"Idempotency-Key", "series-K"});
  REQUIRE(w.call(req).status == 503);
  const int64_t first_expiry = w.reservations().front().expires_at;
  // A retry a few minutes on starts a new attempt with later expiries.
  w.host.advance(5 * kMinuteMs);
  w.stripe.fail_creates_in_transport = 0;
  const HttpResponse again = w.call(req);
  REQUIRE(again.status == 201);
  REQUIRE(w.reservations().size() == 3);
  const int64_t renewed = w.reservations().front().expires_at;
  REQUIRE(renewed > first_expiry);
  for (const Reservation& one : w.reservations()) {
    INFO(one.id);
    CHECK(one.expires_at == renewed);
    CHECK(one.status == ReservationStatus::PendingPayment);
  }
  // Past the first expiry, every start is still the series': nobody else may take one.
  w.host.set_now(first_expiry + 1);
  REQUIRE(w.sweep().status == 200);
  for (const std::string& start : kStarts) {
    INFO(start);
    CHECK(w.call(World::create_request("lesson", start, "rival@example.com")).status == 409);
  }
  // Paid before the renewed expiry, the series is confirmed whole.
  pay(w, held_series(w, again)[0], "evt_series_renewed");
  for (const Reservation& one : w.reservations()) CHECK(one.status == ReservationStatus::Confirmed);
}

namespace {

struct SeriesRace {
  size_t schedules = 0;
  std::string violation;
};

// Occurrences of the series held at the end: all or none, and never with the single
// hold on its start.
void series_race_once(const native::Chooser& choose, size_t singles, SeriesRace& out) {
  World w;
  start_world(w);
  REQUIRE(put_weekly(w).status == 201);
  const TaskId series = w.sched.submit(series_request({kStarts[0], kStarts[1]}, "s@example.com"));
  std::vector<TaskId> single;
  for (size_t i = 0; i < singles; ++i)
    single.push_back(w.sched.submit(World::create_request("lesson", kStarts[1], "g" + std::to_string(i) + "@example.com")));
  w.sched.run(choose, [&] {
    out.violation = check_no_double_booking(w);
    size_t held = 0;
    for (const auto& r : w.reservations()) held += r.in_series() ? 1 : 0;
    if (held != 0 && held != 2) out.violation = "the series is held in part";
    return out.violation.empty();
  });
  ++out.schedules;
  if (!out.violation.empty()) return;
  const HttpResponse* s = w.engine.response(series);
  size_t won = s && s->status == 201 ? 1 : 0;
  if (!s || (s->status != 201 && error_code(w, *s) != "slot_unavailable")) out.violation = "the series got neither answer";
  for (TaskId id : single) {
    const HttpResponse* r = w.engine.response(id);
    if (r && r->status == 201) ++won;
    else if (!r || error_code(w, *r) != "slot_unavailable") out.violation = "a single hold got neither answer";
  }
  if (won != 1) out.violation = std::to_string(won) + " holds won the shared start";
}

}  // namespace

TEST_CASE("series: a series and a single hold on one of its starts, every schedule: exactly one wins, all or nothing",
          "[series][interleaving]") {
  SeriesRace res;
  native::every_schedule([&](const native::Chooser& choose) {
    series_race_once(choose, 1, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  CHECK(res.schedules >= 20);
}

TEST_CASE("series: a series against up to 4 single holds, seeded random schedules", "[series][interleaving]") {
  SeriesRace res;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    series_race_once(native::random_chooser(seed), 1 + seed % 4, res);
    INFO("seed " << seed);
    REQUIRE(res.violation.empty());
  }
}
