// Every stored record against its field table (base/record_fields.h): a record with
// every member set away from its default comes back equal from storage; every row's
// name is written; a Required row's absence, and any row's mistyped value, make the
// record unreadable, while an absent optional row reads as its default. With the
// static_assert beside each table (one row per member), a field added to a struct is
// either stored and read back, or the build or this file fails.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/booking/notifications.h"

using namespace slotguard;
using Json = nlohmann::json;

namespace {

Reservation full_reservation() {
  Reservation r;
  r.id = "rsv_0123456789abcdef0123456789abcdef";
  r.event_id = "consult";
  r.expert_id = "ada";
  r.start = 1'900'000'000'000;
  r.end = r.start + 30 * kMinuteMs;
  r.span_start = r.start - 5 * kMinuteMs;
  r.span_end = r.end + 10 * kMinuteMs;
  r.guest = {"guest@example.com", "Guest Name"};
  r.status = ReservationStatus::Refunded;
  r.release_reason = "cancelled";
  r.expires_at = r.start - kDayMs;
  r.session_expires_at = r.expires_at - kMinuteMs;
  r.checkout_session_id = "cs_test_1";
  r.checkout_url = "https://checkout.example/cs_test_1";
  r.payment_intent_id = "pi_1";
  r.refund_id = "re_1";
  r.refund_amount = 2500;
  r.seats = 3;
  r.checkout_attempt = 2;
  r.refund_attempts = 4;
  r.refund_next_at = r.start - 1000;
  r.refund_gave_up = true;
  r.title = "Consultation";
  r.price = {5000, "eur"};
  r.payment_method_types = {"card", "multibanco"};
  r.success_url = "https://app.example/ok";
  r.cancel_url = "https://app.example/back";
  r.created_at = r.start - 2 * kDayMs;
  r.updated_at = r.start - kDayMs;
  r.notify_seq = 7;
  r.idempotency_key = "idem/abc";
  r.confirmed_at = r.start - kDayMs - 1000;
  r.cancellation = CancellationTerms{true, {{r.start - kDayMs, 100}, {r.start - 2 * 60 * kMinuteMs, 40}}};
  r.reschedule_count = 2;
  r.approval_minutes = 600;
  r.approval_decision = "decline";
  r.transfer_destination = "acct_Expert1";
  r.application_fee = 750;
  r.on_behalf_of = true;
  r.counted_in = {"cap/ada/2030-01-07", "cap/ada/2030-W02"};
  r.event_caps = BookingLimits{2, 0};
  r.expert_caps = BookingLimits{0, 9};
  r.series_id = "ser_1";
  r.series = {"rsv_1", "rsv_2"};
  r.pack_id = "pak_1";
  r.credit_returned = true;
  r.team = {"bob", "cy"};
  return r;
}

EventType full_event() {
  EventType e;
  e.id = "consult";
  e.expert_id = "ada";
  e.title = "Consultation";
  e.duration_minutes = 45;
  e.buffer_before_minutes = 5;
  e.buffer_after_minutes = 10;
  e.slot_step_minutes = 15;
  e.min_notice_minutes = 60;
  e.max_advance_days = 90;
  e.price = {5000, "eur"};
  e.payment_method_types = {"multibanco", "card"};
  e.seats = 4;
  e.reschedule_min_notice_minutes = 120;
  e.reschedule_max_times = 3;
  e.cancellation = CancellationPolicy{{{1440, 100}, {120, 50}}};
  e.approval = ApprovalPolicy{false, 600};  // required needs card only; this one takes multibanco too
  e.limits = BookingLimits{3, 10};
  e.pool = PoolRule{{"ada", "bob"}, "least_booked"};
  e.packs = {PackOffer{5, {20000, "eur"}, 180}, PackOffer{10, {36000, "eur"}, 365}};
  return e;
}

Pack full_pack() {
  Pack p;
  p.id = "pak_0123456789abcdef";
  p.event_id = "consult";
  p.expert_id = "ada";
  p.guest = {"guest@example.com", "Guest"};
  p.sessions = 5;
  p.used = 2;
  p.price = {20000, "eur"};
  p.valid_days = 180;
  p.status = PackStatus::Active;
  p.created_at = 1'900'000'000'000;
  p.updated_at = 1'900'000'500'000;
  p.session_expires_at = 1'900'001'860'000;
  p.paid_at = 1'900'000'400'000;
  p.expires_at = p.paid_at + 180 * kDayMs;
  p.checkout_session_id = "cs_test_1";
  p.checkout_url = "https://checkout.example/cs_test_1";
  p.payment_intent_id = "pi_1";
  p.success_url = "https://shop.example/ok";
  p.cancel_url = "https://shop.example/back";
  p.idempotency_key = "idem/abc";
  return p;
}

Notification full_notification() { return Notification{"rsv_0123456789abcdef", 3, R"({"type":"x"})", 1000, 2, 5000}; }

template <class R>
std::set<std::string> row_names(fields::Rows<R> rows) {
  std::set<std::string> names;
  for (const auto& row : rows) names.emplace(row.name);
  return names;
}

// The stored JSON of `full`, each row in turn removed or mistyped: `read` must refuse
// what a Required row lacks (and the rows in `also_required`, which the record's own
// rules need) and every mistyped value, and accept any other absent row.
template <class R, class Read>
void check_each_row(fields::Rows<R> rows, const Json& stored, Read read, std::set<std::string> also_required = {}) {
  for (const auto& row : rows) {
    const std::string name(row.name);
    INFO("field " << name);
    REQUIRE(stored.contains(name));
    Json without = stored;
    without.erase(name);
    const bool required = row.presence == fields::Presence::Required || also_required.count(name);
    CHECK(read(without.dump()).has_value() == !required);
    Json mistyped = stored;
    mistyped[name] = Json::array({Json::object()});  // no row's type takes [{}]
    CHECK_FALSE(read(mistyped.dump()).has_value());
  }
}

}  // namespace

