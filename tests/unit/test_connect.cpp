// Marketplace payments: an expert paid through a Stripe Connect account. The payouts
// routes, the destination charge a hold asks Checkout for (the platform's fee computed by
// the core, never more than the price), holds refused while the account cannot take
// charges (learnt from a retrieve and from account.updated), and refunds that take the
// transfer and the fee back in proportion.
#include <catch2/catch.hpp>

#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const char* kStart = "2030-01-07T10:00:00Z";

HttpRequest admin(const std::string& method, const std::string& path, const std::string& body = {}) {
  return admin_request(method, path, body);
}

HttpResponse put_payouts(World& w, const Json& body) { return w.call(admin("PUT", "/v1/experts/ada/payouts", body.dump())); }

void start_world(World& w, bool charges_enabled = true, Json cancellation = nullptr) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  w.stripe.accounts["acct_Expert1"] = charges_enabled;
  Json event = {{"expert_id", "ada"}, {"title", "Consult"}, {"duration_minutes", 60}, {"slot_step_minutes", 30},
                {"price", {{"amount", 10001}, {"currency", "eur"}}}, {"cancellation", cancellation}};
  REQUIRE(w.call(admin("PUT", "/v1/events/consult", event.dump())).status == 201);
}

std::string error_of(World& w, const HttpResponse& r) { return error_code(w, r); }

}  // namespace

TEST_CASE("connect: payouts are set, read and removed; what is not understood is refused by name", "[connect]") {
  World w;
  start_world(w);
  CHECK(error_of(w, put_payouts(w, {{"stripe_account", "cus_1"}, {"platform_fee", {{"percent", 10}}}})) == "validation_failed");
  CHECK(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 10}, {"amount", 5}}}}).status == 422);
  CHECK(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 101}}}}).status == 422);
  CHECK(put_payouts(w, {{"stripe_account", "acct_Expert1"}}).status == 422);
  HttpResponse odd = put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 5}}}, {"fee", 1}});
  CHECK(odd.status == 422);
  CHECK(w.json_of(odd)["error"]["message"].get<std::string>().find("fee") != std::string::npos);
  CHECK(w.call(admin("GET", "/v1/experts/ada/payouts")).status == 404);

  HttpResponse set = put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 15}}}});
  REQUIRE(set.status == 201);
  CHECK(w.json_of(set)["payouts"]["charges_enabled"] == true);  // Stripe was asked at once
  CHECK(w.json_of(w.call(admin("GET", "/v1/experts/ada/payouts")))["payouts"]["platform_fee"]["percent"] == 15);
  CHECK(w.call(make_request("GET", "/v1/experts/ada/payouts")).status == 401);
  // One account pays one expert: account.updated finds the expert by the account.
  HttpResponse shared = w.call(admin("PUT", "/v1/experts/bob/payouts",
                                     Json{{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 5}}}}.dump()));
  CHECK(shared.status == 422);
  CHECK(w.json_of(shared)["error"]["message"].get<std::string>().find("another expert") != std::string::npos);
  REQUIRE(w.call(admin("DELETE", "/v1/experts/ada/payouts")).status == 200);
  CHECK(w.call(admin("GET", "/v1/experts/ada/payouts")).status == 404);
  CHECK(w.call(admin("PUT", "/v1/experts/bob/payouts",
                     Json{{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 5}}}}.dump()))
            .status == 201);
}

TEST_CASE("connect: a hold asks Checkout for a destination charge with the core's fee", "[connect]") {
  World w;
  start_world(w);
  REQUIRE(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 15}}}}).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kStart, "a@example.com"));
  REQUIRE(held.status == 201);
  const auto& session = w.stripe.sessions().at(w.json_of(held)["reservation"]["checkout_session_id"]);
  CHECK(session.destination == "acct_Expert1");
  CHECK(session.application_fee == 1500);  // 15 % of 10001, rounded down
  CHECK(session.on_behalf_of.empty());
  // A fixed fee above the price takes the price, never more; on_behalf_of when asked.
  REQUIRE(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"amount", 20000}}}, {"on_behalf_of", true}})
              .status == 200);
  HttpResponse second = w.call(World::create_request("consult", "2030-01-07T12:00:00Z", "b@example.com"));
  REQUIRE(second.status == 201);
  const auto& other = w.stripe.sessions().at(w.json_of(second)["reservation"]["checkout_session_id"]);
  CHECK(other.application_fee == 10001);
  CHECK(other.on_behalf_of == "acct_Expert1");
}

