// Approve, then capture: an event type whose bookings the expert approves first. The
// Checkout Session only authorizes; the booking awaits approval holding its slot; the
// expert approves (captured, confirmed), declines (voided, released), or lets the
// deadline pass (the sweep declines it); and of two answers racing, exactly one wins,
// with only its Stripe call made, over every interleaving of their steps.
#include <catch2/catch.hpp>

#include "slotguard/booking/domain.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const char* kStart = "2030-01-07T10:00:00Z";

HttpRequest admin(const std::string& method, const std::string& path, const std::string& body = {}) {
  return admin_request(method, path, body);
}

HttpResponse put_event(World& w, Json approval) {
  Json body = {{"expert_id", "ada"}, {"title", "Consult"}, {"duration_minutes", 60}, {"slot_step_minutes", 30},
               {"price", {{"amount", 10000}, {"currency", "eur"}}}, {"payment_method_types", {"card"}}};
  if (!approval.is_null()) body["approval"] = approval;
  return w.call(admin("PUT", "/v1/events/consult", body.dump()));
}

Json reservation(World& w, const std::string& rid) {
  return w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"];
}

struct Booked {
  std::string rid, session, pi;
};

// A hold whose guest pays: the card is authorized, and the webhook says so.
Booked authorized(World& w, const std::string& email = "a@example.com") {
  HttpResponse held = w.call(World::create_request("consult", kStart, email));
  REQUIRE(held.status == 201);
  Booked b;
  b.rid = w.json_of(held)["reservation"]["id"];
  b.session = w.json_of(held)["reservation"]["checkout_session_id"];
  REQUIRE(w.stripe.sessions().at(b.session).manual_capture);
  b.pi = w.stripe.pay(b.session);
  const std::string body = w.stripe.emit_event("evt_" + b.rid, "checkout.session.completed", b.session);
  REQUIRE(w.call(w.webhook(body)).status == 200);
  return b;
}

void start_world(World& w) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  REQUIRE(put_event(w, {{"required", true}, {"respond_within_minutes", 600}}).status == 201);
}

}  // namespace

TEST_CASE("approval: an authorized booking awaits the expert, holding its slot", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  const Json r = reservation(w, b.rid);
  CHECK(r["status"] == "awaiting_approval");
  CHECK(r["approval"]["respond_by"] == "2030-01-05T20:00:00Z");
  CHECK(r["approval"]["decision"].is_null());
  CHECK(w.stripe.sessions().at(b.session).intent_status == "requires_capture");
  CHECK(w.call(World::create_request("consult", kStart, "rival@example.com")).status == 409);
  // Hours later, past the checkout hold: still held, nothing captured.
  w.host.advance(5 * 60 * kMinuteMs);
  REQUIRE(w.sweep().status == 200);
  CHECK(reservation(w, b.rid)["status"] == "awaiting_approval");
  CHECK(w.call(World::create_request("consult", kStart, "rival@example.com")).status == 409);
}

TEST_CASE("approval: approve captures and confirms; a repeat changes nothing", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  HttpResponse ok = w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"));
  REQUIRE(ok.status == 200);
  CHECK(w.json_of(ok)["reservation"]["status"] == "confirmed");
  CHECK(w.json_of(ok)["reservation"]["approval"]["decision"] == "approve");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "succeeded");
  CHECK(w.stripe.count("POST /v1/payment_intents/" + b.pi + "/capture") == 1);
  HttpResponse again = w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"));
  CHECK(again.status == 409);
  CHECK(error_code(w, again) == "not_awaiting_approval");
  CHECK(error_code(w, w.call(admin("POST", "/v1/reservations/" + b.rid + "/decline"))) == "not_awaiting_approval");
  CHECK(w.stripe.count("POST /v1/payment_intents/" + b.pi + "/cancel") == 0);
}

