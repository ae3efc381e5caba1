// What is offered and how a booking changes: working hours in the expert's time zone,
// busy blocks from other calendars, seats, reschedule in one commit, cancellation
// under a refund policy; with the races that matter (a hold against a busy block, two
// reschedules swapping, the last seat) explored schedule by schedule.
#include <catch2/catch.hpp>

#include <set>

#include "slotguard/host/store_keys.h"
#include "store_service.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;
using namespace std::string_literals;

namespace {

const std::string kBearer = std::string("Bearer ") + kAdminToken;
const HeaderList kAdmin{{"Authorization", kBearer}};

HttpResponse put_json(World& w, const std::string& path, const Json& body) {
  return w.call(make_request("PUT", path, body.dump(), kAdmin));
}

HttpResponse put_event_with(World& w, const std::string& id, Json extra) {
  Json body = {{"expert_id", "ada"}, {"title", "Session"}, {"duration_minutes", 60}, {"slot_step_minutes", 30},
               {"price", {{"amount", 10000}, {"currency", "eur"}}}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  return put_json(w, "/v1/events/" + id, body);
}

HttpResponse hold(World& w, const std::string& event, const std::string& start, const std::string& email) {
  return w.call(World::create_request(event, start, email));
}

std::string rid_of(World& w, const HttpResponse& r) { return w.json_of(r)["reservation"]["id"]; }

Json reservation(World& w, const std::string& rid) {
  return w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"];
}

void pay(World& w, const std::string& rid, const std::string& event_id) {
  const std::string session = reservation(w, rid)["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.event_body(event_id, "checkout.session.completed", session))).status == 200);
  REQUIRE(reservation(w, rid)["status"] == "confirmed");
}

HttpResponse reschedule(World& w, const std::string& rid, const std::string& start) {
  return w.call(make_request("POST", "/v1/reservations/" + rid + "/reschedule", Json{{"start", start}}.dump()));
}

Json slots(World& w, const std::string& event, const std::string& from, const std::string& to) {
  HttpResponse r = w.call(make_request("GET", "/v1/events/" + event + "/slots?from=" + from + "&to=" + to));
  REQUIRE(r.status == 200);
  return w.json_of(r)["slots"];
}

}  // namespace

// ---------------------------------------------------------------- availability

TEST_CASE("offering: working hours decide what is held and listed, in local time", "[offering][availability]") {
  World w;
  REQUIRE(put_event_with(w, "consult", {}).status == 201);
  // No document: every aligned start, as before.
  CHECK(hold(w, "consult", "2030-01-07T03:00:00Z", "night@example.com").status == 201);
  HttpResponse set = put_json(w, "/v1/experts/ada/availability",
                              Json::parse(R"({"time_zone": "America/New_York", "weekly": {"mon": [["09:00", "12:00"]]},
                                             "overrides": [{"date": "2030-01-14", "intervals": []}]})"));
  REQUIRE(set.status == 201);
  CHECK(put_json(w, "/v1/experts/ada/availability", w.json_of(set)["availability"]).status == 200);
  HttpResponse got = w.call(make_request("GET", "/v1/experts/ada/availability", "", kAdmin));
  REQUIRE(got.status == 200);
  CHECK(w.json_of(got)["availability"]["time_zone"] == "America/New_York");
  CHECK(w.call(make_request("GET", "/v1/experts/ada/availability")).status == 401);

  // Monday 2030-01-07, 09:00-12:00 EST = 14:00-17:00Z; a 60-minute session.
  Json day = slots(w, "consult", "2030-01-07T00:00:00Z", "2030-01-08T00:00:00Z");
  std::vector<std::string> starts;
  for (const auto& s : day) starts.push_back(s["start"]);
  CHECK(starts == std::vector<std::string>{"2030-01-07T14:00:00Z", "2030-01-07T14:30:00Z", "2030-01-07T15:00:00Z",
                                           "2030-01-07T15:30:00Z", "2030-01-07T16:00:00Z"});
  HttpResponse outside = hold(w, "consult", "2030-01-07T16:30:00Z", "late@example.com");  // would end 12:30
  CHECK(outside.status == 422);
  CHECK(error_code(w, outside) == "slot_not_offered");
  CHECK(hold(w, "consult", "2030-01-08T14:00:00Z", "tue@example.com").status == 422);  // Tuesday: no hours
  CHECK(hold(w, "consult", "2030-01-14T14:00:00Z", "off@example.com").status == 422);  // the override: a day off
  CHECK(hold(w, "consult", "2030-01-07T14:00:00Z", "ok@example.com").status == 201);
  CHECK(slots(w, "consult", "2030-01-14T00:00:00Z", "2030-01-15T00:00:00Z").empty());

  // Bad documents.
  for (const char* bad : {R"({"time_zone": "Nowhere/Land"})", R"({"time_zone": "UTC", "weekly": {"mon": [["09:00", "24:00"]]}})",
                          R"({"time_zone": "UTC", "weekly": {"mon": [["12:00", "09:00"]]}})",
                          R"({"time_zone": "UTC", "overrides": [{"date": "2030-02-30", "intervals": []}]})"}) {
    INFO(bad);
    CHECK(put_json(w, "/v1/experts/ada/availability", Json::parse(bad)).status == 422);
  }
  // Deleting it brings back every aligned start.
  REQUIRE(w.call(make_request("DELETE", "/v1/experts/ada/availability", "", kAdmin)).status == 200);
  CHECK(w.call(make_request("GET", "/v1/experts/ada/availability", "", kAdmin)).status == 404);
  CHECK(hold(w, "consult", "2030-01-08T03:00:00Z", "night2@example.com").status == 201);
}

TEST_CASE("offering: a half-hour zone aligns starts to local midnight", "[offering][availability]") {
  World w;
  REQUIRE(put_event_with(w, "consult", {{"slot_step_minutes", 60}}).status == 201);
  REQUIRE(put_json(w, "/v1/experts/ada/availability",
                   Json::parse(R"({"time_zone": "Asia/Kolkata", "weekly": {"mon": [["09:00", "11:00"]]}})")).status == 201);
  Json day = slots(w, "consult", "2030-01-07T00:00:00Z", "2030-01-08T00:00:00Z");
  REQUIRE(day.size() == 2);
  CHECK(day[0]["start"] == "2030-01-07T03:30:00Z");  // 09:00 IST
  CHECK(day[1]["start"] == "2030-01-07T04:30:00Z");
  CHECK(hold(w, "consult", "2030-01-07T04:00:00Z", "a@example.com").status == 422);  // 09:30 IST: misaligned
}

// ---------------------------------------------------------------- busy blocks

TEST_CASE("offering: busy blocks take time like a confirmed booking and are listed", "[offering][busy]") {
  World w;
  REQUIRE(put_event_with(w, "consult", {}).status == 201);
  const std::string booked = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "a@example.com"));
  HttpResponse block = put_json(w, "/v1/experts/ada/busy/gcal-1", {{"start", "2030-01-07T10:30:00Z"}, {"end", "2030-01-07T12:00:00Z"}});
  REQUIRE(block.status == 201);
  CHECK(w.json_of(block)["overlapping_reservations"] == Json::array({booked}));  // stored anyway
  CHECK(hold(w, "consult", "2030-01-07T11:00:00Z", "b@example.com").status == 409);
  CHECK(hold(w, "consult", "2030-01-07T12:00:00Z", "b@example.com").status == 201);
  Json listed = w.json_of(w.call(make_request("GET", "/v1/experts/ada/busy?from=2030-01-07T11:00:00Z&to=2030-01-08T00:00:00Z", "", kAdmin)));
  REQUIRE(listed["busy"].size() == 1);
  CHECK(listed["busy"][0]["id"] == "gcal-1");
  // Replacing moves it: the old time is free, the new one taken.
  HttpResponse moved = put_json(w, "/v1/experts/ada/busy/gcal-1", {{"start", "2030-01-07T15:00:00Z"}, {"end", "2030-01-07T16:00:00Z"}});
  CHECK(moved.status == 200);
  CHECK(w.json_of(moved)["overlapping_reservations"].empty());
  CHECK(hold(w, "consult", "2030-01-07T11:00:00Z", "c@example.com").status == 201);  // the old time is free again
  CHECK(hold(w, "consult", "2030-01-07T15:30:00Z", "d@example.com").status == 409);
  REQUIRE(w.call(make_request("DELETE", "/v1/experts/ada/busy/gcal-1", "", kAdmin)).status == 200);
  CHECK(w.call(make_request("DELETE", "/v1/experts/ada/busy/gcal-1", "", kAdmin)).status == 404);
  CHECK(hold(w, "consult", "2030-01-07T15:30:00Z", "d@example.com").status == 201);
  // Refusals.
  CHECK(put_json(w, "/v1/experts/ada/busy/x", {{"start", "2030-01-07T10:00:00Z"}, {"end", "2030-01-07T10:00:00Z"}}).status == 422);
  CHECK(put_json(w, "/v1/experts/ada/busy/x", {{"start", "2030-01-07T10:00:00Z"}, {"end", "2030-01-09T10:00:00Z"}}).status == 422);
  CHECK(put_json(w, "/v1/experts/ada/busy/a%2Fb", {{"start", "2030-01-07T10:00:00Z"}, {"end", "2030-01-07T11:00:00Z"}}).status == 422);
  CHECK(w.call(make_request("PUT", "/v1/experts/ada/busy/x", R"({"start":"2030-01-07T10:00:00Z","end":"2030-01-07T11:00:00Z"})")).status == 401);
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("offering: a hold and a busy block racing never both stand unannounced, every schedule", "[offering][busy][interleaving]") {
  std::vector<size_t> prefix;
  size_t schedules = 0;
  for (;;) {
    World w(3);
    REQUIRE(put_event_with(w, "consult", {}).status == 201);
    native::ScriptedChooser chooser(prefix);
    TaskId h = w.sched.submit(World::create_request("consult", "2030-01-07T10:00:00Z", "a@example.com"));
    TaskId b = w.sched.submit(make_request("PUT", "/v1/experts/ada/busy/cal", Json{{"start", "2030-01-07T10:30:00Z"}, {"end", "2030-01-07T11:00:00Z"}}.dump(), kAdmin));
    w.sched.run(std::ref(chooser));
    const HttpResponse* hr = w.engine.response(h);
    const HttpResponse* br = w.engine.response(b);
    REQUIRE(hr);
    REQUIRE(br);
    REQUIRE(br->status == 201);  // the outside event is always recorded
    const Json overlapping = w.json_of(*br)["overlapping_reservations"];
    INFO("schedule " << schedules);
    if (hr->status == 201) CHECK(overlapping.size() == 1);  // the block came second and says so
    else CHECK(hr->status == 409);                          // the block came first
    if (hr->status != 201 && hr->status != 409) FAIL(hr->body);
    ++schedules;
    if (!native::next_schedule(chooser.taken(), chooser.widths(), prefix)) break;
  }
  CHECK(schedules > 10);
}

// ---------------------------------------------------------------- seats

TEST_CASE("offering: a seated start takes `seats` guests, and nothing else overlaps it", "[offering][seats]") {
  World w;
  REQUIRE(put_event_with(w, "workshop", {{"seats", 3}, {"payment_method_types", {"card"}}}).status == 201);
  REQUIRE(put_event_with(w, "consult", {}).status == 201);
  for (int i = 0; i < 3; ++i) CHECK(hold(w, "workshop", "2030-01-07T10:00:00Z", "g" + std::to_string(i) + "@example.com").status == 201);
  HttpResponse full = hold(w, "workshop", "2030-01-07T10:00:00Z", "g9@example.com");
  CHECK(full.status == 409);
  CHECK(hold(w, "workshop", "2030-01-07T10:30:00Z", "g8@example.com").status == 409);  // another start, overlapping
  CHECK(hold(w, "consult", "2030-01-07T10:00:00Z", "g7@example.com").status == 409);   // another event type
  Json around = slots(w, "workshop", "2030-01-07T09:00:00Z", "2030-01-07T12:00:00Z");
  for (const auto& s : around) {
    INFO(s.dump());
    if (s["start"] == "2030-01-07T10:00:00Z") CHECK(s["seats_left"] == 0);
    if (s["start"] == "2030-01-07T11:00:00Z") CHECK(s["seats_left"] == 3);
  }
  CHECK(check_no_double_booking(w).empty());
  CHECK(put_event_with(w, "bad", {{"seats", 0}}).status == 422);
  CHECK(put_event_with(w, "bad", {{"seats", 501}}).status == 422);
}

TEST_CASE("offering: the last seat, 10 seats and 30 guests under random schedules", "[offering][seats][interleaving]") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    World w(seed);
    REQUIRE(put_event_with(w, "workshop", {{"seats", 10}}).status == 201);
    std::vector<TaskId> ids;
    for (int i = 0; i < 30; ++i)
      ids.push_back(w.sched.submit(World::create_request("workshop", "2030-01-07T10:00:00Z", "g" + std::to_string(i) + "@example.com")));
    std::string violation;
    w.sched.run(native::random_chooser(seed), [&] {
      violation = check_no_double_booking(w);
      return violation.empty();
    });
    INFO("seed " << seed << ": " << violation);
    REQUIRE(violation.empty());
    int created = 0;
    for (TaskId id : ids) created += w.engine.response(id) && w.engine.response(id)->status == 201;
    CHECK(created == 10);
    CHECK(w.stripe.count("POST /v1/checkout/sessions") == 10);
  }
}

