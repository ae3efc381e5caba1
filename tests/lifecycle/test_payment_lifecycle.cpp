// The payment lifecycle, explored: every order of a reservation's webhook deliveries
// (each delivered twice), interleaved with the hold expiring, a sweep, and a rival
// guest trying the same slot. After every action: no double booking. At the end: a
// paid session is confirmed or refunded (refunded exactly once), and no pending hold
// outlives its expiry once a sweep has run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "slotguard/payments/payment_effects.h"
#include "slotguard/host/store_keys.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

enum Action { kPaid, kUnpaid, kAsyncOk, kAsyncFail, kExpiredEvt, kClockPastHold, kSweep, kRival };

const char* kSlot = "2030-01-02T10:00:00Z";

struct Booking {
  std::string rid, session;
};

Booking book(World& w, const std::string& email) {
  HttpResponse r = w.call(World::create_request("short", kSlot, email));
  REQUIRE(r.status == 201);
  auto j = w.json_of(r);
  return {j["reservation"]["id"].get<std::string>(), j["reservation"]["checkout_session_id"].get<std::string>()};
}

Reservation load(World& w, const std::string& rid) {
  auto items = w.store->read({keys::reservation(rid)});
  return *reservation_from_storage((*items)[0].value);
}

struct Outcome {
  std::string violation;
  Reservation final;
  size_t refunds = 0;
};

Outcome run_order(const std::vector<Action>& order) {
  World w(11);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "payer@example.com");
  bool swept_after_expiry = false, expired = false;
  int evt = 0;
  auto deliver = [&](const std::string& type, int copy) {
    // Each action kind has its own event id; the second copy is a duplicate delivery.
    std::string id = "evt_" + type.substr(17) + "_" + std::to_string(copy);
    HttpResponse r = w.call(w.webhook(w.stripe.event_body(id, type, b.session)));
    if (r.status != 200) FAIL("webhook answered " << r.status << " " << r.body);
  };
  std::map<Action, int> seen;
  for (Action a : order) {
    int copy = seen[a]++;  // same id for both copies of an action: duplicates
    (void)copy;
    switch (a) {
      case kPaid:
        if (w.stripe.sessions()[b.session].payment_intent.empty()) w.stripe.pay(b.session);
        deliver("checkout.session.completed", 0);
        break;
      case kUnpaid:
        if (w.stripe.sessions()[b.session].payment_intent.empty())
          w.stripe.pay_with_voucher(b.session, w.host.now_ms() / 1000 + 3 * 86400);
        deliver("checkout.session.completed", 1);
        break;
      case kAsyncOk:
        if (w.stripe.sessions()[b.session].payment_intent.empty()) w.stripe.pay_with_voucher(b.session, 0);
        w.stripe.settle_voucher(b.session, true);
        deliver("checkout.session.async_payment_succeeded", 0);
        break;
      case kAsyncFail:
        if (w.stripe.sessions()[b.session].payment_intent.empty()) w.stripe.pay_with_voucher(b.session, 0);
        w.stripe.settle_voucher(b.session, false);
        deliver("checkout.session.async_payment_failed", 0);
        break;
      case kExpiredEvt:
        deliver("checkout.session.expired", 0);
        break;
      case kClockPastHold:
        if (!expired) w.host.advance(60 * kMinuteMs);
        expired = true;
        break;
      case kSweep:
        REQUIRE(w.sweep().status == 200);
        swept_after_expiry |= expired;
        break;
      case kRival:
        w.call(World::create_request("short", kSlot, "rival" + std::to_string(evt++) + "@example.com"));
        break;
    }
    std::string v = check_no_double_booking(w);
    if (!v.empty()) return {v, {}, 0};
    if (swept_after_expiry) {
      for (const auto& r : w.reservations())
        if (r.status == ReservationStatus::PendingPayment && r.expires_at <= w.host.now_ms() && a == kSweep)
          return {"pending hold outlived its expiry after a sweep: " + r.id, {}, 0};
    }
  }
  Outcome out;
  out.final = load(w, b.rid);
  out.refunds = w.stripe.refunds.size();
  return out;
}

