// The reservation flow end to end through the engine: hold, Checkout Session, link;
// conflicts (same slot, overlapping event types, buffers), idempotency, Stripe
// failures, cancellation, hold expiry, availability, event replacement and metrics.
// Finally the happy path and a contest on the SQLite store.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slotguard/api/checkout_return.h"
#include "slotguard/host/config.h"
#include "slotguard/host/fetch_client.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "store_service.h"
#include "slotguard/payments/stripe/stripe_api.h"
#include "slotguard/time/time_rfc3339.h"
#include "world.h"

using namespace slotguard;
using namespace slotguard::testing;

namespace {

constexpr int64_t kT0 = 1'893'456'000'000;  // 2030-01-01T00:00:00Z, where every World starts

const std::string kBearer = std::string("Bearer ") + kAdminToken;

std::optional<Reservation> stored(World& w, const std::string& rid) {
  for (auto& r : w.reservations())
    if (r.id == rid) return r;
  return std::nullopt;
}

std::string rid_of(World& w, const HttpResponse& r) {
  Json j = w.json_of(r);
  if (!j.is_object() || !j.contains("reservation")) return {};
  const std::string* id = json_string(j["reservation"], "id");
  return id ? *id : std::string();
}

HttpRequest book(const std::string& event, const std::string& start, const std::string& email,
                 const std::string& key = {}) {
  return World::create_request(event, start, email, key);
}

// Runs a request to completion, keeping every fetch the core sent (decoded) before
// handing it to the fake Stripe.
HttpResponse call_capturing(World& w, HttpRequest req, std::vector<FetchRequest>& fetches) {
  TaskId id = w.engine.start(std::move(req));
  while (const HostCall* pending = w.engine.pending(id)) {
    HostCall call = *pending;
    HostReply reply;
    if (call.op == HostOp::HttpFetch) {
      auto f = decode_fetch_request(call.payload);
      REQUIRE(f.has_value());
      fetches.push_back(*f);
      reply = w.stripe.serve(call);
    } else {
      reply = native::serve_store_call(*w.store, call);
    }
    REQUIRE(w.engine.resume(id, std::move(reply)));
  }
  REQUIRE(w.engine.response(id) != nullptr);
  HttpResponse out = *w.engine.response(id);
  w.engine.drop(id);
  return out;
}

std::map<std::string, std::string> form_of(const FetchRequest& f) {
  std::vector<std::pair<std::string, std::string>> pairs;
  REQUIRE(parse_query(f.body, pairs));
  std::map<std::string, std::string> out;
  for (auto& [k, v] : pairs) {
    INFO("duplicate form key " << k);
    CHECK(out.count(k) == 0);
    out[k] = v;
  }
  return out;
}

std::string fetch_header(const FetchRequest& f, const std::string& name) {
  for (const auto& [k, v] : f.headers)
    if (iequals(k, name)) return v;
  return "<absent>";
}

Json slots(World& w, const std::string& event, const std::string& from, const std::string& to) {
  HttpResponse r = w.call(make_request("GET", "/v1/events/" + event + "/slots?from=" + from + "&to=" + to));
  REQUIRE(r.status == 200);
  return w.json_of(r);
}

// start -> available
std::map<std::string, bool> availability(const Json& body) {
  std::map<std::string, bool> out;
  for (const auto& s : body["slots"]) out[s["start"].get<std::string>()] = s["available"].get<bool>();
  return out;
}

std::vector<std::string> starts(const Json& body) {
  std::vector<std::string> out;
  for (const auto& s : body["slots"]) out.push_back(s["start"].get<std::string>());
  return out;
}

HttpResponse put_event_json(World& w, const std::string& id, Json body) {
  return w.call(make_request("PUT", "/v1/events/" + id, body.dump(), {{"Authorization", kBearer}}));
}

Json event_json(const std::string& expert, int duration, int step, int notice = 0, int advance_days = 60) {
  return Json{{"expert_id", expert},
              {"title", "Custom"},
              {"duration_minutes", duration},
              {"slot_step_minutes", step},
              {"min_notice_minutes", notice},
              {"max_advance_days", advance_days},
              {"price", {{"amount", 1000}, {"currency", "eur"}}}};
}

// A directory under /tmp for one SQLite database, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/slotguard-flow-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    REQUIRE(d != nullptr);
    dir_ = d;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// The happy path's checks, shared by the memory and SQLite stores.
void check_happy_path(World& w) {
  REQUIRE(w.put_event("consult", "ada", 30, 0, 10, 15).status == 201);
  const int64_t now = w.host.now_ms();
  std::vector<FetchRequest> fetches;
  HttpResponse r = call_capturing(w, book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-1"), fetches);
  REQUIRE(r.status == 201);
  CHECK(header(r, "Idempotent-Replayed") == nullptr);
  REQUIRE(header(r, "Content-Type") != nullptr);
  CHECK(*header(r, "Content-Type") == "application/json");

  Json body = w.json_of(r);
  const Json& view = body["reservation"];
  const std::string rid = view["id"].get<std::string>();
  CHECK(rid.rfind("rsv_", 0) == 0);
  CHECK(rid.size() == 4 + 12 + 32);  // the time in ms, then 16 random bytes, in hex
  CHECK(static_cast<int64_t>(std::stoull(rid.substr(4, 12), nullptr, 16)) == w.host.now_ms());
  CHECK(view["event_id"] == "consult");
  CHECK(view["expert_id"] == "ada");
  CHECK(view["start"] == "2030-01-02T10:00:00Z");
  CHECK(view["end"] == "2030-01-02T10:30:00Z");
  CHECK(view["status"] == "pending_payment");
  CHECK(view["guest"]["email"] == "grace@example.com");
  CHECK(view["guest"]["name"] == "Guest grace@example.com");
  CHECK(view["payment_intent_id"].is_null());
  CHECK_FALSE(view.contains("span_start"));   // internal fields stay internal
  CHECK_FALSE(view.contains("success_url"));

  // Stripe saw exactly one create, for this reservation, and made exactly one session.
  REQUIRE(w.stripe.calls().size() == 1);
  const auto& call = w.stripe.calls()[0];
  CHECK(call.method == "POST");
  CHECK(call.path == "/v1/checkout/sessions");
  CHECK(call.reservation_id == rid);
  CHECK(call.idempotency_key == "slotguard-checkout-" + rid);
  CHECK(call.idempotency_key == checkout_idempotency_key(rid));
  REQUIRE(w.stripe.sessions().size() == 1);
  const auto& [sid, session] = *w.stripe.sessions().begin();

  // The reservation is linked to that session, in the answer, the record and the index.
  CHECK(view["checkout_session_id"] == sid);
  CHECK(body["checkout_url"] == session.url);
  CHECK(session.url == "https://checkout.fake/" + sid);
  auto rec = stored(w, rid);
  REQUIRE(rec.has_value());
  CHECK(rec->checkout_session_id == sid);
  CHECK(rec->checkout_url == session.url);
  CHECK(rec->span_start == rec->start);
  CHECK(rec->span_end == rec->end + 10 * kMinuteMs);
  auto idx = w.store->read({keys::session_index(sid)});
  REQUIRE(idx.has_value());
  CHECK((*idx)[0].value == rid);
  CHECK(view["expires_at"] == format_rfc3339(rec->expires_at));

  // The raw request the core sent.
  REQUIRE(fetches.size() == 1);
  const FetchRequest& f = fetches[0];
  CHECK(f.method == "POST");
  CHECK(f.url == "https://api.stripe.test/v1/checkout/sessions");
  CHECK(fetch_header(f, "Authorization") == "Bearer sk_test_fake");
  CHECK(fetch_header(f, "Stripe-Version") == kStripeApiVersion);
  CHECK(fetch_header(f, "Stripe-Version") == "2024-06-20");
  CHECK(fetch_header(f, "Idempotency-Key") == "slotguard-checkout-" + rid);
  CHECK(fetch_header(f, "Content-Type") == "application/x-www-form-urlencoded");
  auto form = form_of(f);
  CHECK(form["mode"] == "payment");
  CHECK(form["line_items[0][quantity]"] == "1");
  CHECK(form["line_items[0][price_data][currency]"] == "eur");
  CHECK(form["line_items[0][price_data][unit_amount]"] == "5000");
  CHECK(form["line_items[0][price_data][product_data][name]"] == "Session consult");
  CHECK(form["customer_email"] == "grace@example.com");
  CHECK(form["client_reference_id"] == rid);
  CHECK(form["metadata[reservation_id]"] == rid);
  CHECK(form["payment_intent_data[metadata][reservation_id]"] == rid);
  CHECK(form["payment_method_types[0]"] == "card");
  CHECK(form["payment_method_types[1]"] == "multibanco");
  CHECK(form.count("payment_method_types[2]") == 0);
  // No Host in the request: the default return route on http://localhost.
  CHECK(form["success_url"] == "http://localhost/return/?reservation=" + rid + "&outcome=paid");
  CHECK(form["cancel_url"] == "http://localhost/return/?reservation=" + rid + "&outcome=cancelled");
  // The session expires at least 30 minutes out (Stripe's minimum) and before the hold.
  const int64_t expires_s = std::stoll(form["expires_at"]);
  CHECK(std::to_string(expires_s) == form["expires_at"]);  // plain unix seconds
  CHECK(expires_s * 1000 >= now + 30 * kMinuteMs);
  CHECK(expires_s * 1000 <= rec->expires_at);
  CHECK(expires_s * 1000 < rec->expires_at);
  CHECK(expires_s * 1000 == rec->session_expires_at);
  CHECK(rec->expires_at - rec->session_expires_at == test_config().hold_grace_minutes * kMinuteMs);
  CHECK(rec->expires_at - now <= 40 * kMinuteMs);  // a hold is short-lived

  // ... and what the fake Stripe made of it.
  CHECK(session.reservation_id == rid);
  CHECK(session.currency == "eur");
  CHECK(session.amount == 5000);
  CHECK(session.customer_email == "grace@example.com");
  CHECK(session.expires_at == expires_s);
  CHECK(session.status == "open");

  // GET returns the same reservation; unknown ids are 404.
  HttpResponse got = w.call(make_request("GET", "/v1/reservations/" + rid));
  REQUIRE(got.status == 200);
  Json gj = w.json_of(got);
  CHECK(gj["reservation"] == view);
  CHECK(gj["checkout_url"] == session.url);
  HttpResponse missing = w.call(make_request("GET", "/v1/reservations/rsv_00000000000000000000000000000000"));
  CHECK(missing.status == 404);
  CHECK(error_code(w, missing) == "reservation_not_found");
  CHECK(check_no_double_booking(w).empty());
}

void check_contest(World& w) {
  REQUIRE(w.put_event("duel", "zed", 60, 0, 0, 30).status == 201);
  HttpResponse first = w.call(book("duel", "2030-01-03T09:00:00Z", "winner@example.com"));
  REQUIRE(first.status == 201);
  const std::string winner = rid_of(w, first);
  const size_t calls = w.stripe.calls().size();
  auto before = snapshot(w);
  HttpResponse second = w.call(book("duel", "2030-01-03T09:00:00Z", "loser@example.com"));
  CHECK(second.status == 409);
  CHECK(error_code(w, second) == "slot_unavailable");
  CHECK(second.body.find("winner@example.com") == std::string::npos);
  CHECK(second.body.find("Guest winner") == std::string::npos);
  CHECK(second.body.find(winner) == std::string::npos);
  CHECK(second.body.find("rsv_") == std::string::npos);
  CHECK(w.stripe.calls().size() == calls);  // the loser never reached Stripe
  CHECK(same_store(before, snapshot(w)));    // and left no trace
  // Overlapping but not identical: 09:30 for an hour.
  CHECK(w.call(book("duel", "2030-01-03T09:30:00Z", "third@example.com")).status == 409);
  // Back to back is fine.
  CHECK(w.call(book("duel", "2030-01-03T10:00:00Z", "fourth@example.com")).status == 201);
  CHECK(w.call(book("duel", "2030-01-03T08:00:00Z", "fifth@example.com")).status == 201);
  CHECK(check_no_double_booking(w).empty());
}

}  // namespace

TEST_CASE("flow: happy path holds the slot, opens checkout and links it", "[flow]") {
  World w;
  check_happy_path(w);
}

TEST_CASE("flow: a contested slot answers 409 without revealing the holder", "[flow]") {
  World w;
  check_contest(w);
  HttpResponse m = w.call(make_request("GET", "/metrics"));
  CHECK(m.body.find("slotguard_conflicts_total 2\n") != std::string::npos);
}

TEST_CASE("flow: overlaps across event types of one expert conflict, other experts do not", "[flow]") {
  World w;
  REQUIRE(w.put_event("short", "ada", 30, 0, 10, 15).status == 201);  // blocks [t, t+40)
  REQUIRE(w.put_event("long", "ada", 60, 0, 0, 15).status == 201);    // blocks [t, t+60)
  REQUIRE(w.put_event("other", "bob", 60, 0, 0, 15).status == 201);

  REQUIRE(w.call(book("short", "2030-01-02T10:00:00Z", "a@example.com")).status == 201);  // [10:00, 10:40)
  // The same expert through another event type: any overlap with [10:00, 10:40) is refused.
  for (const char* t : {"2030-01-02T10:00:00Z", "2030-01-02T10:30:00Z", "2030-01-02T09:15:00Z", "2030-01-02T09:30:00Z"}) {
    INFO(t);
    HttpResponse r = w.call(book("long", t, "b@example.com"));
    CHECK(r.status == 409);
    CHECK(error_code(w, r) == "slot_unavailable");
  }
  // The buffer after "short" ends at 10:40, so 10:30 is taken but 10:45 is free.
  CHECK(w.call(book("long", "2030-01-02T10:45:00Z", "c@example.com")).status == 201);  // [10:45, 11:45)
  CHECK(w.call(book("long", "2030-01-02T09:00:00Z", "d@example.com")).status == 201);  // [09:00, 10:00): touches
  // Another expert is not affected at the very same time.
  CHECK(w.call(book("other", "2030-01-02T10:00:00Z", "e@example.com")).status == 201);
  CHECK(w.call(book("other", "2030-01-02T10:30:00Z", "f@example.com")).status == 409);  // bob's own overlap
  CHECK(check_no_double_booking(w).empty());
  CHECK(w.stripe.sessions().size() == 4);
  // Availability of one event type reflects bookings made through the other.
  auto longs = availability(slots(w, "long", "2030-01-02T08:00:00Z", "2030-01-02T09:00:00Z"));
  CHECK(longs["2030-01-02T08:00:00Z"] == true);   // [08:00, 09:00) touches the 09:00 booking
  CHECK(longs["2030-01-02T08:15:00Z"] == false);  // reaches into it
  auto others = availability(slots(w, "other", "2030-01-02T09:00:00Z", "2030-01-02T11:30:00Z"));
  CHECK(others["2030-01-02T09:00:00Z"] == true);  // ada's bookings do not block bob [09:00, 10:00)
  CHECK(others["2030-01-02T09:15:00Z"] == false);  // bob's own 10:00 does
  CHECK(others["2030-01-02T11:00:00Z"] == true);
}

TEST_CASE("flow: adjacent slots with buffers before and after", "[flow]") {
  World w;
  REQUIRE(w.put_event("after", "ada", 30, 0, 15, 15).status == 201);   // [t, t+45)
  REQUIRE(w.put_event("before", "ada", 30, 15, 0, 15).status == 201);  // [t-15, t+30)

  REQUIRE(w.call(book("after", "2030-01-02T10:00:00Z", "a@example.com")).status == 201);  // [10:00, 10:45)
  CHECK(w.call(book("before", "2030-01-02T10:45:00Z", "b@example.com")).status == 409);   // [10:30, 11:15)
  CHECK(w.call(book("before", "2030-01-02T11:00:00Z", "c@example.com")).status == 201);   // [10:45, 11:30)
  CHECK(w.call(book("after", "2030-01-02T11:15:00Z", "d@example.com")).status == 409);    // [11:15, 12:00)
  CHECK(w.call(book("after", "2030-01-02T11:30:00Z", "e@example.com")).status == 201);    // [11:30, 12:15)
  CHECK(w.call(book("after", "2030-01-02T09:30:00Z", "f@example.com")).status == 409);    // [09:30, 10:15)
  CHECK(w.call(book("after", "2030-01-02T09:15:00Z", "g@example.com")).status == 201);    // [09:15, 10:00)
  CHECK(w.call(book("before", "2030-01-02T09:15:00Z", "h@example.com")).status == 409);   // [09:00, 09:45)
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("flow: idempotent retries replay, a reused key with another body is refused", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse first = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-7"));
  REQUIRE(first.status == 201);
  CHECK(header(first, "Idempotent-Replayed") == nullptr);
  const std::string rid = rid_of(w, first);

  SECTION("the same request again") {
    auto before = snapshot(w);
    for (int i = 0; i < 3; ++i) {
      HttpResponse again = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-7"));
      CHECK(again.status == 201);
      CHECK(rid_of(w, again) == rid);
      REQUIRE(header(again, "Idempotent-Replayed") != nullptr);
      CHECK(*header(again, "Idempotent-Replayed") == "true");
      CHECK(w.json_of(again)["checkout_url"] == w.json_of(first)["checkout_url"]);
    }
    CHECK(w.stripe.sessions().size() == 1);
    CHECK(w.stripe.count("POST /v1/checkout/sessions") == 1);
    CHECK(w.reservations().size() == 1);
    CHECK(same_store(before, snapshot(w)));
  }
  SECTION("whitespace and key order do not make a different request") {
    const std::string reordered =
        "{ \"guest\" : { \"name\" : \"Guest grace@example.com\" ,\n \"email\":\"grace@example.com\" } ,\t"
        "\"start\":\"2030-01-02T10:00:00Z\", \"event_id\" : \"consult\" }\n";
    HttpResponse again = w.call(make_request("POST", "/v1/reservations", reordered, {{"Idempotency-Key", "order-7"}}));
    CHECK(again.status == 201);
    CHECK(rid_of(w, again) == rid);
    CHECK(header(again, "Idempotent-Replayed") != nullptr);
    CHECK(w.stripe.sessions().size() == 1);
  }
  SECTION("the same key with a different body") {
    auto before = snapshot(w);
    for (const char* email : {"other@example.com", "GRACE@example.com"}) {
      INFO(email);
      HttpResponse other = w.call(book("consult", "2030-01-02T10:00:00Z", email, "order-7"));
      CHECK(other.status == 422);
      CHECK(error_code(w, other) == "idempotency_key_reused");
    }
    HttpResponse moved = w.call(book("consult", "2030-01-02T11:00:00Z", "grace@example.com", "order-7"));
    CHECK(moved.status == 422);
    CHECK(error_code(w, moved) == "idempotency_key_reused");
    CHECK(same_store(before, snapshot(w)));
    CHECK(w.stripe.calls().size() == 1);
  }
  SECTION("the same body under another key is a new request, and the slot is taken") {
    HttpResponse other = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-8"));
    CHECK(other.status == 409);
    CHECK(error_code(w, other) == "slot_unavailable");
    HttpResponse nokey = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com"));
    CHECK(nokey.status == 409);
  }
  SECTION("keys are case-sensitive and independent") {
    HttpResponse upper = w.call(book("consult", "2030-01-02T12:00:00Z", "grace@example.com", "ORDER-7"));
    CHECK(upper.status == 201);
    CHECK(rid_of(w, upper) != rid);
  }
}

TEST_CASE("flow: a transient Stripe failure answers 503 and keeps the hold for the replay", "[flow]") {
  for (int mode = 0; mode < 2; ++mode) {
    INFO((mode == 0 ? "Stripe answers 500" : "transport failure"));
    World w;
    REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
    if (mode == 0)
      w.stripe.fail_creates_with_500 = 1;
    else
      w.stripe.fail_creates_in_transport = 1;

    HttpResponse failed = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-9"));
    CHECK(failed.status == 503);
    CHECK(error_code(w, failed) == "payment_provider_unavailable");
    REQUIRE(header(failed, "Retry-After") != nullptr);
    CHECK(w.stripe.calls().size() == 1);
    CHECK(w.stripe.sessions().empty());
    auto all = w.reservations();
    REQUIRE(all.size() == 1);
    const Reservation held = all[0];
    CHECK(held.status == ReservationStatus::PendingPayment);
    CHECK(held.active_at(w.host.now_ms()));
    CHECK(held.checkout_session_id.empty());
    // After a 500 Stripe replays that answer to the same key: the next try uses a new one.
    CHECK(held.checkout_attempt == (mode == 0 ? 1 : 0));
    CHECK(w.engine.metrics().get(Metric::releases_total, "reason=\"payment_provider_error\"") == 0);

    // Someone else cannot take the held slot meanwhile.
    HttpResponse rival = w.call(book("consult", "2030-01-02T10:00:00Z", "rival@example.com", "order-11"));
    CHECK(rival.status == 409);

    // The replay finishes the hold: one session, linked, under the attempt's key.
    HttpResponse replay = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-9"));
    REQUIRE(replay.status == 201);
    CHECK(rid_of(w, replay) == held.id);
    CHECK(w.stripe.sessions().size() == 1);
    CHECK(w.stripe.calls().back().idempotency_key == checkout_idempotency_key(held.id, held.checkout_attempt));
    CHECK(w.json_of(replay).contains("checkout_url"));
    CHECK(check_no_double_booking(w).empty());
  }
}

TEST_CASE("flow: a final Stripe refusal answers 502, releases the hold and frees the slot", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  w.stripe.fail_creates_with_400 = 1;
  HttpResponse failed = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-9"));
  CHECK(failed.status == 502);
  CHECK(error_code(w, failed) == "payment_provider_error");
  auto all = w.reservations();
  REQUIRE(all.size() == 1);
  CHECK(all[0].status == ReservationStatus::Released);
  CHECK(all[0].release_reason == "payment_provider_error");
  CHECK(w.engine.metrics().get(Metric::releases_total, "reason=\"payment_provider_error\"") == 1);
  // Replaying the failed request answers the same failure, without calling Stripe.
  HttpResponse replay = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-9"));
  CHECK(replay.status == 502);
  CHECK(w.stripe.calls().size() == 1);
  // The slot is free again for anyone.
  HttpResponse retry = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "order-10"));
  CHECK(retry.status == 201);
  CHECK(rid_of(w, retry) != all[0].id);
}