TEST_CASE("approval: decline voids the authorization and frees the slot", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  HttpResponse no = w.call(admin("POST", "/v1/reservations/" + b.rid + "/decline"));
  REQUIRE(no.status == 200);
  CHECK(w.json_of(no)["reservation"]["status"] == "released");
  CHECK(w.json_of(no)["reservation"]["release_reason"] == "declined");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "canceled");
  CHECK(w.stripe.refunds_made[b.pi] == 0);
  CHECK(w.call(World::create_request("consult", kStart, "rival@example.com")).status == 201);
  CHECK(error_code(w, w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"))) == "not_awaiting_approval");
}

TEST_CASE("approval: nobody answers by the deadline, the sweep declines", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  w.host.advance(600 * kMinuteMs);  // exactly the deadline
  HttpResponse late = w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"));
  CHECK(error_code(w, late) == "approval_deadline_passed");
  CHECK(w.stripe.count("POST /v1/payment_intents/" + b.pi + "/capture") == 0);
  REQUIRE(w.sweep().status == 200);
  const Json r = reservation(w, b.rid);
  CHECK(r["status"] == "released");
  CHECK(r["release_reason"] == "approval_expired");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "canceled");
}

TEST_CASE("approval: a decline Stripe did not answer is finished by asking again, once", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  w.stripe.down = true;
  HttpResponse first = w.call(admin("POST", "/v1/reservations/" + b.rid + "/decline"));
  CHECK(first.status == 503);
  CHECK(reservation(w, b.rid)["approval"]["decision"] == "decline");
  // The decision stands: an approve now loses, and makes no Stripe call.
  w.stripe.down = false;
  CHECK(error_code(w, w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"))) == "approval_already_decided");
  CHECK(w.stripe.count("POST /v1/payment_intents/" + b.pi + "/capture") == 0);
  REQUIRE(w.call(admin("POST", "/v1/reservations/" + b.rid + "/decline")).status == 200);
  CHECK(reservation(w, b.rid)["status"] == "released");
}

TEST_CASE("approval: the guest withdraws before the expert answers", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  HttpResponse gone = w.call(make_request("DELETE", "/v1/reservations/" + b.rid));
  REQUIRE(gone.status == 200);
  CHECK(w.json_of(gone)["reservation"]["status"] == "released");
  CHECK(w.json_of(gone)["reservation"]["release_reason"] == "cancelled");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "canceled");
}

TEST_CASE("approval: an authorization whose slot went to someone else is voided, not captured", "[approval]") {
  World w;
  start_world(w);
  HttpResponse held = w.call(World::create_request("consult", kStart, "slow@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  const std::string session = w.json_of(held)["reservation"]["checkout_session_id"];
  w.host.advance(60 * kMinuteMs);  // the hold lapses
  REQUIRE(w.call(World::create_request("consult", kStart, "quick@example.com")).status == 201);
  const std::string pi = w.stripe.pay(session);  // the first guest pays anyway
  REQUIRE(w.call(w.webhook(w.stripe.emit_event("evt_late", "checkout.session.completed", session))).status == 200);
  REQUIRE(w.sweep().status == 200);
  CHECK(reservation(w, rid)["status"] == "refunded");
  CHECK(w.stripe.sessions().at(session).intent_status == "canceled");
  CHECK(w.stripe.refunds_made[pi] == 0);  // voided: there was nothing to refund
}

TEST_CASE("approval: the event type's approval is validated", "[approval]") {
  World w;
  CHECK(put_event(w, {{"required", true}, {"respond_within_minutes", kMaxApprovalMinutes + 1}}).status == 422);
  CHECK(put_event(w, {{"required", true}, {"respond_within", 60}}).status == 422);
  CHECK(put_event(w, {{"respond_within_minutes", 60}}).status == 422);  // required is required
  Json body = {{"expert_id", "ada"}, {"title", "Consult"}, {"duration_minutes", 60},
               {"price", {{"amount", 10000}, {"currency", "eur"}}}, {"payment_method_types", {"card", "multibanco"}},
               {"approval", {{"required", true}}}};
  HttpResponse mb = w.call(admin("PUT", "/v1/events/consult", body.dump()));
  CHECK(mb.status == 422);
  REQUIRE(put_event(w, {{"required", true}}).status == 201);
  const Json got = w.json_of(w.call(make_request("GET", "/v1/events/consult")))["event"];
  CHECK(got["approval"]["respond_within_minutes"] == 24 * 60);
}

namespace {

struct Race {
  size_t schedules = 0, approved = 0, declined = 0;
  std::string violation;
};

// The expert's approve and a decline (the same expert in another tab, or an assistant)
// at once. Whatever the order of their steps, exactly one answers 200, the booking ends
// as that one said, and Stripe saw only its call.
void race_once(const native::Chooser& choose, Race& out) {
  World w(31);
  start_world(w);
  const Booked b = authorized(w);
  const TaskId a = w.sched.submit(admin("POST", "/v1/reservations/" + b.rid + "/approve"));
  const TaskId d = w.sched.submit(admin("POST", "/v1/reservations/" + b.rid + "/decline"));
  w.sched.run(choose);
  const int ra = w.engine.response(a)->status, rd = w.engine.response(d)->status;
  const size_t captures = w.stripe.count("POST /v1/payment_intents/" + b.pi + "/capture");
  const size_t voids = w.stripe.count("POST /v1/payment_intents/" + b.pi + "/cancel");
  const std::string status = reservation(w, b.rid)["status"];
  const std::string intent = w.stripe.sessions().at(b.session).intent_status;
  ++out.schedules;
  if (ra == 200 && rd == 409 && captures == 1 && voids == 0 && status == "confirmed" && intent == "succeeded") {
    ++out.approved;
  } else if (rd == 200 && ra == 409 && voids == 1 && captures == 0 && status == "released" && intent == "canceled") {
    ++out.declined;
  } else {
    out.violation = "approve " + std::to_string(ra) + ", decline " + std::to_string(rd) + ", captures " +
                    std::to_string(captures) + ", voids " + std::to_string(voids) + ", booking " + status;
  }
}

}  // namespace

TEST_CASE("approval: approve racing decline, every schedule: one wins, and only its Stripe call is made",
          "[approval][interleaving]") {
  Race res;
  native::every_schedule([&](const native::Chooser& choose) {
    race_once(choose, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  INFO("approved " << res.approved << ", declined " << res.declined << " of " << res.schedules);
  CHECK(res.approved > 0);
  CHECK(res.declined > 0);
}

TEST_CASE("approval: an approve decided in time and cut short is captured by the sweep after the deadline",
          "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  w.stripe.down = true;
  CHECK(w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve")).status == 503);
  w.stripe.down = false;
  w.host.advance(600 * kMinuteMs);
  REQUIRE(w.sweep().status == 200);
  CHECK(reservation(w, b.rid)["status"] == "confirmed");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "succeeded");
}

TEST_CASE("approval: a capture Stripe refuses voids the authorization rather than leave it held", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  w.stripe.captures_refused.insert(b.pi);
  HttpResponse no = w.call(admin("POST", "/v1/reservations/" + b.rid + "/approve"));
  CHECK(no.status == 409);
  CHECK(error_code(w, no) == "authorization_expired");
  const Json r = reservation(w, b.rid);
  CHECK(r["status"] == "released");
  CHECK(r["release_reason"] == "authorization_lost");
  CHECK(w.stripe.sessions().at(b.session).intent_status == "canceled");
}

TEST_CASE("approval: a late event about a declined booking does not bring it back", "[approval]") {
  World w;
  start_world(w);
  const Booked b = authorized(w);
  REQUIRE(w.call(admin("POST", "/v1/reservations/" + b.rid + "/decline")).status == 200);
  // The same completion, under another event id (the sweep's look, a replay), after the decline.
  w.stripe.sessions().at(b.session).intent_status = "requires_capture";
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_again", "checkout.session.completed", b.session))).status == 200);
  CHECK(reservation(w, b.rid)["status"] == "released");
  CHECK(w.call(World::create_request("consult", kStart, "next@example.com")).status == 201);
}

TEST_CASE("approval: the deadline is never after the appointment", "[approval]") {
  World w;
  start_world(w);
  HttpResponse held = w.call(World::create_request("consult", "2030-01-05T14:00:00Z", "soon@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  const std::string session = w.json_of(held)["reservation"]["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.emit_event("evt_soon", "checkout.session.completed", session))).status == 200);
  CHECK(reservation(w, rid)["approval"]["respond_by"] == "2030-01-05T14:00:00Z");  // not 20:00
}