// Every distinct order of a multiset of actions.
size_t explore(std::vector<Action> actions, const std::function<void(const std::vector<Action>&, const Outcome&)>& check) {
  std::sort(actions.begin(), actions.end());
  size_t n = 0;
  do {
    Outcome o = run_order(actions);
    INFO("order #" << n);
    REQUIRE(o.violation.empty());
    check(actions, o);
    ++n;
  } while (std::next_permutation(actions.begin(), actions.end()));
  return n;
}

bool paid_ends_well(const Outcome& o) {
  if (o.final.status == ReservationStatus::Confirmed) return o.refunds == 0;
  if (o.final.status == ReservationStatus::Refunded) return o.refunds == 1 && !o.final.refund_id.empty();
  return false;
}

}  // namespace

TEST_CASE("lifecycle: card payment, every order with duplicates, expiry, sweep and a rival", "[lifecycle]") {
  size_t n = explore({kPaid, kPaid, kClockPastHold, kSweep, kRival}, [](auto&, const Outcome& o) {
    CHECK(paid_ends_well(o));
  });
  INFO("orders explored: " << n);
  CHECK(n == 60);
}

TEST_CASE("lifecycle: abandoned checkout, every order", "[lifecycle]") {
  size_t n = explore({kExpiredEvt, kExpiredEvt, kClockPastHold, kSweep, kRival}, [](auto&, const Outcome& o) {
    CHECK(o.final.status == ReservationStatus::Released);
    CHECK(o.refunds == 0);
  });
  CHECK(n == 60);
}

TEST_CASE("lifecycle: Multibanco that succeeds, every order", "[lifecycle]") {
  size_t n = explore({kUnpaid, kUnpaid, kAsyncOk, kAsyncOk, kClockPastHold, kSweep, kRival},
                     [](auto&, const Outcome& o) { CHECK(paid_ends_well(o)); });
  CHECK(n == 1260);
}

TEST_CASE("lifecycle: Multibanco that fails, every order", "[lifecycle]") {
  size_t n = explore({kUnpaid, kUnpaid, kAsyncFail, kAsyncFail, kClockPastHold, kSweep, kRival},
                     [](auto&, const Outcome& o) {
                       CHECK(o.final.status != ReservationStatus::Confirmed);
                       CHECK(o.refunds == 0);
                     });
  CHECK(n == 1260);
}

TEST_CASE("lifecycle: a voucher holds the slot past the checkout hold", "[lifecycle]") {
  World w(5);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "mb@example.com");
  w.stripe.pay_with_voucher(b.session, w.host.now_ms() / 1000 + 2 * 86400);
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_mb", "checkout.session.completed", b.session))).status == 200);
  w.host.advance(24 * 60 * kMinuteMs);
  REQUIRE(w.sweep().status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::PendingPayment);
  CHECK(w.call(World::create_request("short", kSlot, "rival@example.com")).status == 409);
  w.host.advance(2 * 24 * 60 * kMinuteMs);
  REQUIRE(w.sweep().status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::Released);
}

TEST_CASE("lifecycle: a paid session whose webhooks never arrive is confirmed by the sweep", "[lifecycle][reconcile]") {
  World w(7);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "quiet@example.com");
  w.stripe.pay(b.session);  // no webhook is ever delivered
  w.host.advance(24 * 60 * kMinuteMs);
  HttpResponse sw = w.sweep();
  REQUIRE(sw.status == 200);
  CHECK(w.json_of(sw)["reconciled"] == 1);
  CHECK(w.json_of(sw)["released"] == 0);
  const Reservation r = load(w, b.rid);
  CHECK(r.status == ReservationStatus::Confirmed);
  CHECK_FALSE(r.payment_intent_id.empty());
  CHECK(w.stripe.refunds.empty());
  // The slot stays the guest's, and the webhook that finally arrives changes nothing.
  CHECK(w.call(World::create_request("short", kSlot, "rival@example.com")).status == 409);
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_late", "checkout.session.completed", b.session))).status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::Confirmed);
  // A second sweep finds nothing left to look at.
  CHECK(w.json_of(w.sweep())["reconciled"] == 0);
}