TEST_CASE("flow: cancelling a pending reservation releases it and expires its session", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse held = w.call(book("consult", "2030-01-02T10:00:00Z", "grace@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = rid_of(w, held);
  const std::string sid = w.json_of(held)["reservation"]["checkout_session_id"].get<std::string>();

  w.host.advance(60'000);
  HttpResponse del = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  REQUIRE(del.status == 200);
  Json j = w.json_of(del);
  CHECK(j["reservation"]["id"] == rid);
  CHECK(j["reservation"]["status"] == "released");
  CHECK(j["reservation"]["release_reason"] == "cancelled");
  CHECK(j["reservation"]["expires_at"].is_null());
  CHECK_FALSE(j.contains("checkout_url"));
  CHECK(j["reservation"]["updated_at"] == format_rfc3339(kT0 + 60'000));
  CHECK(w.stripe.sessions().at(sid).status == "expired");
  CHECK(w.stripe.count("POST /v1/checkout/sessions/" + sid + "/expire") == 1);
  CHECK(w.stripe.calls().back().idempotency_key == "slotguard-expire-" + sid);
  CHECK(w.engine.metrics().get(Metric::releases_total, "reason=\"cancelled\"") == 1);
  // No pending-hold index remains.
  for (const auto& it : snapshot(w)) CHECK(it.key.rfind("hold/", 0) != 0);

  // Again: unchanged, and Stripe is not bothered twice.
  auto before = snapshot(w);
  const size_t calls = w.stripe.calls().size();
  w.host.advance(60'000);
  HttpResponse again = w.call(make_request("DELETE", "/v1/reservations/" + rid));
  CHECK(again.status == 200);
  CHECK(w.json_of(again) == j);
  CHECK(w.stripe.calls().size() == calls);
  CHECK(same_store(before, snapshot(w)));

  // Unknown ids.
  HttpResponse unknown = w.call(make_request("DELETE", "/v1/reservations/rsv_nope"));
  CHECK(unknown.status == 404);
  CHECK(error_code(w, unknown) == "reservation_not_found");

  // The slot is free again.
  CHECK(w.call(book("consult", "2030-01-02T10:00:00Z", "next@example.com")).status == 201);
  CHECK(check_no_double_booking(w).empty());
}

TEST_CASE("flow: an expired hold stops blocking the slot", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse first = w.call(book("consult", "2030-01-02T10:00:00Z", "first@example.com"));
  REQUIRE(first.status == 201);
  const std::string rid = rid_of(w, first);
  const int64_t expires = stored(w, rid)->expires_at;
  REQUIRE(expires > w.host.now_ms());
  const std::string from = "2030-01-02T09:00:00Z", to = "2030-01-02T11:00:00Z";

  // One millisecond before expiry the hold still blocks.
  w.host.set_now(expires - 1);
  CHECK(availability(slots(w, "consult", from, to))["2030-01-02T10:00:00Z"] == false);
  HttpResponse early = w.call(book("consult", "2030-01-02T10:00:00Z", "second@example.com"));
  CHECK(early.status == 409);

  // At expiry it no longer does: the slot shows free and a second guest gets it.
  w.host.set_now(expires);
  CHECK(availability(slots(w, "consult", from, to))["2030-01-02T10:00:00Z"] == true);
  HttpResponse second = w.call(book("consult", "2030-01-02T10:00:00Z", "second@example.com"));
  REQUIRE(second.status == 201);
  CHECK(rid_of(w, second) != rid);
  auto old = stored(w, rid);
  REQUIRE(old.has_value());
  CHECK_FALSE(old->active_at(w.host.now_ms()));
  CHECK(stored(w, rid_of(w, second))->active_at(w.host.now_ms()));
  CHECK(check_no_double_booking(w).empty());
  CHECK(availability(slots(w, "consult", from, to))["2030-01-02T10:00:00Z"] == false);

  // Cancelling the expired first hold must not free the second guest's slot.
  CHECK(w.call(make_request("DELETE", "/v1/reservations/" + rid)).status == 200);
  CHECK(w.call(book("consult", "2030-01-02T10:00:00Z", "third@example.com")).status == 409);
  CHECK(availability(slots(w, "consult", from, to))["2030-01-02T10:00:00Z"] == false);
}

TEST_CASE("flow: availability flips with a booking and reveals no guest", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 10, 15).status == 201);  // blocks [t, t+40)
  const std::string from = "2030-01-02T09:00:00Z", to = "2030-01-02T12:00:00Z";
  Json before = slots(w, "consult", from, to);
  CHECK(before["event_id"] == "consult");
  REQUIRE(before["slots"].size() == 12);
  for (const auto& s : before["slots"]) {
    CHECK(s["available"] == true);
    auto st = parse_rfc3339(s["start"].get<std::string>());
    auto en = parse_rfc3339(s["end"].get<std::string>());
    REQUIRE(st.has_value());
    REQUIRE(en.has_value());
    CHECK(*en - *st == 30 * kMinuteMs);
  }

  HttpResponse held = w.call(book("consult", "2030-01-02T10:00:00Z", "secret-guest@example.com"));
  REQUIRE(held.status == 201);
  const std::string rid = rid_of(w, held);

  HttpResponse raw = w.call(make_request("GET", "/v1/events/consult/slots?from=" + from + "&to=" + to));
  REQUIRE(raw.status == 200);
  CHECK(raw.body.find("secret-guest") == std::string::npos);
  CHECK(raw.body.find(rid) == std::string::npos);
  CHECK(raw.body.find("rsv_") == std::string::npos);
  auto after = availability(w.json_of(raw));
  REQUIRE(after.size() == 12);
  // A candidate t blocks [t, t+40): it conflicts with [10:00, 10:40) for t in (09:20, 10:40).
  const std::map<std::string, bool> expected = {
      {"2030-01-02T09:00:00Z", true},  {"2030-01-02T09:15:00Z", true},  {"2030-01-02T09:30:00Z", false},
      {"2030-01-02T09:45:00Z", false}, {"2030-01-02T10:00:00Z", false}, {"2030-01-02T10:15:00Z", false},
      {"2030-01-02T10:30:00Z", false}, {"2030-01-02T10:45:00Z", true},  {"2030-01-02T11:00:00Z", true},
      {"2030-01-02T11:15:00Z", true},  {"2030-01-02T11:30:00Z", true},  {"2030-01-02T11:45:00Z", true}};
  CHECK(after == expected);
  // And the answers agree with what booking does.
  for (const auto& [start, free] : expected) {
    INFO(start);
    World probe;  // a copy of the situation per candidate
    REQUIRE(probe.put_event("consult", "ada", 30, 0, 10, 15).status == 201);
    REQUIRE(probe.call(book("consult", "2030-01-02T10:00:00Z", "x@example.com")).status == 201);
    CHECK(probe.call(book("consult", start, "y@example.com")).status == (free ? 201 : 409));
  }
}

TEST_CASE("flow: slot candidates follow the step from midnight, the notice and the horizon", "[flow]") {
  World w;
  SECTION("step 45 with 60 minutes notice") {
    REQUIRE(put_event_json(w, "s45", event_json("ada", 30, 45, 60)).status == 201);
    Json j = slots(w, "s45", "2030-01-01T00:00:00Z", "2030-01-01T06:00:00Z");
    CHECK(starts(j) == std::vector<std::string>{"2030-01-01T01:30:00Z", "2030-01-01T02:15:00Z", "2030-01-01T03:00:00Z",
                                                "2030-01-01T03:45:00Z", "2030-01-01T04:30:00Z", "2030-01-01T05:15:00Z"});
  }
  SECTION("step 50 restarts at midnight") {
    REQUIRE(put_event_json(w, "s50", event_json("ada", 30, 50)).status == 201);
    Json j = slots(w, "s50", "2030-01-01T22:00:00Z", "2030-01-02T02:00:00Z");
    CHECK(starts(j) == std::vector<std::string>{"2030-01-01T22:30:00Z", "2030-01-01T23:20:00Z", "2030-01-02T00:00:00Z",
                                                "2030-01-02T00:50:00Z", "2030-01-02T01:40:00Z"});
    // Every offered start can be booked; the one a day-spanning step would give cannot.
    CHECK(w.call(book("s50", "2030-01-02T00:00:00Z", "a@example.com")).status == 201);
    CHECK(w.call(book("s50", "2030-01-02T00:10:00Z", "b@example.com")).status == 422);
  }
  SECTION("from is inclusive, to exclusive, misaligned bounds round inwards") {
    REQUIRE(put_event_json(w, "s30", event_json("ada", 30, 30)).status == 201);
    CHECK(starts(slots(w, "s30", "2030-01-02T10:00:00Z", "2030-01-02T11:00:00Z")) ==
          std::vector<std::string>{"2030-01-02T10:00:00Z", "2030-01-02T10:30:00Z"});
    CHECK(starts(slots(w, "s30", "2030-01-02T10:00:01Z", "2030-01-02T11:00:01Z")) ==
          std::vector<std::string>{"2030-01-02T10:30:00Z", "2030-01-02T11:00:00Z"});
    CHECK(slots(w, "s30", "2030-01-02T10:01:00Z", "2030-01-02T10:29:00Z")["slots"].empty());
  }
  SECTION("the horizon is inclusive") {
    REQUIRE(put_event_json(w, "h1", event_json("ada", 30, 60, 0, 1)).status == 201);
    CHECK(starts(slots(w, "h1", "2030-01-01T20:00:00Z", "2030-01-02T04:00:00Z")) ==
          std::vector<std::string>{"2030-01-01T20:00:00Z", "2030-01-01T21:00:00Z", "2030-01-01T22:00:00Z",
                                   "2030-01-01T23:00:00Z", "2030-01-02T00:00:00Z"});
  }
  SECTION("the past offers nothing") {
    REQUIRE(put_event_json(w, "s30", event_json("ada", 30, 30)).status == 201);
    CHECK(slots(w, "s30", "2029-12-30T00:00:00Z", "2030-01-01T00:00:00Z")["slots"].empty());
  }
}

TEST_CASE("flow: events are created, read and replaced", "[flow]") {
  World w;
  Json body = event_json("ada", 30, 15);
  HttpResponse created = put_event_json(w, "consult", body);
  CHECK(created.status == 201);
  CHECK(w.json_of(created)["event"]["id"] == "consult");
  CHECK(w.json_of(created)["event"]["payment_method_types"] == Json::array({"card"}));  // the default

  HttpResponse held = w.call(book("consult", "2030-01-02T10:00:00Z", "a@example.com"));
  REQUIRE(held.status == 201);

  body["title"] = "Renamed";
  body["duration_minutes"] = 60;
  body["price"]["amount"] = 9900;
  body["id"] = "consult";
  HttpResponse replaced = put_event_json(w, "consult", body);
  CHECK(replaced.status == 200);
  HttpResponse got = w.call(make_request("GET", "/v1/events/consult"));
  REQUIRE(got.status == 200);
  Json ev = w.json_of(got)["event"];
  CHECK(ev["title"] == "Renamed");
  CHECK(ev["duration_minutes"] == 60);
  CHECK(ev["price"]["amount"] == 9900);
  CHECK(ev == w.json_of(replaced)["event"]);
  CHECK(put_event_json(w, "consult", body).status == 200);  // replacing again is still 200

  // The existing hold keeps the terms it was made under.
  auto rec = w.reservations();
  REQUIRE(rec.size() == 1);
  CHECK(rec[0].title == "Custom");
  CHECK(rec[0].price.amount == 1000);
  CHECK(rec[0].end - rec[0].start == 30 * kMinuteMs);
  // New bookings use the new terms: 60 minutes from 09:30 reaches into the 10:00 hold,
  // 60 minutes from 10:30 only touches its end.
  CHECK(w.call(book("consult", "2030-01-02T09:30:00Z", "b@example.com")).status == 409);
  CHECK(w.call(book("consult", "2030-01-02T10:30:00Z", "c@example.com")).status == 201);

  HttpResponse missing = w.call(make_request("GET", "/v1/events/nope"));
  CHECK(missing.status == 404);
  CHECK(error_code(w, missing) == "event_not_found");
}

TEST_CASE("flow: metrics count holds, conflicts and releases", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  HttpResponse m0 = w.call(make_request("GET", "/metrics"));
  REQUIRE(m0.status == 200);
  REQUIRE(header(m0, "Content-Type") != nullptr);
  CHECK(header(m0, "Content-Type")->rfind("text/plain", 0) == 0);
  CHECK(m0.body.find("slotguard_holds_created_total 0\n") != std::string::npos);
  CHECK(m0.body.find("# TYPE slotguard_holds_created_total counter") != std::string::npos);

  HttpResponse held = w.call(book("consult", "2030-01-02T10:00:00Z", "a@example.com"));
  REQUIRE(held.status == 201);
  std::string text = w.call(make_request("GET", "/metrics")).body;
  CHECK(text.find("slotguard_holds_created_total 1\n") != std::string::npos);
  CHECK(text.find("slotguard_conflicts_total 0\n") != std::string::npos);

  CHECK(w.call(book("consult", "2030-01-02T10:00:00Z", "b@example.com")).status == 409);
  CHECK(w.call(book("consult", "2030-01-02T10:15:00Z", "c@example.com")).status == 409);
  text = w.call(make_request("GET", "/metrics")).body;
  CHECK(text.find("slotguard_holds_created_total 1\n") != std::string::npos);
  CHECK(text.find("slotguard_conflicts_total 2\n") != std::string::npos);

  CHECK(w.call(make_request("DELETE", "/v1/reservations/" + rid_of(w, held))).status == 200);
  text = w.call(make_request("GET", "/metrics")).body;
  CHECK(text.find("slotguard_releases_total{reason=\"cancelled\"} 1\n") != std::string::npos);
  // Guest data never shows up in metrics.
  CHECK(text.find("example.com") == std::string::npos);
  CHECK(w.engine.metrics().get(Metric::requests_total, "class=\"4xx\"") == 2);
}

TEST_CASE("flow: guests and options at their limits", "[flow]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  Json body = {{"event_id", "consult"},
               {"start", "2030-01-02T10:00:00Z"},
               {"guest", {{"email", "x@example.com"}, {"name", std::string(200, 'n')}}},
               {"payment_method_types", {"multibanco"}},
               {"success_url", "https://shop.example/ok?session={CHECKOUT_SESSION_ID}&x=1"},
               {"cancel_url", "http://shop.example/cancel"}};
  std::vector<FetchRequest> fetches;
  HttpResponse r = call_capturing(w, make_request("POST", "/v1/reservations", body.dump()), fetches);
  REQUIRE(r.status == 201);
  REQUIRE(fetches.size() == 1);
  auto form = form_of(fetches[0]);
  CHECK(form["payment_method_types[0]"] == "multibanco");
  CHECK(form.count("payment_method_types[1]") == 0);
  CHECK(form["success_url"] == "https://shop.example/ok?session={CHECKOUT_SESSION_ID}&x=1");
  CHECK(form["cancel_url"] == "http://shop.example/cancel");
  CHECK(w.json_of(r)["reservation"]["guest"]["name"] == std::string(200, 'n'));

  // Titles and e-mails with form-significant characters reach Stripe intact.
  Json ev = event_json("bob", 30, 30);
  ev["title"] = "Caf\xc3\xa9 & Co = 1+1 [50%]";
  REQUIRE(put_event_json(w, "cafe", ev).status == 201);
  fetches.clear();
  HttpResponse plus = call_capturing(w, book("cafe", "2030-01-02T10:00:00Z", "a+b@example.com"), fetches);
  REQUIRE(plus.status == 201);
  REQUIRE(fetches.size() == 1);
  auto f2 = form_of(fetches[0]);
  CHECK(f2["line_items[0][price_data][product_data][name]"] == "Caf\xc3\xa9 & Co = 1+1 [50%]");
  CHECK(f2["customer_email"] == "a+b@example.com");
  CHECK(f2["line_items[0][price_data][unit_amount]"] == "1000");
  CHECK(w.stripe.sessions().rbegin()->second.customer_email == "a+b@example.com");

  // The Idempotency-Key header name is case-insensitive.
  HttpRequest lower = book("cafe", "2030-01-02T11:00:00Z", "c@example.com");
  lower.headers.emplace_back("idempotency-key", "lower-1");
  HttpResponse l1 = w.call(lower);
  REQUIRE(l1.status == 201);
  HttpRequest upper = book("cafe", "2030-01-02T11:00:00Z", "c@example.com", "lower-1");
  HttpResponse l2 = w.call(upper);
  CHECK(l2.status == 201);
  CHECK(rid_of(w, l2) == rid_of(w, l1));
  CHECK(header(l2, "Idempotent-Replayed") != nullptr);
}

// ---------------------------------------------------------------- SQLite

TEST_CASE("flow: happy path and contest on the SQLite store", "[flow][sqlite]") {
  TempDir dir;
  {
    auto store = native::make_sqlite_store(dir.file("flow.sqlite"));
    REQUIRE(store != nullptr);
    World w(1, std::move(store));
    check_happy_path(w);
    check_contest(w);
  }
  // The data outlives the process: a new World on the same file sees the holds.
  auto store = native::make_sqlite_store(dir.file("flow.sqlite"));
  REQUIRE(store != nullptr);
  World w(2, std::move(store));
  CHECK(w.reservations().size() == 4);
  HttpResponse again = w.call(book("duel", "2030-01-03T09:00:00Z", "late@example.com"));
  CHECK(again.status == 409);
  CHECK(error_code(w, again) == "slot_unavailable");
}

// ---------------------------------------------------------------- races around the Stripe call

namespace {

// Serves a task's store calls until it waits on Stripe (true) or finishes (false).
bool run_until_fetch(World& w, TaskId id) {
  while (const HostCall* call = w.engine.pending(id)) {
    if (call->op == HostOp::HttpFetch) return true;
    REQUIRE(w.sched.step(id));
  }
  return false;
}

HttpResponse finish(World& w, TaskId id) {
  while (w.sched.step(id)) {
  }
  REQUIRE(w.engine.response(id) != nullptr);
  HttpResponse out = *w.engine.response(id);
  w.engine.drop(id);
  return out;
}

}  // namespace

TEST_CASE("flow: a hold cancelled while Stripe answers gets its session closed and answers 409", "[flow][race]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  TaskId a = w.engine.start(book("consult", "2030-01-02T10:00:00Z", "a@example.com"));
  REQUIRE(run_until_fetch(w, a));
  auto held = w.reservations();
  REQUIRE(held.size() == 1);
  // The guest cancels (with the id from another channel) before checkout opens.
  HttpResponse del = w.call(make_request("DELETE", "/v1/reservations/" + held[0].id));
  REQUIRE(del.status == 200);
  HttpResponse res = finish(w, a);
  CHECK(res.status == 409);
  CHECK(error_code(w, res) == "reservation_released");
  REQUIRE(w.stripe.sessions().size() == 1);
  CHECK(w.stripe.sessions().begin()->second.status == "expired");
  auto after = stored(w, held[0].id);
  REQUIRE(after.has_value());
  CHECK(after->status == ReservationStatus::Released);
  CHECK(after->release_reason == "cancelled");
  CHECK(after->checkout_session_id.empty());
  CHECK(w.call(book("consult", "2030-01-02T10:00:00Z", "b@example.com")).status == 201);
}

TEST_CASE("flow: an idempotent retry while the first attempt waits on Stripe shares one session", "[flow][race]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  TaskId first = w.engine.start(book("consult", "2030-01-02T10:00:00Z", "a@example.com", "retry-1"));
  REQUIRE(run_until_fetch(w, first));
  HttpResponse retry = w.call(book("consult", "2030-01-02T10:00:00Z", "a@example.com", "retry-1"));
  REQUIRE(retry.status == 201);
  CHECK(header(retry, "Idempotent-Replayed") != nullptr);
  HttpResponse original = finish(w, first);
  REQUIRE(original.status == 201);
  CHECK(rid_of(w, original) == rid_of(w, retry));
  CHECK(w.json_of(original)["checkout_url"] == w.json_of(retry)["checkout_url"]);
  CHECK(w.stripe.sessions().size() == 1);
  CHECK(w.stripe.count("POST /v1/checkout/sessions") == 2);  // the second under the same Stripe key
  CHECK(w.stripe.calls()[0].idempotency_key == w.stripe.calls()[1].idempotency_key);
}

TEST_CASE("flow: a hold that expires while Stripe answers is not linked", "[flow][race]") {
  // A hold that lapses while Stripe is answering must not get its session linked:
  // the slot may already be someone else's. The session is expired, the answer 409.
  World w;
  REQUIRE(w.put_event("consult", "ada", 30, 0, 0, 15).status == 201);
  TaskId a = w.engine.start(book("consult", "2030-01-02T10:00:00Z", "a@example.com"));
  REQUIRE(run_until_fetch(w, a));
  const Reservation hold = w.reservations().at(0);
  w.host.set_now(hold.expires_at);
  HttpResponse b = w.call(book("consult", "2030-01-02T10:00:00Z", "b@example.com"));
  REQUIRE(b.status == 201);  // the expired hold no longer blocks
  HttpResponse res = finish(w, a);
  CHECK(res.status == 409);
  CHECK(error_code(w, res) == "reservation_released");
  CHECK_FALSE(w.json_of(res).contains("checkout_url"));
  // Only the live holder has an open session.
  size_t open = 0;
  for (const auto& [sid, s] : w.stripe.sessions()) open += s.status == "open";
  CHECK(open == 1);
  CHECK(check_no_double_booking(w).empty());
}

// ---------------------------------------------------------------- configured checkout windows

TEST_CASE("flow: every accepted checkout_minutes gives a session expiry Stripe accepts (30 min .. 24 h)",
          "[flow][config]") {
  // The core adds a minute of slack between hold and create, so the longest lifetime
  // it accepts is 1438 minutes; longer ones are refused at configuration time rather
  // than failing every booking at Stripe.
  for (int minutes : {1439, 1440}) {
    std::string error;
    CHECK_FALSE(parse_config(R"({"admin_token":")" + std::string(kAdminToken) + R"(","checkout_minutes":)" +
                                 std::to_string(minutes) + "}",
                             &error));
  }
  for (int minutes : {30, 45, 120, 1438}) {
    INFO("checkout_minutes = " << minutes);
    std::string error;
    auto cfg = parse_config(R"({"admin_token":")" + std::string(kAdminToken) +
                                R"(","stripe_secret_key":"sk_test_fake","stripe_api_base":"https://api.stripe.test","checkout_minutes":)" +
                                std::to_string(minutes) + "}",
                            &error);
    REQUIRE(cfg.has_value());
    native::SimHost host(5);
    host.set_now(kT0 + 123'456);  // not on a second boundary
    auto store = native::make_memory_store();
    native::FakeStripe stripe;
    Engine engine(*cfg, host);
    Json ev = event_json("ada", 30, 30);
    auto run = [&](HttpRequest req, std::vector<FetchRequest>* fetches) {
      TaskId id = engine.start(std::move(req));
      while (const HostCall* pending = engine.pending(id)) {
        HostCall call = *pending;
        HostReply reply;
        if (call.op == HostOp::HttpFetch) {
          if (fetches) fetches->push_back(*decode_fetch_request(call.payload));
          reply = stripe.serve(call);
        } else {
          reply = native::serve_store_call(*store, call);
        }
        REQUIRE(engine.resume(id, std::move(reply)));
      }
      HttpResponse out = *engine.response(id);
      engine.drop(id);
      return out;
    };
    REQUIRE(run(make_request("PUT", "/v1/events/consult", ev.dump(), {{"Authorization", kBearer}}), nullptr).status == 201);
    std::vector<FetchRequest> fetches;
    HttpResponse r = run(book("consult", "2030-01-03T10:00:00Z", "a@example.com"), &fetches);
    REQUIRE(r.status == 201);
    REQUIRE(fetches.size() == 1);
    const int64_t expires_s = std::stoll(form_of(fetches[0])["expires_at"]);
    const int64_t now_s = host.now_ms() / 1000;
    CHECK(expires_s - now_s >= 30 * 60);
    CHECK(expires_s - now_s <= 24 * 60 * 60);
    CHECK(expires_s - now_s >= minutes * 60);  // at least what was configured
  }
}

// ---------------------------------------------------------------- cost of availability

TEST_CASE("flow: a week of availability over a full calendar", "[flow][slots]") {
  // 672 ten-minute bookings, one every 15 minutes; a 5-minute event then fits only in
  // the last 5 minutes of each quarter hour. (bench/ times this query.)
  World w;
  REQUIRE(w.put_event("e", "ada", 10, 0, 0, 15).status == 201);
  REQUIRE(put_event_json(w, "f", event_json("ada", 5, 5)).status == 201);
  const int64_t day = kT0 + kDayMs;
  for (int i = 0; i < 7 * 96; ++i)
    REQUIRE(w.call(book("e", format_rfc3339(day + i * 15 * kMinuteMs), "g" + std::to_string(i) + "@example.com")).status == 201);
  HttpResponse r = w.call(make_request("GET", "/v1/events/f/slots?from=2030-01-02T00:00:00Z&to=2030-01-09T00:00:00Z"));
  REQUIRE(r.status == 200);
  const Json slots = w.json_of(r)["slots"];
  REQUIRE(slots.size() == 7 * 24 * 12);
  size_t available = 0;
  for (const auto& slot : slots) {
    const bool free = slot["available"].get<bool>();
    available += free;
    // Free exactly at minute 10 of each quarter hour.
    CHECK(free == (slot["start"].get<std::string>().substr(14, 2) == "10" ||
                   slot["start"].get<std::string>().substr(14, 2) == "25" ||
                   slot["start"].get<std::string>().substr(14, 2) == "40" ||
                   slot["start"].get<std::string>().substr(14, 2) == "55"));
  }
  CHECK(available == 7 * 96);
}

TEST_CASE("checkout return: a default path lands on the origin that answered the hold", "[reserve]") {
  const auto with = [](HeaderList headers) { return request_origin(make_request("POST", "/v1/reservations", "{}", std::move(headers))); };
  CHECK(with({{"host", "localhost:8787"}}) == "http://localhost:8787");
  CHECK(with({{"host", "127.0.0.1:9090"}}) == "http://127.0.0.1:9090");
  CHECK(with({{"host", "[::1]:8787"}}) == "http://[::1]:8787");
  CHECK(with({{"host", "slotguard.example.workers.dev"}}) == "https://slotguard.example.workers.dev");
  CHECK(with({{"host", "internal:8080"}, {"x-forwarded-host", "book.example.com"}, {"x-forwarded-proto", "https"}}) ==
        "https://book.example.com");
  CHECK(with({{"host", "localhost:8787"}, {"x-forwarded-proto", "https, http"}}) == "https://localhost:8787");
  CHECK(with({}) == "http://localhost");
  CHECK(with({{"host", "evil.example/@x"}}) == "http://localhost");  // no path smuggled into the URL

  CHECK(checkout_return_url("/return/?reservation={RESERVATION_ID}&outcome=paid", "https://a.example", "rsv_1") ==
        "https://a.example/return/?reservation=rsv_1&outcome=paid");
  CHECK(checkout_return_url("https://app.example/done", "https://a.example", "rsv_1") == "https://app.example/done");
  CHECK(checkout_return_url("https://app.example/{RESERVATION_ID}/{RESERVATION_ID}", "x", "r") == "https://app.example/r/r");
}

TEST_CASE("checkout return: a hold without URLs sends Checkout back to its host's return page", "[reserve]") {
  World w;
  REQUIRE(w.put_event("consult", "ada", 30).status == 201);
  HttpRequest req = book("consult", "2030-01-02T10:00:00Z", "grace@example.com", "ret-1");
  req.headers.emplace_back("host", "book.example.com");
  HttpResponse r = w.call(req);
  REQUIRE(r.status == 201);
  const std::string rid = w.json_of(r)["reservation"]["id"].get<std::string>();
  auto rec = stored(w, rid);
  REQUIRE(rec.has_value());
  CHECK(rec->success_url == "https://book.example.com/return/?reservation=" + rid + "&outcome=paid");
  CHECK(rec->cancel_url == "https://book.example.com/return/?reservation=" + rid + "&outcome=cancelled");
}
