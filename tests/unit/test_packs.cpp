// Prepaid packs: an event type sells packs of sessions, a guest buys one through
// Checkout, and books with its credits; each booking takes its credit in the hold's own
// commit, with no Stripe call. A cancellation its terms refund in full gives the credit
// back; a late one, or one after the pack expired, does not. Guests racing for the last
// credit never overdraw the pack, over every interleaving of their steps.
#include <catch2/catch.hpp>

#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

const Json kOffers = Json::array({{{"sessions", 3}, {"price", {{"amount", 12000}, {"currency", "eur"}}}, {"valid_days", 30}},
                                  {{"sessions", 10}, {"price", {{"amount", 35000}, {"currency", "eur"}}}, {"valid_days", 365}}});

HttpResponse put_event(World& w, const Json& packs, const Json& cancellation = nullptr) {
  Json body = {{"expert_id", "ada"}, {"title", "Coaching"}, {"duration_minutes", 60}, {"slot_step_minutes", 60},
               {"price", {{"amount", 5000}, {"currency", "eur"}}}, {"cancellation", cancellation}};
  if (!packs.is_null()) body["packs"] = packs;
  return w.call(admin_request("PUT", "/v1/events/coaching", body.dump()));
}

void start_world(World& w, const Json& cancellation = nullptr) {
  w.stripe.clock = [&w] { return w.host.now_ms(); };
  w.host.set_now(*parse_rfc3339("2030-01-05T10:00:00Z"));
  REQUIRE(put_event(w, kOffers, cancellation).status == 201);
}

HttpRequest buy_request(int64_t sessions, const std::string& email, const std::string& key = {}) {
  Json body = {{"event_id", "coaching"}, {"sessions", sessions}, {"guest", {{"email", email}, {"name", "Guest"}}}};
  HeaderList h{{"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Idempotency-Key", key);
  return make_request("POST", "/v1/packs", body.dump(), h);
}

HttpRequest book_request(const std::string& pack, const std::string& start, const std::string& email) {
  Json body = {{"event_id", "coaching"}, {"start", start}, {"guest", {{"email", email}, {"name", "Guest"}}}, {"pack_id", pack}};
  return make_request("POST", "/v1/reservations", body.dump(), {{"Content-Type", "application/json"}});
}

Json pack_of(World& w, const std::string& id) {
  const HttpResponse r = w.call(make_request("GET", "/v1/packs/" + id));
  REQUIRE(r.status == 200);
  return w.json_of(r)["pack"];
}

// A pack of `sessions` bought and paid by `email`: its id.
std::string paid_pack(World& w, int64_t sessions, const std::string& email = "g@example.com") {
  const HttpResponse bought = w.call(buy_request(sessions, email));
  INFO(bought.body);
  REQUIRE(bought.status == 201);
  const std::string id = w.json_of(bought)["pack"]["id"];
  const std::string url = w.json_of(bought)["pack"]["checkout_url"];
  const std::string sid = url.substr(url.rfind('/') + 1);
  w.stripe.pay(sid);
  const HttpResponse hook = w.call(w.webhook(w.stripe.emit_event("evt_paid_" + id, "checkout.session.completed", sid)));
  REQUIRE(hook.status == 200);
  REQUIRE(w.json_of(hook)["outcome"] == "pack_activated");
  return id;
}

// The pack as stored (for checks between scheduler steps, where no request may run).
std::optional<Pack> stored_pack(World& w, const std::string& id) {
  auto got = w.store->read({keys::pack(id)});
  if (!got || got->empty() || (*got)[0].version == 0) return std::nullopt;
  return pack_from_storage((*got)[0].value);
}

}  // namespace

TEST_CASE("packs: an event type's offers are read by name and shown back", "[packs]") {
  World w;
  start_world(w);
  const Json ev = w.json_of(w.call(make_request("GET", "/v1/events/coaching")))["event"];
  CHECK(ev["packs"] == kOffers);
  Json wrong = kOffers;
  wrong[1]["price"]["currency"] = "usd";
  CHECK(w.json_of(put_event(w, wrong))["error"]["message"] == "packs[1].price.currency must be the event type's (eur)");
  wrong = kOffers;
  wrong[1]["sessions"] = 3;
  CHECK(w.json_of(put_event(w, wrong))["error"]["message"] == "packs[1].sessions repeats packs[0]'s (one pack of each size)");
  wrong = kOffers;
  wrong[0]["valid_days"] = 0;
  CHECK(w.json_of(put_event(w, wrong))["error"]["message"] == "packs[0].valid_days must be an integer from 1 to 3650");
  wrong = kOffers;
  wrong[0]["refundable"] = true;
  CHECK(w.json_of(put_event(w, wrong))["error"]["message"] == "unknown field packs[0].refundable");
}

