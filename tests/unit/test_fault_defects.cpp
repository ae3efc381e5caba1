// Regressions for defects that only show when something fails: a transient Stripe
// answer during a twin request, a ledger refusal when two instances' clocks disagree,
// sessions slotguard did not create, task ids that wrap, log lines built from
// untrusted text. Each test drives the exact schedule that used to lose a guest's
// slot or money.
#include <catch2/catch.hpp>

#include "slotguard/payments/checkout_link.h"
#include "slotguard/payments/payment_effects.h"
#include "slotguard/host/store_keys.h"
#include "store_service.h"
#include "slotguard/payments/stripe/webhook_signature.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const char* kSlot = "2030-01-02T10:00:00Z";

// Serves the task's pending calls until it waits on Stripe (or finishes).
void run_until_fetch(World& w, Engine& e, TaskId id) {
  while (const HostCall* c = e.pending(id)) {
    if (c->op == HostOp::HttpFetch) return;
    HostCall call = *c;
    REQUIRE(e.resume(id, native::serve_store_call(*w.store, call)));
  }
}

void run_to_end(World& w, Engine& e, TaskId id) {
  for (int guard = 0; guard < 500; ++guard) {
    const HostCall* c = e.pending(id);
    if (!c) return;
    HostCall call = *c;
    REQUIRE(e.resume(id, call.op == HostOp::HttpFetch ? w.stripe.serve(call) : native::serve_store_call(*w.store, call)));
  }
  FAIL("task did not finish");
}

HttpResponse take(Engine& e, TaskId id) {
  REQUIRE(e.response(id));
  HttpResponse r = *e.response(id);
  e.drop(id);
  return r;
}

Reservation only_reservation(World& w) {
  auto all = w.reservations();
  REQUIRE(all.size() == 1);
  return all[0];
}

// Lets the first request's Stripe call finish and checks that it linked its session
// to a hold that is still held. Returns the reservation.
Reservation finish_first_and_check_linked(World& w, TaskId first, const std::string& stripe_key) {
  w.stripe.end_in_flight(stripe_key);
  run_to_end(w, w.engine, first);
  HttpResponse answered = take(w.engine, first);
  REQUIRE(answered.status == 201);
  const Reservation r = only_reservation(w);
  CHECK(r.status == ReservationStatus::PendingPayment);
  CHECK(r.checkout_session_id == w.json_of(answered)["reservation"]["checkout_session_id"]);
  return r;
}

}  // namespace

TEST_CASE("defect: a twin request that meets Stripe's 409 for a key in flight keeps the hold", "[defect][checkout]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  // Request 1 holds the slot and waits on Stripe, which is still executing it.
  TaskId first = w.engine.start(World::create_request("consult", kSlot, "ada@example.com", "K"));
  run_until_fetch(w, w.engine, first);
  const HostCall* create = w.engine.pending(first);
  REQUIRE(create);
  const std::string stripe_key = native::FakeStripe::idempotency_key_of(*create);
  w.stripe.begin_in_flight(stripe_key);

  // The client retries with the same key: the replay reaches Stripe and gets 409.
  HttpResponse twin = w.call(World::create_request("consult", kSlot, "ada@example.com", "K"));
  CHECK(twin.status == 503);
  CHECK(error_code(w, twin) == "payment_provider_unavailable");
  CHECK(header(twin, "Retry-After") != nullptr);
  CHECK(only_reservation(w).status == ReservationStatus::PendingPayment);

  // Request 1's answer arrives: it links and hands out a checkout for a held slot.
  const Reservation r = finish_first_and_check_linked(w, first, stripe_key);
  CHECK(w.stripe.sessions().at(r.checkout_session_id).status == "open");
  CHECK(w.call(World::create_request("consult", kSlot, "rival@example.com")).status == 409);
  // And the retry now answers the same reservation.
  HttpResponse again = w.call(World::create_request("consult", kSlot, "ada@example.com", "K"));
  CHECK(again.status == 201);
  CHECK(w.json_of(again)["reservation"]["id"] == r.id);
}