TEST_CASE("records: a reservation round-trips every field", "[records]") {
  const Reservation r = full_reservation();
  const std::string text = reservation_to_storage(r);
  const Json stored = Json::parse(text);
  CHECK(row_names(reservation_rows()).size() == reservation_rows().size());  // names are unique
  for (const auto& row : reservation_rows()) CHECK(stored.contains(std::string(row.name)));
  CHECK(stored.size() == reservation_rows().size());
  const std::optional<Reservation> back = reservation_from_storage(text);
  REQUIRE(back);
  CHECK(*back == r);
  check_each_row(reservation_rows(), stored, reservation_from_storage);
}

TEST_CASE("records: optional fields at their default are left out and read back as the default", "[records]") {
  Reservation r = full_reservation();
  r.refund_gave_up = false;
  r.seats = 1;
  r.cancellation.reset();
  r.payment_method_types.clear();
  const Json stored = Json::parse(reservation_to_storage(r));
  CHECK_FALSE(stored.contains("refund_gave_up"));
  CHECK_FALSE(stored.contains("seats"));
  CHECK_FALSE(stored.contains("cancellation"));
  CHECK_FALSE(stored.contains("payment_method_types"));
  const auto back = reservation_from_storage(stored.dump());
  REQUIRE(back);
  CHECK(*back == r);
}

TEST_CASE("records: a stored reservation's nested records are held to their own rows", "[records]") {
  Json stored = Json::parse(reservation_to_storage(full_reservation()));
  stored["guest"].erase("email");
  CHECK_FALSE(reservation_from_storage(stored.dump()));
  stored = Json::parse(reservation_to_storage(full_reservation()));
  stored["cancellation"]["tiers"][1]["refund_percent"] = 101;
  CHECK_FALSE(reservation_from_storage(stored.dump()));
  stored = Json::parse(reservation_to_storage(full_reservation()));
  stored["cancellation"].erase("tiers");
  CHECK_FALSE(reservation_from_storage(stored.dump()));
  stored["cancellation"] = nullptr;  // null: no terms recorded
  const auto back = reservation_from_storage(stored.dump());
  REQUIRE(back);
  CHECK_FALSE(back->cancellation);
  // A member a later version wrote is skipped, not refused.
  stored["written_by_a_later_version"] = 1;
  CHECK(reservation_from_storage(stored.dump()));
}

TEST_CASE("records: the API view of a reservation", "[records]") {
  JsonWriter w;
  write_reservation_view(w, full_reservation());
  const Json view = Json::parse(w.take());
  CHECK(view["start"] == "2030-03-17T17:46:40Z");
  CHECK(view["expires_at"].is_null());  // refunded: no hold to act on
  CHECK(view["refund"] == Json{{"amount", 2500}, {"currency", "eur"}});
  CHECK(view["cancellation"] == Json{{"tiers", {{{"until", "2030-03-16T17:46:40Z"}, {"refund_percent", 100}},
                                                {{"until", "2030-03-17T15:46:40Z"}, {"refund_percent", 40}}}}});
  for (const char* hidden : {"span_start", "checkout_url", "refund_id", "idempotency_key", "price", "notify_seq"})
    CHECK_FALSE(view.contains(hidden));
}

TEST_CASE("records: a pack round-trips every field, and its view shows credits, not bookkeeping", "[records][packs]") {
  const Pack p = full_pack();
  const std::string text = pack_to_storage(p);
  const Json stored = Json::parse(text);
  CHECK(stored.size() == pack_rows().size());
  const auto back = pack_from_storage(text);
  REQUIRE(back);
  CHECK(*back == p);
  check_each_row(pack_rows(), stored, pack_from_storage);
  Json overdrawn = stored;
  overdrawn["used"] = 6;  // more than it has: never written, so never read
  CHECK_FALSE(pack_from_storage(overdrawn.dump()));
  JsonWriter w;
  write_pack_view(w, p);
  const Json view = Json::parse(w.take());
  CHECK(view["credits_left"] == 3);
  CHECK(view["status"] == "active");
  CHECK(view["checkout_url"].is_null());  // paid: nothing to pay
  CHECK(view["expires_at"] == "2030-09-13T17:53:20Z");
  for (const char* hidden : {"used", "payment_intent_id", "idempotency_key", "success_url", "paid_at"})
    CHECK_FALSE(view.contains(hidden));
}