TEST_CASE("packs: buying opens a Checkout Session for the offer; its payment activates the pack", "[packs]") {
  World w;
  start_world(w);
  const HttpResponse bought = w.call(buy_request(3, "g@example.com"));
  REQUIRE(bought.status == 201);
  const Json pack = w.json_of(bought)["pack"];
  CHECK(pack["status"] == "pending_payment");
  CHECK(pack["credits_left"] == 3);
  CHECK(pack["expires_at"].is_null());
  CHECK(pack["price"] == Json({{"amount", 12000}, {"currency", "eur"}}));
  REQUIRE(w.stripe.calls().size() == 1);
  CHECK(w.stripe.calls()[0].path == "/v1/checkout/sessions");
  const std::string id = paid_pack(w, 10);
  const Json active = pack_of(w, id);
  CHECK(active["status"] == "active");
  CHECK(active["credits_left"] == 10);
  CHECK(active["expires_at"] == "2031-01-05T10:00:00Z");  // 365 days from the payment
  // The same event delivered again is a duplicate and changes nothing.
  const auto before = snapshot(w);
  CHECK(w.call(make_request("GET", "/v1/packs/pak_nonexistent0")).status == 404);
  CHECK(same_store(before, snapshot(w)));
}

TEST_CASE("packs: a size not sold, an event type selling none, or an unknown field is refused by name", "[packs]") {
  World w;
  start_world(w);
  CHECK(w.json_of(w.call(buy_request(5, "g@example.com")))["error"]["message"] ==
        "sessions must be the size of one of the event type's packs: 3, 10");
  REQUIRE(put_event(w, nullptr).status == 200);
  CHECK(w.json_of(w.call(buy_request(3, "g@example.com")))["error"]["message"] == "this event type sells no packs");
  const HttpResponse odd = w.call(make_request("POST", "/v1/packs", R"({"event_id":"coaching","sessions":3,"guest":{"email":"g@example.com","name":"G"},"discount":5})"));
  CHECK(w.json_of(odd)["error"]["message"] == "unknown field discount");
  CHECK(w.stripe.calls().empty());
}

TEST_CASE("packs: the same request under one Idempotency-Key buys once", "[packs]") {
  World w;
  start_world(w);
  const HttpResponse a = w.call(buy_request(3, "g@example.com", "key-1"));
  const HttpResponse b = w.call(buy_request(3, "g@example.com", "key-1"));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  CHECK(w.json_of(a)["pack"]["id"] == w.json_of(b)["pack"]["id"]);
  REQUIRE(header(b, "Idempotent-Replayed"));
  CHECK(w.stripe.count("POST /v1/checkout/sessions") == 1);
  CHECK(error_code(w, w.call(buy_request(10, "g@example.com", "key-1"))) == "idempotency_key_reused");
}

TEST_CASE("packs: a booking with a credit is confirmed in its own commit, with no Stripe call", "[packs]") {
  World w;
  start_world(w);
  const std::string pack = paid_pack(w, 3);
  const size_t stripe_calls = w.stripe.calls().size();
  const HttpResponse booked = w.call(book_request(pack, "2030-01-07T09:00:00Z", "G@example.com"));  // e-mail case differs
  INFO(booked.body);
  REQUIRE(booked.status == 201);
  const Json r = w.json_of(booked)["reservation"];
  CHECK(r["status"] == "confirmed");
  CHECK(r["pack_id"] == pack);
  CHECK(r["credit_returned"] == false);
  CHECK_FALSE(w.json_of(booked).contains("checkout_url"));
  CHECK(w.stripe.calls().size() == stripe_calls);
  CHECK(pack_of(w, pack)["credits_left"] == 2);
  // The slot is taken like any confirmed booking's.
  CHECK(error_code(w, w.call(World::create_request("coaching", "2030-01-07T09:00:00Z", "x@example.com"))) == "slot_unavailable");
}