// ---------------------------------------------------------------- reschedule

TEST_CASE("offering: reschedule moves a booking in one commit, or changes nothing", "[offering][reschedule]") {
  World w;
  REQUIRE(put_event_with(w, "consult", {{"reschedule_min_notice_minutes", 120}}).status == 201);
  const std::string a = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "a@example.com"));
  const std::string b = rid_of(w, hold(w, "consult", "2030-01-07T12:00:00Z", "b@example.com"));
  pay(w, b, "evt_b");
  const std::string session = reservation(w, a)["checkout_session_id"];

  HttpResponse moved = reschedule(w, a, "2030-01-07T14:00:00Z");
  REQUIRE(moved.status == 200);
  CHECK(w.json_of(moved)["reservation"]["start"] == "2030-01-07T14:00:00Z");
  CHECK(w.json_of(moved)["reservation"]["checkout_session_id"] == session);  // checkout stays valid
  CHECK(hold(w, "consult", "2030-01-07T10:00:00Z", "c@example.com").status == 201);  // the old time is free
  CHECK(hold(w, "consult", "2030-01-07T14:30:00Z", "d@example.com").status == 409);  // the new one taken

  // Into a taken time: 409, and the booking keeps its time.
  HttpResponse clash = reschedule(w, b, "2030-01-07T13:30:00Z");
  CHECK(clash.status == 409);
  CHECK(error_code(w, clash) == "slot_unavailable");
  CHECK(reservation(w, b)["start"] == "2030-01-07T12:00:00Z");
  CHECK(reschedule(w, b, "2030-01-07T12:00:00Z").status == 200);  // where it is: nothing to do
  // A confirmed booking moves too.
  CHECK(reschedule(w, b, "2030-01-08T09:00:00Z").status == 200);
  CHECK(reservation(w, b)["status"] == "confirmed");
  // Misaligned, unknown, released, too late.
  CHECK(reschedule(w, b, "2030-01-08T09:10:00Z").status == 422);
  CHECK(reschedule(w, "rsv_nope", "2030-01-08T09:00:00Z").status == 404);
  CHECK(w.call(make_request("POST", "/v1/reservations/" + b + "/reschedule", "{}")).status == 422);
  REQUIRE(w.call(make_request("DELETE", "/v1/reservations/" + a)).status == 200);
  CHECK(error_code(w, reschedule(w, a, "2030-01-09T09:00:00Z")) == "reservation_not_movable");
  w.host.set_now(*parse_rfc3339("2030-01-08T07:30:00Z"));  // b starts at 09:00: 90 minutes ahead
  CHECK(error_code(w, reschedule(w, b, "2030-01-09T09:00:00Z")) == "reservation_not_movable");
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("cancel with unpaid_only: a paid booking stands, an unpaid hold is released", "[offering][cancel]") {
  // The booking page's "back from Checkout" cancels with unpaid_only: a guest who paid
  // in another tab must keep the booking, even under a refunding policy.
  World w;
  REQUIRE(put_event_with(w, "consult", {{"cancellation", {{"refund_before_minutes", 0}, {"refund_percent", 100}}}}).status == 201);
  const std::string paid = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "paid@example.com"));
  pay(w, paid, "evt_paid_u1");
  const auto before = snapshot(w);
  HttpResponse kept = w.call(make_request("DELETE", "/v1/reservations/" + paid + "?unpaid_only=true"));
  CHECK(kept.status == 409);
  CHECK(error_code(w, kept) == "reservation_confirmed");
  CHECK(same_store(before, snapshot(w)));
  CHECK(reservation(w, paid)["status"] == "confirmed");
  const std::string unpaid = rid_of(w, hold(w, "consult", "2030-01-07T12:00:00Z", "unpaid@example.com"));
  HttpResponse released = w.call(make_request("DELETE", "/v1/reservations/" + unpaid + "?unpaid_only=true"));
  CHECK(released.status == 200);
  CHECK(w.json_of(released)["reservation"]["status"] == "released");
  // Anything else in the query is refused, not ignored.
  CHECK(w.call(make_request("DELETE", "/v1/reservations/" + paid + "?unpaid_only=yes")).status == 422);
  CHECK(w.call(make_request("DELETE", "/v1/reservations/" + paid + "?force=true")).status == 422);
  CHECK(reservation(w, paid)["status"] == "confirmed");
}

