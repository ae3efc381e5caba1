// Pure scheduling rules (schedule_rules.h) and the slot ledger (slot_ledger.h): which
// start times are offered, what a booking blocks, and how blocked spans become
// versioned 15-minute buckets the store can check.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "slotguard/booking/domain.h"
#include "slotguard/booking/schedule_rules.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"

using namespace slotguard;

namespace {

int64_t at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

constexpr int64_t kNow = 1'893'456'000'000;  // 2030-01-01T00:00:00Z, the World's clock
constexpr int64_t kMin = kMinuteMs;

EventType event(int64_t duration, int64_t step = 30, int64_t before = 0, int64_t after = 0) {
  EventType e;
  e.id = "ev";
  e.expert_id = "ada";
  e.title = "t";
  e.duration_minutes = duration;
  e.slot_step_minutes = step;
  e.buffer_before_minutes = before;
  e.buffer_after_minutes = after;
  e.min_notice_minutes = 0;
  e.max_advance_days = 60;
  e.price = {5000, "eur"};
  return e;
}

KvItem bucket_item(std::string key, const std::vector<LedgerEntry>& entries, uint64_t version = 7) {
  KvItem it;
  it.key = std::move(key);
  it.value = encode_bucket(entries);
  it.version = version;
  return it;
}

KvItem absent(std::string key) {
  KvItem it;
  it.key = std::move(key);
  return it;
}

bool same_entries(const std::vector<LedgerEntry>& a, const std::vector<LedgerEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].rid != b[i].rid || a[i].start != b[i].start || a[i].end != b[i].end || a[i].expires != b[i].expires)
      return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------- blocked_span / overlaps

TEST_CASE("schedule: blocked_span widens the appointment by both buffers", "[schedule]") {
  const int64_t t = at("2030-01-02T10:00:00Z");
  Span plain = blocked_span(event(30), t);
  CHECK(plain.start == t);
  CHECK(plain.end == t + 30 * kMin);

  Span buffered = blocked_span(event(45, 15, 10, 20), t);
  CHECK(buffered.start == t - 10 * kMin);
  CHECK(buffered.end == t + (45 + 20) * kMin);

  Span before_only = blocked_span(event(30, 30, 240, 0), t);
  CHECK(before_only.start == t - 240 * kMin);
  CHECK(before_only.end == t + 30 * kMin);
}

TEST_CASE("schedule: overlaps is half-open, touching spans do not overlap", "[schedule]") {
  const int64_t t = at("2030-01-02T10:00:00Z");
  Span a{t, t + 30 * kMin};
  Span touching{t + 30 * kMin, t + 60 * kMin};
  CHECK_FALSE(overlaps(a, touching));
  CHECK_FALSE(overlaps(touching, a));
  CHECK(overlaps(a, {t + 30 * kMin - 1, t + 60 * kMin}));  // one millisecond in
  CHECK(overlaps(a, a));
  CHECK(overlaps(a, {t + 10 * kMin, t + 20 * kMin}));  // contained
  CHECK(overlaps({t + 10 * kMin, t + 20 * kMin}, a));  // contains
  CHECK_FALSE(overlaps(a, {t - 30 * kMin, t}));         // touching from the left

  // Two back-to-back 30-minute appointments touch; a buffer makes them overlap.
  EventType plain = event(30), buffered_after = event(30, 30, 0, 5), buffered_before = event(30, 30, 5, 0);
  CHECK_FALSE(overlaps(blocked_span(plain, t), blocked_span(plain, t + 30 * kMin)));
  CHECK(overlaps(blocked_span(buffered_after, t), blocked_span(plain, t + 30 * kMin)));
  CHECK(overlaps(blocked_span(plain, t), blocked_span(buffered_before, t + 30 * kMin)));
  // ... and a gap as large as the buffer makes them touch again.
  CHECK_FALSE(overlaps(blocked_span(buffered_after, t), blocked_span(plain, t + 35 * kMin)));
  CHECK_FALSE(overlaps(blocked_span(plain, t), blocked_span(buffered_before, t + 35 * kMin)));
}

// ---------------------------------------------------------------- check_slot