TEST_CASE("packs: a pack pays only for its own guest and event type, once paid, unexpired, with a credit", "[packs]") {
  World w;
  start_world(w);
  const HttpResponse pending = w.call(buy_request(3, "g@example.com"));
  const std::string unpaid = w.json_of(pending)["pack"]["id"];
  CHECK(error_code(w, w.call(book_request(unpaid, "2030-01-07T09:00:00Z", "g@example.com"))) == "pack_not_paid");
  CHECK(error_code(w, w.call(book_request("pak_0000000000000000", "2030-01-07T09:00:00Z", "g@example.com"))) == "pack_not_found");
  const std::string pack = paid_pack(w, 3);
  CHECK(w.json_of(w.call(book_request(pack, "2030-01-07T09:00:00Z", "other@example.com")))["error"]["message"] ==
        "pack_id is a pack bought under another guest.email");
  for (int i = 0; i < 3; ++i)
    REQUIRE(w.call(book_request(pack, "2030-01-07T1" + std::to_string(i) + ":00:00Z", "g@example.com")).status == 201);
  const auto before = snapshot(w);
  CHECK(error_code(w, w.call(book_request(pack, "2030-01-08T09:00:00Z", "g@example.com"))) == "pack_used_up");
  CHECK(same_store(before, snapshot(w)));
  const std::string later = paid_pack(w, 3);
  w.host.advance(31 * kDayMs);
  CHECK(error_code(w, w.call(book_request(later, "2030-02-07T09:00:00Z", "g@example.com"))) == "pack_expired");
  const HttpResponse series = w.call(make_request(
      "POST", "/v1/reservations",
      Json({{"event_id", "coaching"}, {"starts", {"2030-02-07T09:00:00Z", "2030-02-08T09:00:00Z"}},
            {"guest", {{"email", "g@example.com"}, {"name", "G"}}}, {"pack_id", later}}).dump()));
  CHECK(w.json_of(series)["error"]["message"] == "pack_id pays for one booking: give start, not starts");
}

TEST_CASE("packs: a cancellation refunded in full gives the credit back; a late one or an expired pack does not",
          "[packs]") {
  World w;
  // Cancelled a day ahead: the whole price; later, nothing.
  start_world(w, Json{{"tiers", {{{"before_minutes", 1440}, {"refund_percent", 100}}}}});
  const std::string pack = paid_pack(w, 3);
  const auto book = [&](const std::string& start) {
    const HttpResponse r = w.call(book_request(pack, start, "g@example.com"));
    REQUIRE(r.status == 201);
    return std::string(w.json_of(r)["reservation"]["id"]);
  };
  const auto cancel = [&](const std::string& rid) {
    const HttpResponse r = w.call(make_request("DELETE", "/v1/reservations/" + rid));
    REQUIRE(r.status == 200);
    return w.json_of(r)["reservation"];
  };
  const std::string early = book("2030-01-09T09:00:00Z");
  const std::string late = book("2030-01-05T15:00:00Z");  // five hours ahead: past the full-refund window
  CHECK(pack_of(w, pack)["credits_left"] == 1);
  const Json back = cancel(early);
  CHECK(back["status"] == "released");
  CHECK(back["credit_returned"] == true);
  CHECK_FALSE(back.contains("refund"));
  CHECK(pack_of(w, pack)["credits_left"] == 2);
  const Json spent = cancel(late);
  CHECK(spent["credit_returned"] == false);
  CHECK(pack_of(w, pack)["credits_left"] == 2);
  CHECK(w.stripe.count("POST /v1/refunds") == 0);
  // Booked, then the pack expires: cancelling gives nothing back.
  const std::string far = book("2030-03-01T09:00:00Z");
  w.host.advance(31 * kDayMs);
  CHECK(cancel(far)["credit_returned"] == false);
  CHECK(pack_of(w, pack)["credits_left"] == 1);
}