TEST_CASE("lifecycle: a voucher whose webhook never arrives keeps its hold until the voucher lapses",
          "[lifecycle][reconcile]") {
  World w(8);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "mb-quiet@example.com");
  w.stripe.pay_with_voucher(b.session, w.host.now_ms() / 1000 + 2 * 86400);
  w.host.advance(24 * 60 * kMinuteMs);  // past the checkout hold, inside the voucher
  REQUIRE(w.sweep().status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::PendingPayment);
  CHECK(w.call(World::create_request("short", kSlot, "rival@example.com")).status == 409);
  w.host.advance(2 * 24 * 60 * kMinuteMs);  // the voucher lapsed unpaid
  REQUIRE(w.sweep().status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::Released);
}

TEST_CASE("lifecycle: while Stripe cannot say what became of a lapsed hold's session, the hold is kept",
          "[lifecycle][reconcile]") {
  World w(9);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "outage@example.com");
  w.host.advance(24 * 60 * kMinuteMs);
  w.stripe.down = true;
  HttpResponse sw = w.sweep();
  REQUIRE(sw.status == 200);
  CHECK(w.json_of(sw)["failed"] == 2);  // the events pass, and the look at the hold's session
  CHECK(load(w, b.rid).status == ReservationStatus::PendingPayment);
  w.stripe.down = false;
  // A lapsed hold blocks nobody meanwhile.
  CHECK(w.call(World::create_request("short", kSlot, "rival@example.com")).status == 201);
  REQUIRE(w.sweep().status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::Released);
}

TEST_CASE("lifecycle: a refund that fails is retried by the sweep", "[lifecycle]") {
  World w(6);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "late@example.com");
  w.host.advance(60 * kMinuteMs);
  REQUIRE(w.sweep().status == 200);
  REQUIRE(w.call(World::create_request("short", kSlot, "rival@example.com")).status == 201);
  w.stripe.pay(b.session);
  w.stripe.fail_refunds = 1;
  REQUIRE(w.call(w.webhook(w.stripe.event_body("evt_late", "checkout.session.completed", b.session))).status == 200);
  CHECK(load(w, b.rid).status == ReservationStatus::Refunded);
  CHECK(load(w, b.rid).refund_id.empty());
  CHECK(load(w, b.rid).refund_attempts == 1);
  CHECK(w.stripe.refunds.empty());
  // Not before its back-off has passed.
  CHECK(w.json_of(w.sweep())["refunds_retried"] == 0);
  w.host.advance(refund_backoff_ms(1));
  auto sw = w.json_of(w.sweep());
  CHECK(sw["refunds_retried"] == 1);
  CHECK(w.stripe.refunds.size() == 1);
  CHECK_FALSE(load(w, b.rid).refund_id.empty());
}

TEST_CASE("lifecycle: webhook signatures", "[lifecycle][webhook]") {
  World w(8);
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);
  Booking b = book(w, "sig@example.com");
  w.stripe.pay(b.session);
  const std::string body = w.stripe.event_body("evt_sig", "checkout.session.completed", b.session);
  auto before = w.store->list("", "\xff", 100000, "");
  SECTION("missing, malformed, wrong secret, tampered, expired: 400 and nothing changes") {
    for (HttpRequest req : {make_request("POST", "/v1/stripe/webhook", body),
                            make_request("POST", "/v1/stripe/webhook", body, {{"Stripe-Signature", "garbage"}}),
                            make_request("POST", "/v1/stripe/webhook", body, {{"Stripe-Signature", "t=abc,v1=00"}}),
                            w.webhook(body, "whsec_wrong"),
                            w.webhook(body + " ")}) {
      if (req.body.size() > body.size()) req.body = body + "x";  // tampered after signing
      HttpResponse r = w.call(req);
      CHECK(r.status == 400);
      CHECK(w.json_of(r)["error"]["code"] == "invalid_signature");
    }
    HttpRequest old = w.webhook(body);
    w.host.advance(301 * 1000);
    CHECK(w.call(old).status == 400);
    auto after = w.store->list("", "\xff", 100000, "");
    CHECK(after->items.size() == before->items.size());
    CHECK(load(w, b.rid).status == ReservationStatus::PendingPayment);
  }
  SECTION("any matching v1 passes (rotation)") {
    HttpRequest req = w.webhook(body);
    std::string& sig = req.headers[0].second;
    sig = "t=" + std::to_string(w.host.now_ms() / 1000) + ",v1=" + std::string(64, '0') + "," + sig.substr(sig.find("v1="));
    CHECK(w.call(req).status == 200);
    CHECK(load(w, b.rid).status == ReservationStatus::Confirmed);
  }
}