TEST_CASE("schedule: check_slot aligns starts to the step from UTC midnight", "[schedule]") {
  SECTION("step 30") {
    EventType e = event(30, 30);
    CHECK(check_slot(e, nullptr, at("2030-01-02T00:00:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-02T00:30:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-02T23:30:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-02T00:15:00Z"), kNow) == SlotRule::Misaligned);
    CHECK(check_slot(e, nullptr, at("2030-01-02T10:29:59Z"), kNow) == SlotRule::Misaligned);
    CHECK(check_slot(e, nullptr, at("2030-01-02T10:00:00.001Z"), kNow) == SlotRule::Misaligned);
  }
  SECTION("step 45: 00:00, 00:45, 01:30, 02:15 ...") {
    EventType e = event(30, 45);
    for (const char* ok : {"2030-01-02T00:00:00Z", "2030-01-02T00:45:00Z", "2030-01-02T01:30:00Z",
                           "2030-01-02T02:15:00Z", "2030-01-02T03:00:00Z", "2030-01-02T23:15:00Z",
                           "2030-01-03T00:00:00Z", "2030-01-03T00:45:00Z"}) {
      INFO(ok);
      CHECK(check_slot(e, nullptr, at(ok), kNow) == SlotRule::Offered);
    }
    for (const char* bad : {"2030-01-02T00:30:00Z", "2030-01-02T01:00:00Z", "2030-01-02T01:15:00Z",
                            "2030-01-02T02:00:00Z", "2030-01-02T23:30:00Z", "2030-01-03T00:30:00Z"}) {
      INFO(bad);
      CHECK(check_slot(e, nullptr, at(bad), kNow) == SlotRule::Misaligned);
    }
  }
  SECTION("step 90: 00:00, 01:30, 03:00 ... 22:30, then midnight") {
    EventType e = event(60, 90);
    for (const char* ok : {"2030-01-02T00:00:00Z", "2030-01-02T01:30:00Z", "2030-01-02T03:00:00Z",
                           "2030-01-02T22:30:00Z", "2030-01-03T00:00:00Z", "2030-01-03T01:30:00Z"}) {
      INFO(ok);
      CHECK(check_slot(e, nullptr, at(ok), kNow) == SlotRule::Offered);
    }
    for (const char* bad : {"2030-01-02T00:45:00Z", "2030-01-02T01:00:00Z", "2030-01-02T23:00:00Z",
                            "2030-01-02T23:30:00Z", "2030-01-03T00:30:00Z"}) {
      INFO(bad);
      CHECK(check_slot(e, nullptr, at(bad), kNow) == SlotRule::Misaligned);
    }
  }
  SECTION("a step that does not divide the day (50): the next day restarts at midnight") {
    // 45 and 90 divide 1440, so they cannot show the restart; 50 does not: 28 steps end
    // at 23:20, and continuing would give 00:10 the next day. Midnight counts instead.
    EventType e = event(30, 50);
    CHECK(check_slot(e, nullptr, at("2030-01-02T00:50:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-02T23:20:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-03T00:00:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-03T00:50:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-03T00:10:00Z"), kNow) == SlotRule::Misaligned);
    CHECK(check_slot(e, nullptr, at("2030-01-02T23:50:00Z"), kNow) == SlotRule::Misaligned);
  }
  SECTION("step 1440: only midnight") {
    EventType e = event(60, 1440);
    CHECK(check_slot(e, nullptr, at("2030-01-05T00:00:00Z"), kNow) == SlotRule::Offered);
    CHECK(check_slot(e, nullptr, at("2030-01-05T12:00:00Z"), kNow) == SlotRule::Misaligned);
  }
}