TEST_CASE("packs: a checkout that expires unpaid lapses the pack", "[packs]") {
  World w;
  start_world(w);
  const HttpResponse bought = w.call(buy_request(3, "g@example.com"));
  const std::string id = w.json_of(bought)["pack"]["id"];
  const std::string url = w.json_of(bought)["pack"]["checkout_url"];
  const std::string sid = url.substr(url.rfind('/') + 1);
  const HttpResponse hook = w.call(w.webhook(w.stripe.emit_event("evt_exp", "checkout.session.expired", sid)));
  CHECK(w.json_of(hook)["outcome"] == "pack_lapsed");
  CHECK(pack_of(w, id)["status"] == "lapsed");
  CHECK(error_code(w, w.call(book_request(id, "2030-01-07T09:00:00Z", "g@example.com"))) == "pack_not_paid");
}

namespace {

struct CreditRace {
  size_t schedules = 0;
  std::string violation;
};

// Between any two steps: the pack is never overdrawn, and its spent credits are exactly
// the bookings it paid for that stand, plus those cancelled too late for the credit.
std::string credit_check(World& w, const std::string& pack) {
  const std::optional<Pack> p = stored_pack(w, pack);
  if (!p || p->used > p->sessions) return "the pack was overdrawn";
  int64_t spent = 0;
  for (const auto& r : w.reservations())
    spent += r.pack_id == pack && (r.status == ReservationStatus::Confirmed || !r.credit_returned);
  return spent == p->used ? "" : "bookings and spent credits disagree";
}

// `k` guests' bookings (distinct starts) racing for a pack's `credits` last credits;
// with `cancel`, the guest also cancels an earlier booking (a day ahead: its credit
// comes back) while they race.
void credit_race_once(const native::Chooser& choose, size_t k, int64_t credits, bool cancel, CreditRace& out) {
  World w;
  start_world(w, Json{{"tiers", {{{"before_minutes", 1440}, {"refund_percent", 100}}}}});
  const std::string pack = paid_pack(w, 3);
  std::string earlier;
  for (int64_t spent = 0; spent < 3 - credits; ++spent) {
    const HttpResponse r = w.call(book_request(pack, "2030-01-08T1" + std::to_string(spent) + ":00:00Z", "g@example.com"));
    REQUIRE(r.status == 201);
    earlier = w.json_of(r)["reservation"]["id"];
  }
  std::vector<TaskId> ids;
  for (size_t i = 0; i < k; ++i)
    ids.push_back(w.sched.submit(book_request(pack, "2030-01-07T1" + std::to_string(i) + ":00:00Z", "g@example.com")));
  if (cancel) w.sched.submit(make_request("DELETE", "/v1/reservations/" + earlier));
  w.sched.run(choose, [&] {
    out.violation = credit_check(w, pack);
    return out.violation.empty();
  });
  ++out.schedules;
  if (!out.violation.empty()) return;
  int64_t won = 0;
  for (TaskId id : ids) {
    const HttpResponse* r = w.engine.response(id);
    if (r && r->status == 201) ++won;
    else if (!r || error_code(w, *r) != "pack_used_up") out.violation = "a loser was not told the pack is used up";
  }
  const int64_t most = std::min<int64_t>(credits + (cancel ? 1 : 0), static_cast<int64_t>(k));
  if (won > most || won < std::min<int64_t>(credits, static_cast<int64_t>(k)))
    out.violation = std::to_string(won) + " bookings won";
}

}  // namespace

TEST_CASE("packs: three guests for the last credit, every schedule: exactly one books", "[packs][interleaving]") {
  CreditRace res;
  native::every_schedule([&](const native::Chooser& choose) {
    credit_race_once(choose, 3, 1, false, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  CHECK(res.schedules >= 150);
}

TEST_CASE("packs: two bookings for the last credit while a cancellation gives one back, every schedule",
          "[packs][interleaving]") {
  CreditRace res;
  native::every_schedule([&](const native::Chooser& choose) {
    credit_race_once(choose, 2, 1, true, res);
    return res.violation.empty();
  });
  INFO("schedules " << res.schedules << ": " << res.violation);
  REQUIRE(res.violation.empty());
  CHECK(res.schedules >= 150);
}

TEST_CASE("packs: up to 6 bookings for 1 or 2 credits, seeded random schedules", "[packs][interleaving]") {
  CreditRace res;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    credit_race_once(native::random_chooser(seed), 2 + seed % 5, 1 + static_cast<int64_t>(seed % 2), seed % 3 == 0, res);
    INFO("seed " << seed);
    REQUIRE(res.violation.empty());
  }
}