TEST_CASE("offering: a booking keeps its own length when its event type changed under it", "[offering][reschedule]") {
  // A guest's reschedule after the admin shortened the event type used to build the new
  // span from the new duration and keep the old length: an assertion in the transaction
  // trapped the instance, and every request in flight on it answered 500.
  World w;
  REQUIRE(put_event_with(w, "consult", {}).status == 201);  // 60 minutes
  const std::string rid = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "g@example.com"));
  pay(w, rid, "evt_paid_1");
  REQUIRE(put_event_with(w, "consult", {{"duration_minutes", 30}}).status == 200);
  HttpResponse moved = reschedule(w, rid, "2030-01-08T10:00:00Z");
  INFO(moved.body);
  REQUIRE(moved.status == 200);
  Json r = reservation(w, rid);
  CHECK(r["start"] == "2030-01-08T10:00:00Z");
  CHECK(r["end"] == "2030-01-08T11:00:00Z");  // the hour the guest booked
  // The whole booked hour is blocked: a 30-minute hold at 10:30 is refused...
  CHECK(hold(w, "consult", "2030-01-08T10:30:00Z", "other@example.com").status == 409);
  // ...and the old span is free again.
  CHECK(hold(w, "consult", "2030-01-07T10:00:00Z", "other@example.com").status == 201);
  // Lengthened to 90: the moved booking still blocks exactly its own hour.
  REQUIRE(put_event_with(w, "consult", {{"duration_minutes", 90}}).status == 200);
  REQUIRE(reschedule(w, rid, "2030-01-09T10:00:00Z").status == 200);
  CHECK(reservation(w, rid)["end"] == "2030-01-09T11:00:00Z");
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("offering: two reschedules swapping into each other's times never lose or keep both", "[offering][reschedule][interleaving]") {
  std::vector<size_t> prefix;
  size_t schedules = 0;
  for (;;) {
    World w(5);
    REQUIRE(put_event_with(w, "consult", {}).status == 201);
    const std::string a = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "a@example.com"));
    const std::string b = rid_of(w, hold(w, "consult", "2030-01-07T12:00:00Z", "b@example.com"));
    native::ScriptedChooser chooser(prefix);
    TaskId ta = w.sched.submit(make_request("POST", "/v1/reservations/" + a + "/reschedule", R"({"start":"2030-01-07T12:00:00Z"})"));
    TaskId tb = w.sched.submit(make_request("POST", "/v1/reservations/" + b + "/reschedule", R"({"start":"2030-01-07T10:00:00Z"})"));
    std::string violation;
    w.sched.run(std::ref(chooser), [&] {
      violation = check_no_double_booking(w);
      return violation.empty();
    });
    INFO("schedule " << schedules << ": " << violation);
    REQUIRE(violation.empty());
    // Each kept exactly one time: its old one (409) or the new one (200). Both cannot
    // move (each needs the other's time free), and neither loses its booking.
    for (auto [task, rid, from, to] : {std::tuple{ta, a, "2030-01-07T10:00:00Z"s, "2030-01-07T12:00:00Z"s},
                                       std::tuple{tb, b, "2030-01-07T12:00:00Z"s, "2030-01-07T10:00:00Z"s}}) {
      const HttpResponse* r = w.engine.response(task);
      REQUIRE(r);
      const Json now = reservation(w, rid);
      CHECK(now["status"] == "pending_payment");
      CHECK(now["start"] == (r->status == 200 ? to : from));
      CHECK((r->status == 200 || r->status == 409));
    }
    CHECK(!(w.engine.response(ta)->status == 200 && w.engine.response(tb)->status == 200));
    ++schedules;
    if (!native::next_schedule(chooser.taken(), chooser.widths(), prefix)) break;
  }
  CHECK(schedules > 10);
}