TEST_CASE("schedule: check_slot enforces minimum notice and the horizon, boundaries included", "[schedule]") {
  EventType e = event(30, 30);
  e.min_notice_minutes = 120;
  e.max_advance_days = 10;

  CHECK(check_slot(e, nullptr, kNow + 120 * kMin, kNow) == SlotRule::Offered);      // exactly the notice
  CHECK(check_slot(e, nullptr, kNow + 90 * kMin, kNow) == SlotRule::TooSoon);       // aligned, too soon
  CHECK(check_slot(e, nullptr, kNow + 120 * kMin, kNow + 1) == SlotRule::TooSoon);  // one ms later it is too soon
  CHECK(check_slot(e, nullptr, kNow - 30 * kMin, kNow) == SlotRule::TooSoon);       // the past

  CHECK(check_slot(e, nullptr, kNow + 10 * kDayMs, kNow) == SlotRule::Offered);     // exactly the horizon
  CHECK(check_slot(e, nullptr, kNow + 10 * kDayMs + 30 * kMin, kNow) == SlotRule::TooFarAhead);
  CHECK(check_slot(e, nullptr, kNow + 10 * kDayMs, kNow - 1) == SlotRule::TooFarAhead);

  // Zero notice: a slot starting right now is still offered, one step ago is not.
  e.min_notice_minutes = 0;
  CHECK(check_slot(e, nullptr, kNow, kNow) == SlotRule::Offered);
  CHECK(check_slot(e, nullptr, kNow - 30 * kMin, kNow) == SlotRule::TooSoon);

  // Misalignment is reported before notice and horizon.
  CHECK(check_slot(e, nullptr, kNow - 7 * kMin, kNow) == SlotRule::Misaligned);
  CHECK(check_slot(e, nullptr, kNow + 100 * kDayMs + 7 * kMin, kNow) == SlotRule::Misaligned);

  CHECK(std::string(slot_rule_message(SlotRule::TooSoon)).find("notice") != std::string::npos);
  CHECK(std::string(slot_rule_message(SlotRule::TooFarAhead)).find("horizon") != std::string::npos);
  CHECK(std::string(slot_rule_message(SlotRule::Misaligned)).find("step") != std::string::npos);
}

// ---------------------------------------------------------------- buckets

TEST_CASE("ledger: bucket_keys covers exactly the 15-minute buckets a span touches", "[ledger]") {
  const int64_t ten = at("2030-01-02T10:00:00Z");
  const int64_t b10 = ten / kBucketMs;
  auto key = [](int64_t b) { return keys::slot_bucket("ada", b); };

  CHECK(keys::slot_bucket("ada", b10) == "slot/ada/" + keys::padded(b10, 10));
  CHECK(keys::slot_bucket("ada", b10).size() == std::string("slot/ada/").size() + 10);

  // [10:00, 10:30) touches exactly 2; [10:00, 10:31) touches 3.
  CHECK(bucket_keys("ada", {ten, ten + 30 * kMin}) == std::vector<std::string>{key(b10), key(b10 + 1)});
  CHECK(bucket_keys("ada", {ten, ten + 31 * kMin}) == std::vector<std::string>{key(b10), key(b10 + 1), key(b10 + 2)});
  // Off-boundary starts: [10:05, 10:10) is one bucket, [10:14, 10:16) two.
  CHECK(bucket_keys("ada", {ten + 5 * kMin, ten + 10 * kMin}) == std::vector<std::string>{key(b10)});
  CHECK(bucket_keys("ada", {ten + 14 * kMin, ten + 16 * kMin}) == std::vector<std::string>{key(b10), key(b10 + 1)});
  // [09:59:59.999, 10:15) starts in the previous bucket.
  CHECK(bucket_keys("ada", {ten - 1, ten + 15 * kMin}) == std::vector<std::string>{key(b10 - 1), key(b10)});
  // A single millisecond.
  CHECK(bucket_keys("ada", {ten, ten + 1}) == std::vector<std::string>{key(b10)});
  // A whole day: 96 buckets, in ascending (bytewise) order, all distinct.
  auto day = bucket_keys("ada", {ten, ten + kDayMs});
  CHECK(day.size() == 96);
  CHECK(std::is_sorted(day.begin(), day.end()));
  CHECK(std::adjacent_find(day.begin(), day.end()) == day.end());

  CHECK(first_bucket({ten, ten + 30 * kMin}) == b10);
  CHECK(end_bucket({ten, ten + 30 * kMin}) == b10 + 2);
  CHECK(end_bucket({ten, ten + 31 * kMin}) == b10 + 3);

  // Keys are per expert: different experts never share a bucket key.
  CHECK(bucket_keys("bob", {ten, ten + 1})[0] != bucket_keys("ada", {ten, ten + 1})[0]);
}