TEST_CASE("records: an event type round-trips every field, from storage and as a request", "[records]") {
  const EventType e = full_event();
  const std::string text = event_to_storage(e);
  const Json stored = Json::parse(text);
  CHECK(stored.size() == event_rows().size());
  const auto back = event_from_storage(text);
  REQUIRE(back);
  CHECK(*back == e);
  std::string error;
  auto doc = parse_json(text, 4);
  REQUIRE(doc);
  const auto put = event_from_request(*doc, "consult", &error);
  INFO(error);
  REQUIRE(put);
  CHECK(*put == e);
  check_each_row(event_rows(), stored, event_from_storage, {"id"});  // a PUT may leave it to the path
}

TEST_CASE("records: an event request names the first problem", "[records]") {
  Json body = Json::parse(event_to_storage(full_event()));
  auto refused = [](const Json& b) {
    std::string error;
    auto doc = parse_json(b.dump(), 8);
    REQUIRE(doc);
    CHECK_FALSE(event_from_request(*doc, "consult", &error));
    return error;
  };
  Json b = body;
  b["price"]["amount"] = 0;
  CHECK(refused(b) == "price.amount must be an integer from 1 to 99999999 (minor units)");
  b = body;
  b["cancellation"]["tiers"][1].erase("refund_percent");
  CHECK(refused(b) == "cancellation.tiers[1].refund_percent is required");
  b = body;
  b["cancellation"]["refund_percnt"] = 5;
  CHECK(refused(b) == "unknown field cancellation.refund_percnt");
  b = body;
  b.erase("title");
  CHECK(refused(b) == "title is required");
  b = body;
  b["duration_minutes"] = 721;
  CHECK(refused(b) == "duration_minutes must be an integer from 5 to 720");
  b = body;
  b["price"]["currency"] = "usd";
  CHECK(refused(b) == "multibanco requires currency eur");
}

TEST_CASE("records: a notification round-trips every field", "[records]") {
  const Notification n = full_notification();
  const std::string text = notification_to_storage(n);
  const auto back = notification_from_storage(text);
  REQUIRE(back);
  CHECK(*back == n);
  check_each_row(notification_rows(), Json::parse(text), notification_from_storage);
}

TEST_CASE("records: terms stored before tiers read as the same terms, to the millisecond", "[records][tiers]") {
  Json stored = Json::parse(reservation_to_storage(full_reservation()));
  const int64_t until = full_reservation().start - kDayMs;
  stored["cancellation"] = {{"allowed", true}, {"full_refund_until", until}, {"late_refund_percent", 40}};
  const auto back = reservation_from_storage(stored.dump());
  REQUIRE(back);
  REQUIRE(back->cancellation);
  const CancellationTerms& t = *back->cancellation;
  CHECK(t.allowed);
  CHECK(t.refund(5001, until - 1) == 5001);                          // before full_refund_until: all of it
  CHECK(t.refund(5001, until) == 2000);                              // from it: 40 %, rounded down
  CHECK(t.refund(5001, full_reservation().start + kDayMs) == 2000);  // even after the start, as before
  // Written back in today's shape, it reads as the same terms.
  Reservation r = *back;
  CHECK(reservation_from_storage(reservation_to_storage(r)) == r);
  stored["cancellation"] = {{"allowed", false}, {"full_refund_until", 0}, {"late_refund_percent", 0}};
  const auto refusing = reservation_from_storage(stored.dump());
  REQUIRE(refusing);
  CHECK(refusing->cancellation == CancellationTerms{});
  stored["cancellation"].erase("late_refund_percent");
  CHECK_FALSE(reservation_from_storage(stored.dump()));
}

TEST_CASE("records: an event type stored with the two-field policy reads as its tiers", "[records][tiers]") {
  Json stored = Json::parse(event_to_storage(full_event()));
  stored["cancellation"] = {{"refund_before_minutes", 60}, {"refund_percent", 25}};
  auto back = event_from_storage(stored.dump());
  REQUIRE(back);
  CHECK(back->cancellation == CancellationPolicy{{{60, 100}, {0, 25}}});
  CHECK(Json::parse(event_to_storage(*back))["cancellation"] ==
        Json{{"tiers", {{{"before_minutes", 60}, {"refund_percent", 100}}, {{"before_minutes", 0}, {"refund_percent", 25}}}}});
}

TEST_CASE("records: refunds round down to a whole minor unit", "[records][tiers]") {
  CHECK(refund_of(5001, 50) == 2500);
  CHECK(refund_of(99'999'999, 33) == 32'999'999);
  CHECK(refund_of(1, 99) == 0);
  CHECK(refund_of(1234, 100) == 1234);
  CHECK(refund_of(1234, 0) == 0);
}