namespace {

// A reservation that lost its slot and waits for its refund, written straight into the
// store with its queue entry, as the payment effect leaves it.
void queue_refund(World& w, const std::string& rid, const std::string& pi, int64_t next_at) {
  Reservation r;
  r.id = rid;
  r.event_id = "short";
  r.expert_id = "ada";
  r.start = r.span_start = w.host.now_ms() + kDayMs;
  r.end = r.span_end = r.start + 30 * kMinuteMs;
  r.guest = {"g@example.com", "G"};
  r.status = ReservationStatus::Refunded;
  r.release_reason = "slot_lost";
  r.payment_intent_id = pi;
  r.refund_next_at = next_at;
  r.price = {5000, "eur"};
  r.created_at = r.updated_at = w.host.now_ms();
  REQUIRE(w.store->commit({}, {{KvMutation::Op::Set, keys::reservation(rid), reservation_to_storage(r)},
                                {KvMutation::Op::Set, keys::refund_queue(next_at, rid), rid}}) == CommitOutcome::Committed);
}

}  // namespace

TEST_CASE("lifecycle: refunds that keep failing never starve the others, and end in a terminal state", "[lifecycle]") {
  World w(9);
  const int64_t t0 = w.host.now_ms();
  for (int i = 0; i < 100; ++i) {
    const std::string pi = "pi_bad_" + std::to_string(i);
    w.stripe.refunds_always_fail.insert(pi);
    queue_refund(w, "rsv_bad_" + std::to_string(100 + i), pi, t0 - 60 * kMinuteMs + i);
  }
  queue_refund(w, "rsv_good", "pi_good", t0);  // queued after all hundred

  // The first sweep tries the hundred that are due first; all fail and move back.
  auto first = w.json_of(w.sweep());
  CHECK(first["failed"] == 100);
  CHECK(first["more"] == true);
  CHECK(w.stripe.refunds.empty());
  // The next sweep reaches the one behind them.
  auto second = w.json_of(w.sweep());
  CHECK(second["refunds_retried"] == 1);
  CHECK(w.stripe.refunds.count("pi_good") == 1);
  CHECK(load(w, "rsv_good").refund_id == w.stripe.refunds["pi_good"]);

  // The failing ones are retried with back-off until they give up, loudly.
  for (int round = 0; round < 40; ++round) {
    w.host.advance(6 * 60 * kMinuteMs);
    REQUIRE(w.sweep().status == 200);
  }
  CHECK(w.engine.metrics().get(Metric::refunds_abandoned_total) == 100);
  const Reservation bad = load(w, "rsv_bad_100");
  CHECK(bad.refund_gave_up);
  CHECK(bad.refund_attempts == kMaxRefundAttempts);
  CHECK(bad.refund_id.empty());
  for (const auto& it : snapshot(w)) CHECK(it.key.rfind("refundq/", 0) != 0);
  bool alerted = false;
  for (const auto& line : w.host.logs()) alerted |= line.find("refund_needs_attention") != std::string::npos;
  CHECK(alerted);
  // Each refund attempt used its own idempotency key (Stripe replays a saved 500).
  std::set<std::string> keys_seen;
  for (const auto& c : w.stripe.calls())
    if (c.path == "/v1/refunds" && c.idempotency_key.find("rsv_bad_100") != std::string::npos) keys_seen.insert(c.idempotency_key);
  CHECK(keys_seen.size() == static_cast<size_t>(kMaxRefundAttempts));
}