TEST_CASE("ledger: two overlapping spans always share a bucket", "[ledger]") {
  const int64_t base = at("2030-01-02T08:00:00Z");
  // Exhaustive over 5-minute granularity spans inside a few hours.
  for (int64_t s1 = 0; s1 < 180; s1 += 5)
    for (int64_t l1 = 5; l1 <= 60; l1 += 5)
      for (int64_t s2 = s1; s2 < s1 + l1 + 10; s2 += 5) {
        Span a{base + s1 * kMin, base + (s1 + l1) * kMin};
        Span b{base + s2 * kMin, base + (s2 + 20) * kMin};
        if (!overlaps(a, b)) continue;
        auto ka = bucket_keys("ada", a), kb = bucket_keys("ada", b);
        bool shared = false;
        for (const auto& k : ka) shared |= std::find(kb.begin(), kb.end(), k) != kb.end();
        if (!shared) FAIL("overlapping spans share no bucket: " << s1 << "+" << l1 << " vs " << s2);
      }
  SUCCEED();
}

TEST_CASE("ledger: encode_bucket / decode_bucket round trip", "[ledger]") {
  std::vector<LedgerEntry> entries{{"rsv_a", 100, 200, 0},
                                   {"rsv_b", 1'893'578'400'000, 1'893'580'200'000, 1'893'460'000'000},
                                   {"rsv_\"quoted\"\\", 5, 6, 7}};
  auto back = decode_bucket(encode_bucket(entries));
  REQUIRE(back.has_value());
  CHECK(same_entries(*back, entries));

  auto empty = decode_bucket(encode_bucket({}));
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}

TEST_CASE("ledger: decode_bucket rejects malformed values", "[ledger]") {
  for (const char* bad : {
           "",
           "not json",
           "[]",
           "{}",
           "null",
           R"({"spans":{}})",
           R"({"spans":"x"})",
           R"({"spans":[1]})",
           R"({"spans":[{"s":1,"e":2,"x":0}]})",                    // no rid
           R"({"spans":[{"r":"a","e":2,"x":0}]})",                  // no start
           R"({"spans":[{"r":"a","s":1,"x":0}]})",                  // no end
           R"({"spans":[{"r":"a","s":1,"e":2}]})",                  // no expiry
           R"({"spans":[{"r":5,"s":1,"e":2,"x":0}]})",              // rid not a string
           R"({"spans":[{"r":"a","s":"1","e":2,"x":0}]})",          // start not an integer
           R"({"spans":[{"r":"a","s":1.5,"e":2,"x":0}]})",          // start not an integer
           R"({"spans":[{"r":"a","s":1,"e":2,"x":null}]})",         // expiry null
           R"({"spans":[{"r":"a","s":2,"e":2,"x":0}]})",            // empty span
           R"({"spans":[{"r":"a","s":3,"e":2,"x":0}]})",            // reversed span
           R"({"spans":[{"r":"a","s":1,"e":2,"x":0},{"r":"b"}]})",  // one good, one bad
           R"({"spans":[{"r":"a","s":1,"e":18446744073709551615,"x":0}]})",  // beyond int64
           R"({"spans":[[[[[[1]]]]]]})",                            // too deep
           "{\"spans\":[{\"r\":\"\xff\",\"s\":1,\"e\":2,\"x\":0}]}",  // invalid UTF-8
       }) {
    INFO(bad);
    CHECK_FALSE(decode_bucket(bad).has_value());
  }
}

// ---------------------------------------------------------------- span_taken