TEST_CASE("defect: a transient failure never releases a hold a twin already linked", "[defect][checkout]") {
  const HostReply failures[] = {{1, "timeout"},
                                {0, encode_fetch_reply(429, R"({"error":{"type":"rate_limit_error"}})")},
                                {0, encode_fetch_reply(503, R"({"error":{"type":"api_error"}})")}};
  for (const HostReply& failure : failures) {
    World w;
    REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
    TaskId first = w.engine.start(World::create_request("consult", kSlot, "ada@example.com", "K"));
    run_until_fetch(w, w.engine, first);
    // The retry reads the hold unlinked and goes to Stripe too.
    TaskId twin = w.engine.start(World::create_request("consult", kSlot, "ada@example.com", "K"));
    run_until_fetch(w, w.engine, twin);
    REQUIRE(w.engine.pending(twin));
    // Request 1 completes and hands out its checkout.
    run_to_end(w, w.engine, first);
    HttpResponse answered = take(w.engine, first);
    REQUIRE(answered.status == 201);
    // The twin's Stripe call fails transiently.
    REQUIRE(w.engine.resume(twin, failure));
    run_to_end(w, w.engine, twin);
    HttpResponse late = take(w.engine, twin);
    CHECK((late.status == 503 || late.status == 201));
    const Reservation r = only_reservation(w);
    CHECK(r.status == ReservationStatus::PendingPayment);
    CHECK(r.checkout_session_id == w.json_of(answered)["reservation"]["checkout_session_id"]);
    CHECK(w.call(World::create_request("consult", kSlot, "rival@example.com")).status == 409);
  }
}

TEST_CASE("defect: the sweep overlapping a slow create neither releases nor strands the hold", "[defect][checkout]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  TaskId first = w.engine.start(World::create_request("consult", kSlot, "ada@example.com", "K"));
  run_until_fetch(w, w.engine, first);
  const std::string stripe_key = native::FakeStripe::idempotency_key_of(*w.engine.pending(first));
  w.stripe.begin_in_flight(stripe_key);
  // Stripe is slow; the sweep finds an unlinked hold older than its threshold.
  w.host.advance(3 * kMinuteMs);
  HttpResponse sw = w.sweep();
  REQUIRE(sw.status == 200);
  CHECK(only_reservation(w).status == ReservationStatus::PendingPayment);
  const Reservation r = finish_first_and_check_linked(w, first, stripe_key);
  // Every session that is still open is the one handed out.
  for (const auto& [sid, s] : w.stripe.sessions())
    if (s.status == "open") CHECK(sid == r.checkout_session_id);
}