TEST_CASE("connect: an account that cannot take charges refuses new holds, not existing bookings", "[connect]") {
  World w;
  start_world(w);
  REQUIRE(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 10}}}}).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kStart, "a@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  // Stripe says the account was restricted: an account.updated event.
  Json event = {{"id", "evt_acct_1"}, {"object", "event"}, {"type", "account.updated"}, {"livemode", false},
                {"data", {{"object", {{"id", "acct_Expert1"}, {"object", "account"}, {"charges_enabled", false}}}}}};
  HttpResponse hook = w.call(w.webhook(event.dump()));
  REQUIRE(hook.status == 200);
  CHECK(w.json_of(hook)["outcome"] == "charges_disabled");
  HttpResponse refused = w.call(World::create_request("consult", "2030-01-07T12:00:00Z", "b@example.com"));
  CHECK(refused.status == 422);
  CHECK(error_of(w, refused) == "expert_cannot_accept_payments");
  CHECK(w.reservations().size() == 1);
  const std::string session = w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"]["checkout_session_id"];
  w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_paid", "checkout.session.completed", session))).status == 200);
  CHECK(w.json_of(w.call(make_request("GET", "/v1/reservations/" + rid)))["reservation"]["status"] == "confirmed");
}

TEST_CASE("connect: an account not asked about yet is asked before the first hold", "[connect]") {
  World w;
  start_world(w, false);
  w.stripe.down = true;
  HttpResponse set = put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 10}}}});
  REQUIRE(set.status == 201);
  CHECK(w.json_of(set)["payouts"]["charges_enabled"].is_null());
  CHECK(w.call(World::create_request("consult", kStart, "a@example.com")).status == 503);
  w.stripe.down = false;
  CHECK(error_of(w, w.call(World::create_request("consult", kStart, "a@example.com"))) == "expert_cannot_accept_payments");
  // Onboarding finished at Stripe; no event reached this store: learnt within the recheck.
  w.stripe.accounts["acct_Expert1"] = true;
  CHECK(w.call(World::create_request("consult", kStart, "a@example.com")).status == 422);
  w.host.advance(10 * kMinuteMs);
  CHECK(w.call(World::create_request("consult", kStart, "a@example.com")).status == 201);
}

TEST_CASE("connect: refunds take the transfer and the platform's fee back", "[connect]") {
  World w;
  start_world(w, true, {{"refund_before_minutes", 1440}, {"refund_percent", 50}});
  REQUIRE(put_payouts(w, {{"stripe_account", "acct_Expert1"}, {"platform_fee", {{"percent", 10}}}}).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kStart, "a@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  const std::string session = w.json_of(held)["reservation"]["checkout_session_id"];
  const std::string pi = w.stripe.pay(session);
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_paid", "checkout.session.completed", session))).status == 200);
  w.host.set_now(*parse_rfc3339("2030-01-07T08:00:00Z"));  // inside the 50 % tier
  HttpResponse cancelled = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  REQUIRE(cancelled.status == 200);
  REQUIRE(w.stripe.refund_forms[pi].size() == 1);
  const auto& form = w.stripe.refund_forms[pi][0];
  auto value = [&form](const std::string& k) {
    for (const auto& [key, v] : form)
      if (key == k) return v;
    return std::string();
  };
  CHECK(value("amount") == "5000");
  CHECK(value("reverse_transfer") == "true");
  CHECK(value("refund_application_fee") == "true");
}