TEST_CASE("ledger: span_taken ignores self and expired entries, respects confirmed ones", "[ledger]") {
  const int64_t ten = at("2030-01-02T10:00:00Z");
  const Span want{ten, ten + 30 * kMin};
  const std::string k0 = keys::slot_bucket("ada", ten / kBucketMs), k1 = keys::slot_bucket("ada", ten / kBucketMs + 1);

  SECTION("empty and absent buckets are free") {
    CHECK(span_taken({}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
    CHECK(span_taken({absent(k0), absent(k1)}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
    CHECK(span_taken({bucket_item(k0, {})}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
  }
  SECTION("another active pending entry takes it") {
    auto b = bucket_item(k1, {{"other", ten + 15 * kMin, ten + 45 * kMin, kNow + 1}});
    CHECK(span_taken({absent(k0), b}, want, kNow, Claim{"me"}) == std::optional<bool>(true));
    CHECK(span_taken({absent(k0), b}, want, kNow, Claim{}) == std::optional<bool>(true));
  }
  SECTION("self is ignored") {
    auto b = bucket_item(k0, {{"me", ten, ten + 30 * kMin, 0}});
    CHECK(span_taken({b}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
    CHECK(span_taken({b}, want, kNow, Claim{"someone"}) == std::optional<bool>(true));
  }
  SECTION("expired entries (expires <= now) are ignored") {
    auto at_now = bucket_item(k0, {{"other", ten, ten + 30 * kMin, kNow}});
    auto past = bucket_item(k0, {{"other", ten, ten + 30 * kMin, kNow - 1}});
    auto future = bucket_item(k0, {{"other", ten, ten + 30 * kMin, kNow + 1}});
    CHECK(span_taken({at_now}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
    CHECK(span_taken({past}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
    CHECK(span_taken({future}, want, kNow, Claim{"me"}) == std::optional<bool>(true));
  }
  SECTION("confirmed entries (expires 0) never expire") {
    auto b = bucket_item(k0, {{"paid", ten, ten + 30 * kMin, 0}});
    CHECK(span_taken({b}, want, kNow + 1000 * kDayMs, Claim{"me"}) == std::optional<bool>(true));
  }
  SECTION("entries in a shared bucket that only touch do not take it") {
    // [09:45, 10:00) and [10:30, 10:45) share no instant with [10:00, 10:30).
    auto b = bucket_item(k0, {{"left", ten - 15 * kMin, ten, 0}, {"right", ten + 30 * kMin, ten + 45 * kMin, 0}});
    CHECK(span_taken({b}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
  }
  SECTION("an undecodable present bucket is an untrusted answer") {
    KvItem junk{k0, "garbage", 3};
    CHECK_FALSE(span_taken({junk}, want, kNow, Claim{"me"}).has_value());
    // An absent item's value is never looked at.
    KvItem ghost{k0, "garbage", 0};
    CHECK(span_taken({ghost}, want, kNow, Claim{"me"}) == std::optional<bool>(false));
  }
}

// ---------------------------------------------------------------- plan_ledger_update

TEST_CASE("ledger: plan_ledger_update", "[ledger]") {
  const int64_t ten = at("2030-01-02T10:00:00Z");
  const std::string k0 = keys::slot_bucket("ada", ten / kBucketMs), k1 = keys::slot_bucket("ada", ten / kBucketMs + 1);
  const LedgerEntry mine{"me", ten, ten + 30 * kMin, kNow + 40 * kMin};
  // Spans the first bucket only (plan_ledger_update insists on every bucket a span touches).
  const LedgerEntry one{"me", ten, ten + 15 * kMin, kNow + 40 * kMin};
  const LedgerEntry other{"other", ten - 30 * kMin, ten, kNow + 40 * kMin};
  const LedgerEntry stale{"stale", ten, ten + 30 * kMin, kNow - 1};
  std::vector<KvCheck> checks;
  std::vector<KvMutation> muts;

  auto decoded_set = [&](const KvMutation& m) {
    REQUIRE(m.op == KvMutation::Op::Set);
    auto d = decode_bucket(m.value);
    REQUIRE(d.has_value());
    return *d;
  };

  SECTION("adds an entry to absent buckets, checking each is still absent") {
    REQUIRE(plan_ledger_update({absent(k0), absent(k1)}, "me", mine, kNow, checks, muts));
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].key == k0);
    CHECK(checks[0].version == 0);
    CHECK(checks[1].key == k1);
    CHECK(checks[1].version == 0);
    REQUIRE(muts.size() == 2);
    CHECK(muts[0].key == k0);
    CHECK(muts[1].key == k1);
    CHECK(same_entries(decoded_set(muts[0]), {mine}));
    CHECK(same_entries(decoded_set(muts[1]), {mine}));
  }
  SECTION("adds next to other active entries, keeping them") {
    REQUIRE(plan_ledger_update({bucket_item(k0, {other}, 11)}, "me", one, kNow, checks, muts));
    REQUIRE(checks.size() == 1);
    CHECK(checks[0].version == 11);
    REQUIRE(muts.size() == 1);
    CHECK(same_entries(decoded_set(muts[0]), {other, one}));
  }
  SECTION("removes our entry, keeping others") {
    REQUIRE(plan_ledger_update({bucket_item(k0, {other, one}, 5)}, "me", std::nullopt, kNow, checks, muts));
    REQUIRE(muts.size() == 1);
    CHECK(same_entries(decoded_set(muts[0]), {other}));
  }
  SECTION("deletes a bucket that becomes empty") {
    REQUIRE(plan_ledger_update({bucket_item(k0, {one}, 5), bucket_item(k1, {one, stale}, 6)}, "me", std::nullopt,
                               kNow, checks, muts));
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].version == 5);
    CHECK(checks[1].version == 6);
    REQUIRE(muts.size() == 2);
    CHECK(muts[0].op == KvMutation::Op::Delete);
    CHECK(muts[0].key == k0);
    CHECK(muts[1].op == KvMutation::Op::Delete);
    CHECK(muts[1].key == k1);
  }
  SECTION("prunes expired entries on the way") {
    REQUIRE(plan_ledger_update({bucket_item(k0, {stale, other}, 5)}, "me", one, kNow, checks, muts));
    REQUIRE(muts.size() == 1);
    CHECK(same_entries(decoded_set(muts[0]), {other, one}));
  }
  SECTION("an entry expiring exactly now is pruned") {
    LedgerEntry edge{"edge", ten, ten + 30 * kMin, kNow};
    REQUIRE(plan_ledger_update({bucket_item(k0, {edge}, 5)}, "me", std::nullopt, kNow, checks, muts));
    REQUIRE(muts.size() == 1);
    CHECK(muts[0].op == KvMutation::Op::Delete);
  }
  SECTION("confirmed entries (expires 0) are never pruned") {
    LedgerEntry paid{"paid", ten - 30 * kMin, ten, 0};
    REQUIRE(plan_ledger_update({bucket_item(k0, {paid}, 5)}, "me", one, kNow + 500 * kDayMs, checks, muts));
    REQUIRE(muts.size() == 1);
    CHECK(same_entries(decoded_set(muts[0]), {paid, one}));
  }
  SECTION("a changed expiry of our own entry rewrites the bucket") {
    LedgerEntry confirmed = one;
    confirmed.expires = 0;
    REQUIRE(plan_ledger_update({bucket_item(k0, {other, one}, 5)}, "me", confirmed, kNow, checks, muts));
    REQUIRE(muts.size() == 1);
    CHECK(same_entries(decoded_set(muts[0]), {other, confirmed}));
  }
  SECTION("no mutation when nothing changes, but every bucket read is still checked") {
    REQUIRE(plan_ledger_update({bucket_item(k0, {other, mine}, 5), bucket_item(k1, {mine}, 9)}, "me", mine, kNow,
                               checks, muts));
    CHECK(muts.empty());
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].key == k0);
    CHECK(checks[0].version == 5);
    CHECK(checks[1].key == k1);
    CHECK(checks[1].version == 9);

    // Absent stays absent when we are not adding ourselves; others stay untouched.
    checks.clear();
    REQUIRE(plan_ledger_update({bucket_item(k0, {other}, 5), absent(k1)}, "me", std::nullopt, kNow, checks, muts));
    CHECK(muts.empty());
    CHECK(checks.size() == 2);
  }
  SECTION("an undecodable bucket refuses the whole plan") {
    KvItem junk{k1, "{\"spans\":5}", 4};
    CHECK_FALSE(plan_ledger_update({absent(k0), junk}, "me", mine, kNow, checks, muts));
  }
  SECTION("appends to what the caller already planned") {
    checks.push_back({"rsv/me", 0});
    muts.push_back({KvMutation::Op::Set, "rsv/me", "{}"});
    REQUIRE(plan_ledger_update({absent(k0)}, "me", one, kNow, checks, muts));
    CHECK(checks.size() == 2);
    CHECK(muts.size() == 2);
    CHECK(checks[0].key == "rsv/me");
    CHECK(muts[0].key == "rsv/me");
  }
}
