// Calendar feeds' rules (core/slotguard/booking/calendar_feeds.h), alone: which blocks a
// feed's events become (pieces of at most a day counted from the event's start, kept
// while they overlap the window, stable ids while the window moves), the id shape the
// sync recognises as its own, the window, and all-day events in the expert's zone.
#include <catch2/catch.hpp>

#include <set>

#include "slotguard/booking/calendar_feeds.h"
#include "slotguard/booking/domain.h"
#include "slotguard/time/time_rfc3339.h"

using namespace slotguard;

namespace {

int64_t at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  REQUIRE(t);
  return *t;
}

// March 2026 (a function: REQUIRE may not run before a test case does).
SyncWindow march() { return {at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")}; }

std::vector<FeedBlock> blocks_of(const std::vector<FeedEvent>& events, SyncWindow w) {
  std::string message;
  auto out = calendar_blocks(events, "0123abcd", w, kDayMs, &message);
  INFO(message);
  REQUIRE(out);
  return *out;
}

std::vector<FeedBlock> blocks_of(const std::vector<FeedEvent>& events) { return blocks_of(events, march()); }

}  // namespace

TEST_CASE("calendar: an event longer than a day becomes pieces of at most a day from its start", "[calendar]") {
  auto b = blocks_of({{"trip", at("2026-03-10T06:00:00Z"), at("2026-03-12T18:00:00Z")}});
  REQUIRE(b.size() == 3);
  CHECK(b[0].start_ms == at("2026-03-10T06:00:00Z"));
  CHECK(b[0].end_ms == at("2026-03-11T06:00:00Z"));
  CHECK(b[2].start_ms == at("2026-03-12T06:00:00Z"));
  CHECK(b[2].end_ms == at("2026-03-12T18:00:00Z"));
  std::set<std::string> ids;
  for (const auto& piece : b) {
    CHECK(calendar_feed_of_block(piece.id) == "0123abcd");
    CHECK(valid_client_id(piece.id));
    ids.insert(piece.id);
  }
  CHECK(ids.size() == 3);
}

TEST_CASE("calendar: pieces keep their ids while the window moves over an event", "[calendar]") {
  const FeedEvent away{"away", at("2026-02-20T00:00:00Z"), at("2026-03-05T00:00:00Z")};
  auto march = blocks_of({away});
  // Only the pieces that reach into March: 1 March to 5 March.
  REQUIRE(march.size() == 4);
  CHECK(march[0].start_ms == at("2026-03-01T00:00:00Z"));
  auto later = blocks_of({away}, {at("2026-03-03T00:00:00Z"), at("2026-04-03T00:00:00Z")});
  REQUIRE(later.size() == 2);
  CHECK(later[0].id == march[2].id);
  CHECK(later[1].id == march[3].id);
}

TEST_CASE("calendar: events outside the window make no block; one straddling its end stays whole", "[calendar]") {
  auto b = blocks_of({{"past", at("2026-02-27T09:00:00Z"), at("2026-02-27T10:00:00Z")},
                      {"late", at("2026-03-31T23:30:00Z"), at("2026-04-01T00:30:00Z")},
                      {"after", at("2026-04-02T09:00:00Z"), at("2026-04-02T10:00:00Z")}});
  REQUIRE(b.size() == 1);
  CHECK(b[0].end_ms == at("2026-04-01T00:30:00Z"));
}

TEST_CASE("calendar: two events with one key, or too many blocks, are refused", "[calendar]") {
  std::string message;
  const FeedEvent e{"k", at("2026-03-02T09:00:00Z"), at("2026-03-02T10:00:00Z")};
  CHECK_FALSE(calendar_blocks({e, e}, "0123abcd", march(), kDayMs, &message));
  CHECK(message == "two events share the key k");
  std::vector<FeedEvent> many;
  for (int i = 0; i < 70; ++i) many.push_back({"long-" + std::to_string(i), march().from_ms, march().to_ms});
  CHECK_FALSE(calendar_blocks(many, "0123abcd", march(), kDayMs, &message));
  CHECK(message.find("at most 2000") != std::string::npos);
}

TEST_CASE("calendar: only the exact id shape is a calendar block", "[calendar]") {
  const std::string id = blocks_of({{"k", at("2026-03-02T09:00:00Z"), at("2026-03-02T10:00:00Z")}})[0].id;
  CHECK(id.size() == 37);
  CHECK(calendar_feed_of_block(id) == "0123abcd");
  CHECK(calendar_feed_of_block("cal-lunch").empty());
  CHECK(calendar_feed_of_block("cal-0123abcd-mine").empty());
  CHECK(calendar_feed_of_block("cal-0123ABCD-" + id.substr(13)).empty());
  CHECK(calendar_feed_of_block("lunch").empty());
}

TEST_CASE("calendar: the window runs from today's UTC midnight for the horizon", "[calendar]") {
  const SyncWindow w = calendar_sync_window(at("2026-03-10T15:45:00Z"), 90);
  CHECK(w.from_ms == at("2026-03-10T00:00:00Z"));
  CHECK(w.to_ms == at("2026-06-08T00:00:00Z"));
}

TEST_CASE("calendar: all-day events are the expert's local days, UTC without hours", "[calendar]") {
  auto body = parse_json(R"([{"key": "k", "start_date": "2026-03-28", "end_date": "2026-03-30"}])");
  REQUIRE(body);
  std::string message;
  auto utc = feed_events_from_request(*body, nullptr, &message);
  REQUIRE(utc);
  CHECK((*utc)[0].start_ms == at("2026-03-28T00:00:00Z"));
  CHECK((*utc)[0].end_ms == at("2026-03-30T00:00:00Z"));
  auto hours_doc = parse_json(R"({"time_zone": "Europe/Berlin", "weekly": {"mon": [["09:00", "17:00"]]}})");
  REQUIRE(hours_doc);
  auto hours = availability_from_request(*hours_doc, &message);
  REQUIRE(hours);
  auto berlin = feed_events_from_request(*body, &*hours, &message);
  REQUIRE(berlin);
  // Berlin moves to summer time on 29 March: a 47-hour span of two local days.
  CHECK((*berlin)[0].start_ms == at("2026-03-27T23:00:00Z"));
  CHECK((*berlin)[0].end_ms == at("2026-03-29T22:00:00Z"));
}

TEST_CASE("calendar: feed URLs are http(s) with a host; an id follows from its URL", "[calendar]") {
  std::string message;
  auto ok = parse_json(R"({"feeds": [{"url": "https://example.com/a.ics"}, {"url": "http://h/b"}]})");
  REQUIRE(ok);
  auto feeds = calendar_feeds_from_request(*ok, &message);
  REQUIRE(feeds);
  CHECK((*feeds)[0].id == calendar_feed_id("https://example.com/a.ics"));
  CHECK(valid_calendar_feed_id((*feeds)[0].id));
  for (const char* bad : {R"({"feeds": [{"url": "file:///etc/passwd"}]})", R"({"feeds": [{"url": "https://"}]})",
                          R"({"feeds": [{"url": "https://example.com/\u00e9"}]})", R"({"feeds": "x"})"}) {
    auto doc = parse_json(bad);
    REQUIRE(doc);
    CHECK_FALSE(calendar_feeds_from_request(*doc, &message));
  }
}