// ---------------------------------------------------------------- cancellation

TEST_CASE("offering: cancelling a confirmed booking refunds it as its policy says", "[offering][cancel]") {
  World w;
  REQUIRE(put_event_with(w, "flex", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 50}}}}).status == 201);
  REQUIRE(put_event_with(w, "strict", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 0}}}}).status == 201);
  REQUIRE(put_event_with(w, "final", {}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string early = rid_of(w, hold(w, "flex", "2030-01-07T10:00:00Z", "a@example.com"));
  const std::string late = rid_of(w, hold(w, "flex", "2030-01-06T08:00:00Z", "b@example.com"));
  const std::string strict = rid_of(w, hold(w, "strict", "2030-01-06T09:00:00Z", "c@example.com"));
  const std::string fixed = rid_of(w, hold(w, "final", "2030-01-08T10:00:00Z", "d@example.com"));
  for (const auto& [rid, ev] : {std::pair{early, "e1"}, std::pair{late, "e2"}, std::pair{strict, "e3"}, std::pair{fixed, "e4"}})
    pay(w, rid, ev);

  // More than 24 h ahead: the whole price.
  HttpResponse full = w.call(make_request("DELETE", "/v1/reservations/" + early));
  REQUIRE(full.status == 200);
  CHECK(w.json_of(full)["reservation"]["status"] == "refunded");
  CHECK(w.json_of(full)["reservation"]["refund"]["amount"] == 10000);
  CHECK(w.json_of(full)["reservation"]["release_reason"] == "cancelled");
  // Within 24 h: half, sent to Stripe as an amount.
  HttpResponse half = w.call(make_request("DELETE", "/v1/reservations/" + late));
  CHECK(w.json_of(half)["reservation"]["refund"]["amount"] == 5000);
  const std::string pi_late = reservation(w, late)["payment_intent_id"];
  CHECK(w.stripe.refunded_amount[pi_late] == 5000);
  // 0 %: cancelled, nothing refunded.
  HttpResponse none = w.call(make_request("DELETE", "/v1/reservations/" + strict));
  CHECK(w.json_of(none)["reservation"]["status"] == "released");
  CHECK(w.stripe.refunds_made.count(reservation(w, strict)["payment_intent_id"].get<std::string>()) == 0);
  // No policy: still 409.
  CHECK(error_code(w, w.call(make_request("DELETE", "/v1/reservations/" + fixed))) == "reservation_confirmed");
  // Every freed slot can be booked again.
  CHECK(hold(w, "flex", "2030-01-07T10:00:00Z", "e@example.com").status == 201);
  CHECK(hold(w, "strict", "2030-01-06T09:00:00Z", "f@example.com").status == 201);
  // Repeating the cancel changes nothing and refunds nothing more.
  CHECK(w.call(make_request("DELETE", "/v1/reservations/" + late)).status == 200);
  CHECK(w.stripe.refunded_amount[pi_late] == 5000);
}

TEST_CASE("offering: moving a booking does not move its refund window, and later policy changes do not apply",
          "[offering][cancel][reschedule]") {
  World w;
  REQUIRE(put_event_with(w, "strict", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 0}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  // Inside the 0 % window (starts in 2 h); the guest moves it weeks out, then cancels.
  const std::string moved = rid_of(w, hold(w, "strict", "2030-01-05T12:00:00Z", "a@example.com"));
  pay(w, moved, "e1");
  REQUIRE(reschedule(w, moved, "2030-02-05T12:00:00Z").status == 200);
  HttpResponse cancelled = w.call(make_request("DELETE", "/v1/reservations/" + moved));
  REQUIRE(cancelled.status == 200);
  CHECK(w.json_of(cancelled)["reservation"]["status"] == "released");
  CHECK(w.stripe.refunds_made.count(reservation(w, moved)["payment_intent_id"].get<std::string>()) == 0);

  // Booked two days out under a full-refund policy: the admin then makes it strict and
  // allows no cancellation at all; the guest keeps the terms they paid under.
  REQUIRE(put_event_with(w, "flexible", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 0}}}}).status == 201);
  const std::string kept = rid_of(w, hold(w, "flexible", "2030-01-07T12:00:00Z", "b@example.com"));
  pay(w, kept, "e2");
  CHECK(reservation(w, kept)["cancellation"] == Json{{"tiers", {{{"until", "2030-01-06T12:00:00Z"}, {"refund_percent", 100}},
                                                                {{"until", "2030-01-07T12:00:00Z"}, {"refund_percent", 0}}}}});
  REQUIRE(put_event_with(w, "flexible", {}).status == 200);
  HttpResponse refunded = w.call(make_request("DELETE", "/v1/reservations/" + kept));
  REQUIRE(refunded.status == 200);
  CHECK(w.json_of(refunded)["reservation"]["status"] == "refunded");
  CHECK(w.json_of(refunded)["reservation"]["refund"]["amount"] == 10000);
}