TEST_CASE("defect: a ledger refusal under clock skew ends in a refund, never a silent duplicate", "[defect][payment]") {
  // Instance B runs 10 s behind instance A; both share the store and Stripe.
  World w;
  native::SimHost behind(2, w.host.now_ms());
  Engine b(test_config(), behind);
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kSlot, "first@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  const std::string sid = w.json_of(held)["reservation"]["checkout_session_id"];
  const std::string pi = w.stripe.pay(sid);  // paid in time; the webhook is late

  // A, 4 s past the hold's expiry by its clock, gives the slot to a rival.
  const Reservation first = only_reservation(w);
  w.host.set_now(first.expires_at + 4'000);
  behind.set_now(first.expires_at - 6'000);
  HttpResponse rival = w.call(World::create_request("consult", kSlot, "rival@example.com"));
  REQUIRE(rival.status == 201);

  // The payment webhook reaches B, whose clock still sees the first hold live.
  HttpRequest hook = make_request("POST", "/v1/stripe/webhook", w.stripe.event_body("evt_late", "checkout.session.completed", sid),
                                  {{"Stripe-Signature", stripe_signature_header("whsec_test_secret", behind.now_ms() / 1000,
                                                                                w.stripe.event_body("evt_late", "checkout.session.completed", sid))}});
  TaskId t = b.start(hook);
  run_to_end(w, b, t);
  HttpResponse answer = take(b, t);
  // Either the refund is decided now, or Stripe is asked to retry; never a 200 that
  // records nothing.
  if (answer.status == 200) {
    CHECK(w.json_of(answer)["outcome"] == "refunded");
    CHECK(w.json_of(answer)["duplicate"] == false);
  } else {
    CHECK(answer.status == 503);
  }
  auto items = w.store->read({keys::reservation(rid), keys::webhook_event("evt_late")});
  REQUIRE(items);
  const auto after = reservation_from_storage((*items)[0].value);
  REQUIRE(after);
  if (answer.status == 200) {
    CHECK(after->status == ReservationStatus::Refunded);
    CHECK(w.stripe.refunds.count(pi) == 1);
    CHECK((*items)[1].present());
  } else {
    CHECK_FALSE((*items)[1].present());  // not recorded: the redelivery decides again
  }
}

TEST_CASE("defect: only a session slotguard created, for the right amount, confirms a reservation", "[defect][payment]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  w.stripe.fail_creates_in_transport = 1;  // the hold stays unlinked
  HttpResponse held = w.call(World::create_request("consult", kSlot, "first@example.com", "K"));
  REQUIRE(held.status == 503);
  const Reservation r = only_reservation(w);
  REQUIRE(r.checkout_session_id.empty());

  auto event = [&](const std::string& id, Json session) {
    Json body = {{"id", id}, {"object", "event"}, {"type", "checkout.session.completed"}, {"livemode", false},
                 {"data", {{"object", session}}}};
    return w.call(w.webhook(body.dump()));
  };
  Json foreign = {{"id", "cs_foreign"},       {"object", "checkout.session"}, {"status", "complete"},
                  {"payment_status", "paid"}, {"client_reference_id", r.id},  {"amount_total", 5000},
                  {"currency", "eur"},        {"payment_intent", "pi_foreign"}};
  SECTION("a session of another app naming the reservation") {
    HttpResponse res = event("evt_foreign", foreign);
    CHECK(res.status == 200);
    CHECK(w.json_of(res)["outcome"] == "foreign_session");
    CHECK(only_reservation(w).status == ReservationStatus::PendingPayment);
    CHECK(only_reservation(w).checkout_session_id.empty());
  }
  SECTION("slotguard's metadata but another amount, currency or mode") {
    foreign["metadata"] = {{"reservation_id", r.id}};
    for (auto [field, value] : {std::pair<const char*, Json>{"amount_total", 1}, {"currency", "usd"}, {"livemode", true}}) {
      Json s = foreign;
      s[field] = value;
      HttpResponse res = event(std::string("evt_") + field, s);
      CHECK(res.status == 200);
      CHECK(only_reservation(w).status == ReservationStatus::PendingPayment);
    }
  }
  SECTION("the session slotguard created, whose answer was lost, confirms and links") {
    foreign["metadata"] = {{"reservation_id", r.id}};
    foreign["id"] = "cs_ours";
    HttpResponse res = event("evt_ours", foreign);
    CHECK(res.status == 200);
    CHECK(w.json_of(res)["outcome"] == "confirmed");
    CHECK(only_reservation(w).status == ReservationStatus::Confirmed);
    CHECK(only_reservation(w).checkout_session_id == "cs_ours");
  }
}

TEST_CASE("defect: a paid session that lost the link race is refunded, once", "[defect][payment]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kSlot, "first@example.com"));
  REQUIRE(held.status == 201);
  const Reservation r = only_reservation(w);
  Json orphan = {{"id", "cs_orphan"},         {"object", "checkout.session"},   {"status", "complete"},
                 {"payment_status", "paid"},  {"client_reference_id", r.id},    {"metadata", {{"reservation_id", r.id}}},
                 {"amount_total", 5000},      {"currency", "eur"},              {"payment_intent", "pi_orphan"}};
  Json body = {{"id", "evt_orphan"}, {"object", "event"}, {"type", "checkout.session.completed"}, {"data", {{"object", orphan}}}};
  w.stripe.fail_refunds = 1;
  HttpResponse first = w.call(w.webhook(body.dump()));
  CHECK(first.status == 503);  // the refund did not go through: Stripe redelivers
  w.host.advance(kMinuteMs);
  HttpResponse second = w.call(w.webhook(body.dump()));
  CHECK(second.status == 200);
  CHECK(w.json_of(second)["outcome"] == "orphan_refunded");
  CHECK(w.stripe.refunds_made["pi_orphan"] == 1);
  CHECK(w.call(w.webhook(body.dump())).status == 200);
  CHECK(w.stripe.refunds_made["pi_orphan"] == 1);
  CHECK(only_reservation(w).status == ReservationStatus::PendingPayment);  // its own session is untouched
}

TEST_CASE("defect: task ids wrap around live tasks instead of overwriting them", "[defect][engine]") {
  World w;
  TaskId low = w.engine.start(make_request("GET", "/v1/events/consult"));
  REQUIRE(w.engine.state(low) == TaskState::Waiting);
  w.engine.set_next_task_id_for_testing(Engine::kMaxTaskId);
  TaskId top = w.engine.start(make_request("GET", "/v1/events/consult"));
  CHECK(top == Engine::kMaxTaskId);
  w.engine.set_next_task_id_for_testing(low);  // the wrapped counter lands on a live task
  TaskId next = w.engine.start(make_request("GET", "/v1/events/consult"));
  CHECK(next != low);
  CHECK(next != top);
  CHECK(w.engine.in_flight() == 3);
  CHECK(w.engine.state(low) == TaskState::Waiting);
}

TEST_CASE("defect: log lines stay JSON whatever text reaches them", "[defect][logs]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse held = w.call(World::create_request("consult", kSlot, "first@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = w.json_of(held)["reservation"]["id"];
  Json odd = {{"id", "cs_\"quoted\"\n,\"event\":\"forged"}, {"object", "checkout.session"}, {"status", "complete"},
              {"payment_status", "paid"},                    {"client_reference_id", rid},     {"amount_total", 5000},
              {"currency", "eur"},                           {"payment_intent", "pi_x"}};
  Json body = {{"id", "evt_odd"}, {"object", "event"}, {"type", "checkout.session.completed"}, {"data", {{"object", odd}}}};
  CHECK(w.call(w.webhook(body.dump())).status == 200);
  REQUIRE_FALSE(w.host.logs().empty());
  for (const auto& line : w.host.logs()) {
    INFO(line);
    auto j = read_json(line, 8);
    REQUIRE(j);
    CHECK(j->is_object());
    CHECK(line.find('\n') == std::string::npos);
  }
}

TEST_CASE("defect: a long Stripe outage lets an unlinked hold lapse instead of extending it", "[defect][checkout]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  w.stripe.fail_creates_in_transport = 100;
  REQUIRE(w.call(World::create_request("consult", kSlot, "ada@example.com", "K")).status == 503);
  const Reservation first = only_reservation(w);
  // Within the first minutes, a retry re-plans the hold and tries Stripe again.
  w.host.advance(2 * kMinuteMs);
  REQUIRE(w.call(World::create_request("consult", kSlot, "ada@example.com", "K")).status == 503);
  const Reservation renewed = only_reservation(w);
  CHECK(renewed.checkout_attempt == first.checkout_attempt + 1);
  CHECK(renewed.expires_at > first.expires_at);
  // Past the limit, nothing extends it any more and Stripe is left alone.
  w.host.advance(kMaxCheckoutOpenDelayMs);
  const size_t calls = w.stripe.calls().size();
  CHECK(w.call(World::create_request("consult", kSlot, "ada@example.com", "K")).status == 503);
  REQUIRE(w.sweep().status == 200);
  CHECK(w.stripe.count("POST /v1/checkout/sessions") == calls);
  CHECK(only_reservation(w).expires_at == renewed.expires_at);
  // It lapses at its expiry and the sweep releases it.
  w.host.set_now(renewed.expires_at + 1);
  REQUIRE(w.sweep().status == 200);
  CHECK(only_reservation(w).status == ReservationStatus::Released);
  w.stripe.fail_creates_in_transport = 0;  // Stripe is back: the slot is free for anyone
  CHECK(w.call(World::create_request("consult", kSlot, "rival@example.com")).status == 201);
}

TEST_CASE("defect: a hold whose transaction ran late is planned from its commit, not from the request", "[defect][hold]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  TaskId id = w.engine.start(World::create_request("consult", kSlot, "late@example.com"));
  // The first read (event, idempotency key) is answered; then the task stalls for 40
  // minutes, longer than the checkout lifetime, before its transaction reads.
  const HostCall* first = w.engine.pending(id);
  REQUIRE(first);
  HostCall call = *first;
  REQUIRE(w.engine.resume(id, native::serve_store_call(*w.store, call)));
  w.host.advance(40 * 60'000);
  run_to_end(w, w.engine, id);
  HttpResponse answered = take(w.engine, id);
  REQUIRE(answered.status == 201);
  const Reservation r = only_reservation(w);
  CHECK(r.status == ReservationStatus::PendingPayment);
  CHECK(r.active_at(w.host.now_ms()));  // it holds the slot it was answered for
  CHECK(r.expires_at >= w.host.now_ms() + 30 * 60'000);
  CHECK(r.created_at == w.host.now_ms());
}