TEST_CASE("offering: a paid event delivered again after its record was purged refunds nothing", "[offering][cancel]") {
  World w;
  REQUIRE(put_event_with(w, "strict", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 0}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string rid = rid_of(w, hold(w, "strict", "2030-01-05T14:00:00Z", "a@example.com"));
  pay(w, rid, "evt_paid");
  const std::string session = reservation(w, rid)["checkout_session_id"];
  const std::string pi = reservation(w, rid)["payment_intent_id"];
  HttpResponse cancelled = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  REQUIRE(w.json_of(cancelled)["reservation"]["status"] == "released");  // 0 %: nothing back
  // Eight days on, the sweep has purged the event's delivery record; the reservation
  // itself is kept for the retention period. Stripe (or an operator) resends the event.
  w.host.advance(8 * kDayMs);
  w.sweep();
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_paid", "checkout.session.completed", session))).status == 200);
  CHECK(reservation(w, rid)["status"] == "released");
  CHECK(w.stripe.refunds_made.count(pi) == 0);
}

TEST_CASE("offering: a hold paid in another tab, then cancelled, is refunded without its webhook", "[offering][cancel]") {
  World w;
  REQUIRE(put_event_with(w, "consult", {}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string rid = rid_of(w, hold(w, "consult", "2030-01-07T10:00:00Z", "a@example.com"));
  const std::string session = reservation(w, rid)["checkout_session_id"];
  const std::string pi = w.stripe.pay(session);  // paid; its webhook never comes
  HttpResponse cancelled = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  REQUIRE(cancelled.status == 200);
  const Json after = w.json_of(cancelled)["reservation"];
  CHECK(after["status"] == "refunded");
  CHECK(after["release_reason"] == "cancelled");
  CHECK(after["refund"]["amount"] == 10000);
  CHECK(w.stripe.refunded_amount[pi] == 10000);
  // The webhook that arrives after all changes nothing and refunds nothing more.
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_late", "checkout.session.completed", session))).status == 200);
  CHECK(reservation(w, rid)["status"] == "refunded");
  CHECK(w.stripe.refunds_made[pi] == 1);
}

TEST_CASE("offering: a partial refund whose answer was lost is found, not made twice", "[offering][cancel]") {
  World w;
  REQUIRE(put_event_with(w, "flex", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 30}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-06T10:00:00Z"));
  const std::string rid = rid_of(w, hold(w, "flex", "2030-01-07T08:00:00Z", "a@example.com"));
  pay(w, rid, "e1");
  const std::string pi = reservation(w, rid)["payment_intent_id"];
  // The cancel reaches Stripe, which refunds; the answer never comes back.
  TaskId id = w.engine.start(make_request("DELETE", "/v1/reservations/" + rid));
  for (int guard = 0; guard < 200 && w.engine.pending(id); ++guard) {
    HostCall c = *w.engine.pending(id);
    HostReply reply = c.op == HostOp::HttpFetch ? w.stripe.serve(c) : native::serve_store_call(*w.store, c);
    auto f = c.op == HostOp::HttpFetch ? decode_fetch_request(c.payload) : std::nullopt;
    if (f && f->method == "POST" && f->url.find("/v1/refunds") != std::string::npos) reply = HostReply{1, "answer lost"};
    REQUIRE(w.engine.resume(id, reply));
  }
  REQUIRE(w.engine.response(id));
  w.engine.drop(id);
  CHECK(w.stripe.refunded_amount[pi] == 3000);
  CHECK(reservation(w, rid)["status"] == "refunded");
  // The sweep retries with a new key; it looks first and finds the refund made.
  w.host.advance(2 * 60'000);
  w.sweep();
  CHECK(w.stripe.refunds_made[pi] == 1);
  CHECK(w.stripe.refunded_amount[pi] == 3000);
  const Reservation after = [&] {
    for (const auto& r : w.reservations())
      if (r.id == rid) return r;
    return Reservation{};
  }();
  CHECK_FALSE(after.refund_id.empty());
  CHECK_FALSE(after.refund_queued());
}

// ---------------------------------------------------------------- tiered cancellation

namespace {

const Json kTiers = {{"tiers", {{{"before_minutes", 1440}, {"refund_percent", 100}}, {{"before_minutes", 120}, {"refund_percent", 50}}}}};

std::string message_of(World& w, const HttpResponse& r) { return w.json_of(r)["error"]["message"]; }

// Cancels `rid` at `at` and answers what it refunded (0: released with nothing back).
int64_t cancel_at(World& w, const std::string& rid, const std::string& at) {
  w.host.set_now(*parse_rfc3339(at));
  HttpResponse r = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  REQUIRE(r.status == 200);
  const Json after = w.json_of(r)["reservation"];
  if (after["status"] == "released") return 0;
  REQUIRE(after["status"] == "refunded");
  return after["refund"]["amount"];
}

}  // namespace

TEST_CASE("tiers: a cancellation refunds the most generous tier it is still ahead of, at each boundary",
          "[offering][cancel][tiers]") {
  World w;
  REQUIRE(put_event_with(w, "tiered", {{"cancellation", kTiers}, {"price", {{"amount", 9999}, {"currency", "eur"}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  std::vector<std::string> rids;
  for (const char* start : {"2030-01-08T12:00:00Z", "2030-01-08T14:00:00Z", "2030-01-08T16:00:00Z", "2030-01-08T18:00:00Z"}) {
    rids.push_back(rid_of(w, hold(w, "tiered", start, "g" + std::to_string(rids.size()) + "@example.com")));
    pay(w, rids.back(), "evt_t" + std::to_string(rids.size()));
  }
  const Json terms = reservation(w, rids[0])["cancellation"];
  CHECK(terms == Json{{"tiers", {{{"until", "2030-01-07T12:00:00Z"}, {"refund_percent", 100}},
                                 {{"until", "2030-01-08T10:00:00Z"}, {"refund_percent", 50}}}}});
  CHECK(cancel_at(w, rids[0], "2030-01-07T12:00:00Z") == 9999);  // exactly 1440 minutes ahead: the whole price
  CHECK(cancel_at(w, rids[1], "2030-01-07T14:01:00Z") == 4999);  // one minute inside: 50 %, rounded down
  CHECK(cancel_at(w, rids[2], "2030-01-08T14:00:00Z") == 4999);  // exactly 120 minutes ahead: still 50 %
  CHECK(cancel_at(w, rids[3], "2030-01-08T16:01:00Z") == 0);     // inside the last tier: nothing
  CHECK(w.stripe.refunded_amount[reservation(w, rids[1])["payment_intent_id"].get<std::string>()] == 4999);
  CHECK(w.stripe.refunds_made.count(reservation(w, rids[3])["payment_intent_id"].get<std::string>()) == 0);
}

TEST_CASE("tiers: a reschedule does not move the tiers, which stay anchored on the first start",
          "[offering][cancel][tiers][reschedule]") {
  World w;
  REQUIRE(put_event_with(w, "tiered", {{"cancellation", kTiers}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string rid = rid_of(w, hold(w, "tiered", "2030-01-05T15:00:00Z", "a@example.com"));  // 5 h ahead: 50 %
  pay(w, rid, "e1");
  REQUIRE(reschedule(w, rid, "2030-02-05T15:00:00Z").status == 200);
  CHECK(cancel_at(w, rid, "2030-01-05T11:00:00Z") == 5000);
}

TEST_CASE("tiers: an event type's policy is refused, naming the field, unless it can mean one thing",
          "[offering][cancel][tiers]") {
  World w;
  auto tier = [](int64_t before, int64_t percent) { return Json{{"before_minutes", before}, {"refund_percent", percent}}; };
  auto refused = [&](Json policy) {
    HttpResponse r = put_event_with(w, "checked", {{"cancellation", policy}});
    CHECK(r.status == 422);
    CHECK(error_code(w, r) == "validation_failed");
    return message_of(w, r);
  };
  CHECK(refused({{"tiers", Json::array()}}) == "cancellation.tiers must be a list of 1 to 8 objects");
  Json nine = Json::array();
  for (int i = 9; i > 0; --i) nine.push_back(tier(i * 60, 100));
  CHECK(refused({{"tiers", nine}}) == "cancellation.tiers must be a list of 1 to 8 objects");
  CHECK(refused({{"tiers", {tier(120, 100), tier(120, 50)}}}) ==
        "cancellation.tiers[1].before_minutes must be less than 120, the tier before it's (most generous tier first)");
  CHECK(refused({{"tiers", {tier(60, 100), tier(120, 50)}}}) ==
        "cancellation.tiers[1].before_minutes must be less than 60, the tier before it's (most generous tier first)");
  CHECK(refused({{"tiers", {tier(1440, 50), tier(120, 80)}}}) ==
        "cancellation.tiers[1].refund_percent must be at most 50, the tier before it's (a later cancellation gets no more back)");
  CHECK(refused({{"tiers", {tier(1440, 101)}}}) == "cancellation.tiers[0].refund_percent must be an integer from 0 to 100");
  CHECK(refused({{"tiers", {tier(525601, 100)}}}) == "cancellation.tiers[0].before_minutes must be an integer from 0 to 525600");
  CHECK(refused({{"tiers", {tier(-1, 100)}}}) == "cancellation.tiers[0].before_minutes must be an integer from 0 to 525600");
  CHECK(refused({{"tiers", {{{"before_minutes", 60}}}}}) == "cancellation.tiers[0].refund_percent is required");
  CHECK(refused({{"tiers", {{{"before_minutes", 60}, {"refund_percent", 10}, {"percent", 1}}}}}) ==
        "unknown field cancellation.tiers[0].percent");
  CHECK(refused({{"tiers", {tier(60, 10)}}, {"refund_percent", 10}, {"refund_before_minutes", 5}}) ==
        "unknown field cancellation.tiers");
  CHECK(refused({{"tiers", tier(60, 10)}}) == "cancellation.tiers must be a list of 1 to 8 objects");
  CHECK(refused(Json::object()) == "cancellation.tiers is required");
  // Eight tiers, the last at the start itself, and equal percents: accepted.
  Json eight = Json::array();
  for (int i = 8; i > 0; --i) eight.push_back(tier((i - 1) * 60, i > 4 ? 100 : 25));
  HttpResponse ok = put_event_with(w, "checked", {{"cancellation", {{"tiers", eight}}}});
  INFO(ok.body);
  CHECK(ok.status == 201);
  CHECK(w.json_of(ok)["event"]["cancellation"]["tiers"] == eight);
}

TEST_CASE("tiers: the two-field policy still means what it did, and reads back as its tiers",
          "[offering][cancel][tiers]") {
  World w;
  HttpResponse put = put_event_with(w, "old", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 30}}}});
  REQUIRE(put.status == 201);
  const Json tiers = {{"tiers", {{{"before_minutes", 1440}, {"refund_percent", 100}}, {{"before_minutes", 0}, {"refund_percent", 30}}}}};
  CHECK(w.json_of(put)["event"]["cancellation"] == tiers);
  HttpResponse got = w.call(make_request("GET", "/v1/events/old"));
  CHECK(w.json_of(got)["event"]["cancellation"] == tiers);
  // What GET shows can be PUT back as it is.
  CHECK(put_json(w, "/v1/events/old", w.json_of(got)["event"]).status == 200);
  HttpResponse zero = put_event_with(w, "anytime", {{"cancellation", {{"refund_before_minutes", 0}, {"refund_percent", 0}}}});
  CHECK(w.json_of(zero)["event"]["cancellation"] == Json{{"tiers", {{{"before_minutes", 0}, {"refund_percent", 100}}}}});

  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string early = rid_of(w, hold(w, "old", "2030-01-08T12:00:00Z", "a@example.com"));
  const std::string late = rid_of(w, hold(w, "old", "2030-01-08T14:00:00Z", "b@example.com"));
  pay(w, early, "e1");
  pay(w, late, "e2");
  CHECK(cancel_at(w, early, "2030-01-07T11:59:00Z") == 10000);
  CHECK(cancel_at(w, late, "2030-01-07T14:01:00Z") == 3000);
}

TEST_CASE("tiers: a reservation stored with the terms before tiers is cancelled as it was sold, to the millisecond",
          "[offering][cancel][tiers]") {
  World w;
  REQUIRE(put_event_with(w, "old", {{"cancellation", {{"refund_before_minutes", 1440}, {"refund_percent", 30}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  std::vector<std::string> rids;
  for (const char* start : {"2030-01-08T12:00:00Z", "2030-01-08T14:00:00Z", "2030-01-08T16:00:00Z"}) {
    rids.push_back(rid_of(w, hold(w, "old", start, "g" + std::to_string(rids.size()) + "@example.com")));
    pay(w, rids.back(), "evt_o" + std::to_string(rids.size()));
  }
  // Rewrite each record's terms as a build before tiers stored them: the whole price
  // before 2030-01-07T12:00:00Z, 30 % from then on, even after the start.
  const int64_t until = *parse_rfc3339("2030-01-07T12:00:00Z");
  for (const std::string& rid : rids) {
    const auto items = w.store->read({keys::reservation(rid)});
    REQUIRE(items);
    Json stored = Json::parse((*items)[0].value);
    stored["cancellation"] = {{"allowed", true}, {"full_refund_until", until}, {"late_refund_percent", 30}};
    REQUIRE(w.store->commit({}, {{KvMutation::Op::Set, keys::reservation(rid), stored.dump()}}));
  }
  CHECK(reservation(w, rids[0])["status"] == "confirmed");
  CHECK(cancel_at(w, rids[0], "2030-01-07T11:59:59.999Z") == 10000);
  CHECK(cancel_at(w, rids[1], "2030-01-07T12:00:00Z") == 3000);
  CHECK(cancel_at(w, rids[2], "2030-01-09T12:00:00Z") == 3000);  // after its start, as before
}

// ---------------------------------------------------------------- reschedule terms

TEST_CASE("reschedule terms: at most max_times moves in a booking's life, counted once per move",
          "[offering][reschedule][reschedule-terms]") {
  World w;
  REQUIRE(put_event_with(w, "twice", {{"reschedule", {{"before_minutes", 120}, {"max_times", 2}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  const std::string rid = rid_of(w, hold(w, "twice", "2030-01-07T10:00:00Z", "a@example.com"));
  pay(w, rid, "e1");
  REQUIRE(reschedule(w, rid, "2030-01-07T12:00:00Z").status == 200);
  CHECK(reservation(w, rid)["reschedule_count"] == 1);
  CHECK(reschedule(w, rid, "2030-01-07T12:00:00Z").status == 200);  // a repeat: not counted again
  CHECK(reservation(w, rid)["reschedule_count"] == 1);
  REQUIRE(reschedule(w, rid, "2030-01-07T14:00:00Z").status == 200);
  const auto before = snapshot(w);
  HttpResponse third = reschedule(w, rid, "2030-01-07T16:00:00Z");
  CHECK(third.status == 409);
  CHECK(error_code(w, third) == "reschedule_limit_reached");
  CHECK(message_of(w, third) == "this booking has been moved 2 times, the most its event type allows (reschedule.max_times)");
  CHECK(same_store(before, snapshot(w)));
  // The last move repeated still answers the booking as it is.
  HttpResponse repeat = reschedule(w, rid, "2030-01-07T14:00:00Z");
  CHECK(repeat.status == 200);
  const Json now = reservation(w, rid);
  CHECK(now["status"] == "confirmed");  // moved twice, still paid
  CHECK(now["start"] == "2030-01-07T14:00:00Z");
  CHECK(now["reschedule_count"] == 2);
  CHECK(hold(w, "twice", "2030-01-07T10:00:00Z", "b@example.com").status == 201);  // the times it left are free
  CHECK(hold(w, "twice", "2030-01-07T12:00:00Z", "c@example.com").status == 201);
  CHECK(check_no_double_booking(w).empty());
  // max_times 0: never moved.
  REQUIRE(put_event_with(w, "fixed", {{"reschedule", {{"max_times", 0}}}}).status == 201);
  const std::string fixed = rid_of(w, hold(w, "fixed", "2030-01-08T10:00:00Z", "d@example.com"));
  CHECK(error_code(w, reschedule(w, fixed, "2030-01-08T12:00:00Z")) == "reschedule_limit_reached");
}

TEST_CASE("reschedule terms: before_minutes is the notice a booking is moved with, at its boundary",
          "[offering][reschedule][reschedule-terms]") {
  World w;
  REQUIRE(put_event_with(w, "notice", {{"reschedule", {{"before_minutes", 120}}}}).status == 201);
  w.host.set_now(*parse_rfc3339("2030-01-05T08:00:00Z"));
  const std::string a = rid_of(w, hold(w, "notice", "2030-01-05T10:00:00Z", "a@example.com"));
  const std::string b = rid_of(w, hold(w, "notice", "2030-01-05T12:00:00Z", "b@example.com"));
  CHECK(reschedule(w, a, "2030-01-06T10:00:00Z").status == 200);  // exactly 120 minutes ahead: movable
  w.host.set_now(*parse_rfc3339("2030-01-05T10:01:00Z"));           // b starts in 119 minutes
  HttpResponse late = reschedule(w, b, "2030-01-06T12:00:00Z");
  CHECK(error_code(w, late) == "reservation_not_movable");
  CHECK(message_of(w, late) == "it starts too soon to be moved (the event type's reschedule.before_minutes)");
}

TEST_CASE("reschedule terms: the object and the older notice field, validated and read back together",
          "[offering][reschedule][reschedule-terms]") {
  World w;
  HttpResponse plain = put_event_with(w, "plain", {{"min_notice_minutes", 90}});
  CHECK(w.json_of(plain)["event"]["reschedule"] == Json{{"before_minutes", 90}, {"max_times", nullptr}});
  HttpResponse old = put_event_with(w, "old", {{"reschedule_min_notice_minutes", 45}});
  CHECK(w.json_of(old)["event"]["reschedule"] == Json{{"before_minutes", 45}, {"max_times", nullptr}});
  CHECK(w.json_of(old)["event"]["reschedule_min_notice_minutes"] == 45);
  HttpResponse both = put_event_with(w, "both", {{"reschedule_min_notice_minutes", 30}, {"reschedule", {{"before_minutes", 30}, {"max_times", 4}}}});
  REQUIRE(both.status == 201);
  const Json shown = w.json_of(w.call(make_request("GET", "/v1/events/both")))["event"];
  CHECK(shown["reschedule"] == Json{{"before_minutes", 30}, {"max_times", 4}});
  CHECK(shown["reschedule_min_notice_minutes"] == 30);
  CHECK(put_json(w, "/v1/events/both", shown).status == 200);  // GET's shape PUT back
  auto refused = [&](Json extra) {
    HttpResponse r = put_event_with(w, "bad", std::move(extra));
    CHECK(r.status == 422);
    return message_of(w, r);
  };
  CHECK(refused({{"reschedule_min_notice_minutes", 30}, {"reschedule", {{"before_minutes", 60}}}}) ==
        "reschedule.before_minutes and reschedule_min_notice_minutes (its older name) disagree: give one, or both the same");
  CHECK(refused({{"reschedule", {{"max_times", 101}}}}) == "reschedule.max_times must be an integer from 0 to 100");
  CHECK(refused({{"reschedule", {{"max_times", -1}}}}) == "reschedule.max_times must be an integer from 0 to 100");
  CHECK(refused({{"reschedule", {{"before_minutes", 525601}}}}) == "reschedule.before_minutes must be an integer from 0 to 525600");
  CHECK(refused({{"reschedule", {{"max_time", 1}}}}) == "unknown field reschedule.max_time");
  CHECK(refused({{"reschedule", 3}}) == "reschedule must be an object");
}
