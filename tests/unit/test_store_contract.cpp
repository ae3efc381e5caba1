// The store contract (core/slotguard/host/store_types.h) exercised against every native backend.
// Each contract TEST_CASE GENERATEs over backend names, so the memory store and the
// SQLite store run the very same assertions; SQLite-only cases (persistence, separate
// connections) follow at the end.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "kv_store.h"
#include "slotguard/host/store_types.h"

using slotguard::CommitOutcome;
using slotguard::KvCheck;
using slotguard::KvItem;
using slotguard::KvListResult;
using slotguard::KvMutation;
using slotguard::native::KvStore;

namespace {

using namespace std::string_literals;  // "..."s keeps embedded NULs

// A fresh directory under /tmp per test run of a backend, removed afterwards together
// with the database and its -wal/-shm companions.
class TempDb {
 public:
  TempDb() {
    char tmpl[] = "/tmp/slotguard-store-test-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    REQUIRE(dir != nullptr);
    dir_ = dir;
    path_ = dir_ + "/kv.sqlite";
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// One backend under test. Member order matters: stores close before the file goes.
class Backend {
 public:
  explicit Backend(const std::string& name) : name_(name) {
    if (name == "sqlite") {
      db_.emplace();
      store_ = slotguard::native::make_sqlite_store(db_->path());
    } else {
      store_ = slotguard::native::make_memory_store();
    }
    REQUIRE(store_ != nullptr);
  }
  KvStore& store() { return *store_; }
  // A second handle on the same data, as another process would have. The memory store
  // has no separate handles, so it shares the one object (it is internally locked).
  KvStore& peer() {
    if (!db_) return *store_;
    peers_.push_back(slotguard::native::make_sqlite_store(db_->path()));
    REQUIRE(peers_.back() != nullptr);
    return *peers_.back();
  }

 private:
  std::string name_;
  std::optional<TempDb> db_;
  std::unique_ptr<KvStore> store_;
  std::vector<std::unique_ptr<KvStore>> peers_;
};

KvMutation set_op(const std::string& key, const std::string& value) {
  return KvMutation{KvMutation::Op::Set, key, value};
}
KvMutation del_op(const std::string& key) { return KvMutation{KvMutation::Op::Delete, key, ""}; }

KvItem read_one(KvStore& s, const std::string& key) {
  auto items = s.read({key});
  REQUIRE(items.has_value());
  REQUIRE(items->size() == 1);
  return items->front();
}

CommitOutcome commit(KvStore& s, const std::vector<KvCheck>& checks,
                     const std::vector<KvMutation>& mutations) {
  auto out = s.commit(checks, mutations);
  REQUIRE(out.has_value());
  return *out;
}

void put(KvStore& s, const std::string& key, const std::string& value) {
  REQUIRE(commit(s, {}, {set_op(key, value)}) == CommitOutcome::Committed);
}

std::vector<std::string> keys_of(const KvListResult& r) {
  std::vector<std::string> keys;
  for (const KvItem& item : r.items) keys.push_back(item.key);
  return keys;
}

KvListResult list(KvStore& s, const std::string& start, const std::string& end, size_t limit,
                  const std::string& after = "") {
  auto r = s.list(start, end, limit, after);
  REQUIRE(r.has_value());
  return *r;
}

#define FOR_EACH_BACKEND()                                                      \
  const std::string backend_name = GENERATE(as<std::string>{}, "memory", "sqlite"); \
  INFO("backend: " << backend_name);                                            \
  Backend backend(backend_name);                                                \
  KvStore& store = backend.store()

}  // namespace

TEST_CASE("store: absent keys read as version 0", "[store]") {
  FOR_EACH_BACKEND();
  auto items = store.read({"nope", ""s, "with\0nul"s});
  REQUIRE(items.has_value());
  REQUIRE(items->size() == 3);
  for (const KvItem& item : *items) {
    CHECK(item.version == 0);
    CHECK_FALSE(item.present());
    CHECK(item.value.empty());
  }
  CHECK((*items)[1].key == ""s);
  CHECK((*items)[2].key == "with\0nul"s);
  CHECK(store.read({})->empty());
}

TEST_CASE("store: set then read round-trips arbitrary bytes", "[store]") {
  FOR_EACH_BACKEND();
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  REQUIRE(commit(store, {},
                 {set_op("plain", "hello"), set_op("k\0ey"s, "v\0al\0"s), set_op("bin", all_bytes),
                  set_op("empty-value", ""), set_op(""s, "empty key")}) ==
          CommitOutcome::Committed);

  auto items = store.read({"plain", "k\0ey"s, "k"s, "bin", "empty-value", ""s});
  REQUIRE(items.has_value());
  REQUIRE(items->size() == 6);
  CHECK((*items)[0].value == "hello");
  CHECK((*items)[1].value == "v\0al\0"s);
  CHECK((*items)[1].key == "k\0ey"s);
  CHECK_FALSE((*items)[2].present());  // "k" is a prefix of "k\0ey", not the same key
  CHECK((*items)[3].value == all_bytes);
  CHECK((*items)[4].present());        // an empty value is still a present key
  CHECK((*items)[4].value.empty());
  CHECK((*items)[5].value == "empty key");
  for (size_t i : {0u, 1u, 3u, 4u, 5u}) CHECK((*items)[i].version > 0);
}

TEST_CASE("store: duplicate keys in read are answered in the order given", "[store]") {
  FOR_EACH_BACKEND();
  put(store, "a", "A");
  put(store, "b", "B");
  auto items = store.read({"b", "a", "b", "missing", "a"});
  REQUIRE(items.has_value());
  REQUIRE(items->size() == 5);
  const std::vector<std::string> keys = {"b", "a", "b", "missing", "a"};
  const std::vector<std::string> values = {"B", "A", "B", "", "A"};
  for (size_t i = 0; i < keys.size(); ++i) {
    CHECK((*items)[i].key == keys[i]);
    CHECK((*items)[i].value == values[i]);
  }
  CHECK((*items)[0].version == (*items)[2].version);
  CHECK((*items)[1].version == (*items)[4].version);
  CHECK((*items)[3].version == 0);
}

TEST_CASE("store: versions only grow, even across delete and recreate", "[store]") {
  FOR_EACH_BACKEND();
  put(store, "k", "1");
  const uint64_t v1 = read_one(store, "k").version;
  put(store, "k", "2");
  const uint64_t v2 = read_one(store, "k").version;
  put(store, "other", "x");
  put(store, "k", "3");
  const uint64_t v3 = read_one(store, "k").version;
  CHECK(v1 > 0);
  CHECK(v2 > v1);
  CHECK(v3 > v2);

  REQUIRE(commit(store, {}, {del_op("k")}) == CommitOutcome::Committed);
  const KvItem gone = read_one(store, "k");
  CHECK(gone.version == 0);
  CHECK(gone.value.empty());

  put(store, "k", "again");
  const KvItem back = read_one(store, "k");
  CHECK(back.value == "again");
  CHECK(back.version > v3);  // a stale check on v1..v3 can never match the new key
  CHECK(commit(store, {{"k", v3}}, {set_op("k", "stale")}) == CommitOutcome::Conflict);
}

TEST_CASE("store: a failed check writes nothing", "[store]") {
  FOR_EACH_BACKEND();
  put(store, "a", "a1");
  const uint64_t stale = read_one(store, "a").version;
  put(store, "a", "a2");
  put(store, "d", "keep me");
  const uint64_t current = read_one(store, "a").version;
  const uint64_t d_version = read_one(store, "d").version;
  put(store, "fresh", "f");
  const uint64_t fresh = read_one(store, "fresh").version;

  // One passing check, one stale check: the whole commit must be refused.
  CHECK(commit(store, {{"fresh", fresh}, {"a", stale}},
               {set_op("a", "overwritten"), set_op("b", "new"), set_op("c", "new"), del_op("d"),
                set_op("fresh", "changed")}) == CommitOutcome::Conflict);

  auto items = store.read({"a", "b", "c", "d", "fresh"});
  REQUIRE(items.has_value());
  CHECK((*items)[0].value == "a2");
  CHECK((*items)[0].version == current);
  CHECK_FALSE((*items)[1].present());
  CHECK_FALSE((*items)[2].present());
  CHECK((*items)[3].value == "keep me");
  CHECK((*items)[3].version == d_version);
  CHECK((*items)[4].value == "f");
  CHECK((*items)[4].version == fresh);
  CHECK(list(store, "", "\xff", 100).items.size() == 3);  // a, d, fresh: nothing new

  // The same commit against the current version goes through.
  CHECK(commit(store, {{"a", current}}, {set_op("a", "a3")}) == CommitOutcome::Committed);
  CHECK(read_one(store, "a").value == "a3");
}

TEST_CASE("store: absent checks", "[store]") {
  FOR_EACH_BACKEND();
  // Absent check on an absent key passes (create-if-absent).
  CHECK(commit(store, {{"k", 0}}, {set_op("k", "v")}) == CommitOutcome::Committed);
  // ...and fails once the key exists.
  CHECK(commit(store, {{"k", 0}}, {set_op("k", "again")}) == CommitOutcome::Conflict);
  CHECK(read_one(store, "k").value == "v");
  // A version check on an absent key fails too.
  CHECK(commit(store, {{"missing", 1}}, {set_op("missing", "x")}) == CommitOutcome::Conflict);
  CHECK_FALSE(read_one(store, "missing").present());

  // After a delete the key is absent again.
  const uint64_t v = read_one(store, "k").version;
  CHECK(commit(store, {{"k", v}}, {del_op("k")}) == CommitOutcome::Committed);
  CHECK(commit(store, {{"k", 0}}, {set_op("k", "reborn")}) == CommitOutcome::Committed);
  CHECK(read_one(store, "k").value == "reborn");
}

TEST_CASE("store: commit shapes", "[store]") {
  FOR_EACH_BACKEND();
  SECTION("empty commit is Committed") {
    CHECK(commit(store, {}, {}) == CommitOutcome::Committed);
  }
  SECTION("checks only: Committed, nothing changes") {
    put(store, "k", "v");
    const uint64_t v = read_one(store, "k").version;
    CHECK(commit(store, {{"k", v}, {"absent", 0}}, {}) == CommitOutcome::Committed);
    CHECK(read_one(store, "k").version == v);
    CHECK(commit(store, {{"k", v + 1}}, {}) == CommitOutcome::Conflict);
  }
  SECTION("a key both checked and mutated") {
    put(store, "k", "v1");
    const uint64_t v = read_one(store, "k").version;
    CHECK(commit(store, {{"k", v}}, {set_op("k", "v2")}) == CommitOutcome::Committed);
    const KvItem now = read_one(store, "k");
    CHECK(now.value == "v2");
    CHECK(now.version > v);
  }
  SECTION("repeated mutations of a key: last wins") {
    CHECK(commit(store, {}, {set_op("a", "1"), set_op("a", "2"), set_op("a", "3")}) ==
          CommitOutcome::Committed);
    CHECK(read_one(store, "a").value == "3");
    CHECK(commit(store, {}, {set_op("b", "x"), del_op("b")}) == CommitOutcome::Committed);
    CHECK_FALSE(read_one(store, "b").present());
    CHECK(commit(store, {}, {del_op("a"), set_op("a", "after delete")}) ==
          CommitOutcome::Committed);
    CHECK(read_one(store, "a").value == "after delete");
  }
  SECTION("deleting an absent key is fine") {
    CHECK(commit(store, {}, {del_op("never")}) == CommitOutcome::Committed);
    CHECK_FALSE(read_one(store, "never").present());
  }
}

TEST_CASE("store: list honours start (inclusive), end (exclusive), after and limit",
          "[store]") {
  FOR_EACH_BACKEND();
  for (const char* k : {"a", "b", "c", "d", "e"}) put(store, k, std::string("v-") + k);

  const KvListResult mid = list(store, "b", "d", 10);
  CHECK(keys_of(mid) == std::vector<std::string>{"b", "c"});
  CHECK_FALSE(mid.more);
  REQUIRE(mid.items.size() == 2);
  CHECK(mid.items[0].value == "v-b");
  CHECK(mid.items[0].version == read_one(store, "b").version);

  // Bounds that fall between keys.
  CHECK(keys_of(list(store, "aa", "cc", 10)) == std::vector<std::string>{"b", "c"});
  // Empty ranges.
  CHECK(list(store, "c", "c", 10).items.empty());
  CHECK(list(store, "d", "b", 10).items.empty());
  CHECK(list(store, "x", "z", 10).items.empty());
  // `after` is exclusive and only tightens the start.
  CHECK(keys_of(list(store, "a", "z", 10, "b")) == std::vector<std::string>{"c", "d", "e"});
  CHECK(keys_of(list(store, "c", "z", 10, "a")) == std::vector<std::string>{"c", "d", "e"});
  CHECK(list(store, "a", "c", 10, "e").items.empty());
  // Limits.
  const KvListResult two = list(store, "a", "z", 2);
  CHECK(keys_of(two) == std::vector<std::string>{"a", "b"});
  CHECK(two.more);
  const KvListResult exact = list(store, "a", "z", 5);
  CHECK(exact.items.size() == 5);
  CHECK_FALSE(exact.more);  // exactly `limit` keys and none left
  const KvListResult zero = list(store, "a", "z", 0);
  CHECK(zero.items.empty());
  CHECK(zero.more);
  CHECK_FALSE(list(store, "x", "z", 0).more);
  const KvListResult huge = list(store, "a", "z", SIZE_MAX);
  CHECK(huge.items.size() == 5);
  CHECK_FALSE(huge.more);
  // Deleted keys disappear from listings.
  REQUIRE(commit(store, {}, {del_op("c")}) == CommitOutcome::Committed);
  CHECK(keys_of(list(store, "a", "z", 10)) == std::vector<std::string>{"a", "b", "d", "e"});
}

TEST_CASE("store: paging 25 keys in pages of 10 with the after cursor", "[store]") {
  FOR_EACH_BACKEND();
  std::vector<std::string> expected;
  std::vector<KvMutation> writes;
  for (int i = 0; i < 25; ++i) {
    char key[16];
    snprintf(key, sizeof key, "item/%02d", i);
    expected.push_back(key);
    writes.push_back(set_op(key, std::to_string(i)));
  }
  // Neighbours just outside [item/, item0): '/' is 0x2f and '0' is 0x30.
  for (const char* k : {"item", "item.", "item0", "item00", "iten"}) writes.push_back(set_op(k, "x"));
  REQUIRE(commit(store, {}, writes) == CommitOutcome::Committed);

  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::vector<bool> mores;
  std::string after;
  for (int guard = 0; guard < 10; ++guard) {
    const KvListResult page = list(store, "item/", "item0", 10, after);
    page_sizes.push_back(page.items.size());
    mores.push_back(page.more);
    for (const KvItem& item : page.items) seen.push_back(item.key);
    if (!page.more) break;
    after = page.items.back().key;
  }
  CHECK(page_sizes == std::vector<size_t>{10, 10, 5});
  CHECK(mores == std::vector<bool>{true, true, false});
  CHECK(seen == expected);
}

TEST_CASE("store: list order is bytewise (unsigned bytes)", "[store]") {
  FOR_EACH_BACKEND();
  // Ascending bytewise. "a\x7f" < "a\x80" fails under signed-char comparison, and
  // "a\0" < "a/" fails if keys are treated as C strings.
  const std::vector<std::string> sorted = {
      "a", "a\0"s, "a/b", "a0", "a\x7f", "a\x80", "a\xff", "a\xff\xff", "b", "\x80", "\xff",
  };
  // Insert in a scrambled order, across several commits.
  for (size_t i : {6u, 2u, 9u, 0u, 4u, 10u, 7u, 1u, 5u, 3u, 8u}) put(store, sorted[i], "v");

  const KvListResult all = list(store, ""s, "\xff\xff\xff", 100);
  CHECK(keys_of(all) == sorted);
  CHECK_FALSE(all.more);

  CHECK(keys_of(list(store, "a\x80", "b", 100)) ==
        std::vector<std::string>{"a\x80", "a\xff", "a\xff\xff"});
  CHECK(keys_of(list(store, "a", "a0", 100)) == std::vector<std::string>{"a", "a\0"s, "a/b"});
  CHECK(keys_of(list(store, "a", "b", 100, "a\x7f")) ==
        std::vector<std::string>{"a\x80", "a\xff", "a\xff\xff"});
  CHECK(keys_of(list(store, "\x80", "\xff\xff", 100)) == std::vector<std::string>{"\x80", "\xff"});

  // Page through with a cursor that contains high bytes.
  std::vector<std::string> seen;
  std::string after;
  for (int guard = 0; guard < 20; ++guard) {
    const KvListResult page = list(store, ""s, "\xff\xff\xff", 3, after);
    for (const KvItem& item : page.items) seen.push_back(item.key);
    if (!page.more) break;
    after = page.items.back().key;
  }
  CHECK(seen == sorted);
}

TEST_CASE("store: a multi-key read is one snapshot", "[store]") {
  FOR_EACH_BACKEND();
  // The writer rewrites all keys together in every commit; any read that mixes two
  // commits shows different values. For SQLite the writer is a separate connection.
  const std::vector<std::string> keys = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"};
  auto write_all = [&](KvStore& s, int round) {
    std::vector<KvMutation> m;
    for (const std::string& k : keys) m.push_back(set_op(k, std::to_string(round)));
    return s.commit({}, m) == CommitOutcome::Committed;
  };
  REQUIRE(write_all(store, 0));
  KvStore& writer_store = backend.peer();

  std::atomic<bool> stop{false};
  std::atomic<int> writer_failures{0};
  std::atomic<int> rounds{0};
  std::thread writer([&] {
    for (int round = 1; !stop.load() && round < 100000; ++round) {
      if (!write_all(writer_store, round)) writer_failures.fetch_add(1);
      rounds.store(round);
    }
  });

  std::vector<std::string> query = keys;
  query.insert(query.end(), keys.rbegin(), keys.rend());  // duplicates too
  int torn = 0, failed = 0, reads = 0;
  // Read until the writer has made real progress, so reads overlap many commits.
  while (reads < 300 || (rounds.load() < 50 && reads < 100000)) {
    auto items = store.read(query);
    ++reads;
    if (!items || items->size() != query.size()) {
      ++failed;
      continue;
    }
    for (const KvItem& item : *items) {
      if (item.value != items->front().value || item.version != items->front().version) {
        ++torn;
        break;
      }
    }
  }
  stop.store(true);
  writer.join();
  CHECK(failed == 0);
  CHECK(torn == 0);
  CHECK(writer_failures.load() == 0);
  CHECK(rounds.load() > 0);
}

TEST_CASE("store: racing commits on the same version: exactly one wins", "[store]") {
  FOR_EACH_BACKEND();
  put(store, "slot", "free");
  const uint64_t v = read_one(store, "slot").version;

  SECTION("interleaved by hand") {
    KvStore& other = backend.peer();
    // Both "clients" read V ...
    CHECK(read_one(store, "slot").version == v);
    CHECK(read_one(other, "slot").version == v);
    // ... and both try to claim the slot with check V.
    CHECK(commit(store, {{"slot", v}}, {set_op("slot", "alice")}) == CommitOutcome::Committed);
    CHECK(commit(other, {{"slot", v}}, {set_op("slot", "bob"), set_op("bob-extra", "x")}) ==
          CommitOutcome::Conflict);
    CHECK(read_one(other, "slot").value == "alice");
    CHECK_FALSE(read_one(store, "bob-extra").present());
  }

  SECTION("threads") {
    constexpr int kThreads = 8;
    std::vector<KvStore*> handles;
    for (int i = 0; i < kThreads; ++i) handles.push_back(&backend.peer());
    std::vector<std::optional<CommitOutcome>> outcomes(kThreads);
    std::barrier sync(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        sync.arrive_and_wait();  // release all commits at once
        outcomes[i] = handles[i]->commit({{"slot", v}}, {set_op("slot", "t" + std::to_string(i))});
      });
    }
    for (std::thread& t : threads) t.join();
    int committed = 0, conflicted = 0, winner = -1;
    for (int i = 0; i < kThreads; ++i) {
      REQUIRE(outcomes[i].has_value());
      if (*outcomes[i] == CommitOutcome::Committed) {
        ++committed;
        winner = i;
      } else {
        ++conflicted;
      }
    }
    CHECK(committed == 1);
    CHECK(conflicted == kThreads - 1);
    CHECK(read_one(store, "slot").value == "t" + std::to_string(winner));
  }
}

TEST_CASE("store: concurrent read-modify-write loses no updates", "[store]") {
  FOR_EACH_BACKEND();
  put(store, "counter", "0");
  constexpr int kThreads = 4;
  constexpr int kIncrements = 50;
  std::vector<KvStore*> handles;
  for (int i = 0; i < kThreads; ++i) handles.push_back(&backend.peer());
  std::atomic<int> errors{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      KvStore& s = *handles[i];
      for (int n = 0; n < kIncrements;) {
        auto cur = s.read({"counter"});
        if (!cur) {
          errors.fetch_add(1);
          return;
        }
        const KvItem& item = cur->front();
        const std::string next = std::to_string(std::stoi(item.value) + 1);
        auto out = s.commit({{"counter", item.version}}, {set_op("counter", next)});
        if (!out) {
          errors.fetch_add(1);
          return;
        }
        if (*out == CommitOutcome::Committed) {
          ++n;
        } else {
          conflicts.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(errors.load() == 0);
  CHECK(read_one(store, "counter").value == std::to_string(kThreads * kIncrements));
}

// ---- SQLite only ----------------------------------------------------------------

TEST_CASE("sqlite store: data and versions survive close and reopen", "[store][sqlite]") {
  TempDb db;
  uint64_t v_a = 0, v_bin = 0, v_gone = 0;
  const std::string bin_key = "bin\0\x80\xff/"s;
  {
    auto s = slotguard::native::make_sqlite_store(db.path());
    REQUIRE(s != nullptr);
    put(*s, "a", "alpha");
    put(*s, bin_key, "v\0v"s);
    put(*s, "gone", "soon");
    v_a = read_one(*s, "a").version;
    v_bin = read_one(*s, bin_key).version;
    v_gone = read_one(*s, "gone").version;
    REQUIRE(commit(*s, {}, {del_op("gone")}) == CommitOutcome::Committed);
  }  // destroyed: connection closed
  auto s = slotguard::native::make_sqlite_store(db.path());
  REQUIRE(s != nullptr);
  auto items = s->read({"a", bin_key, "gone"});
  REQUIRE(items.has_value());
  CHECK((*items)[0].value == "alpha");
  CHECK((*items)[0].version == v_a);
  CHECK((*items)[1].value == "v\0v"s);
  CHECK((*items)[1].version == v_bin);
  CHECK_FALSE((*items)[2].present());
  CHECK(keys_of(list(*s, ""s, "\xff", 10)) == std::vector<std::string>{"a", bin_key});
  // The counter persisted too: a recreated key gets a version never handed out before.
  put(*s, "gone", "back");
  CHECK(read_one(*s, "gone").version > std::max({v_a, v_bin, v_gone}));
  // Checks against pre-reopen versions still work.
  CHECK(commit(*s, {{"a", v_a}}, {set_op("a", "beta")}) == CommitOutcome::Committed);
}

TEST_CASE("sqlite store: rows restored above the counter never get their versions reused",
          "[store][sqlite]") {
  TempDb db;
  uint64_t v_a = 0;
  {
    auto s = slotguard::native::make_sqlite_store(db.path());
    REQUIRE(s != nullptr);
    put(*s, "a", "alpha");
    v_a = read_one(*s, "a").version;
  }
  // Rows written straight into kv, as restoring a backup of the table would: no commit,
  // so the counter stays where it was, far below them.
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.path().c_str(), &raw) == SQLITE_OK);
    const int rc = sqlite3_exec(raw,
                                "INSERT INTO kv(key, value, version) VALUES (CAST('r' AS BLOB), "
                                "CAST('restored' AS BLOB), 9000) ON CONFLICT(key) DO UPDATE SET "
                                "value = excluded.value, version = excluded.version;",
                                nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    REQUIRE(rc == SQLITE_OK);
  }
  auto s = slotguard::native::make_sqlite_store(db.path());
  REQUIRE(s != nullptr);
  CHECK(read_one(*s, "r").version == 9000);
  REQUIRE(commit(*s, {{"a", v_a}}, {set_op("a", "beta")}) == CommitOutcome::Committed);
  const uint64_t v_a2 = read_one(*s, "a").version;
  CHECK(v_a2 > 9000);
  // Deleted and set again: above the restored version too, not back at it.
  REQUIRE(commit(*s, {{"r", 9000}}, {del_op("r")}) == CommitOutcome::Committed);
  put(*s, "r", "again");
  CHECK(read_one(*s, "r").version > v_a2);
}

TEST_CASE("sqlite store: two connections on one file, racing commits", "[store][sqlite]") {
  TempDb db;
  auto first = slotguard::native::make_sqlite_store(db.path());
  auto second = slotguard::native::make_sqlite_store(db.path());
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);

  // Writes on one connection are visible on the other.
  put(*first, "slot", "free");
  const KvItem seen = read_one(*second, "slot");
  CHECK(seen.value == "free");

  // Many rounds: both connections read the same version, then commit at the same time.
  constexpr int kRounds = 40;
  int bad_rounds = 0;
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t v1 = read_one(*first, "slot").version;
    const uint64_t v2 = read_one(*second, "slot").version;
    REQUIRE(v1 == v2);
    std::optional<CommitOutcome> out1, out2;
    std::barrier sync(2);
    std::thread t1([&] {
      sync.arrive_and_wait();
      out1 = first->commit({{"slot", v1}}, {set_op("slot", "first")});
    });
    std::thread t2([&] {
      sync.arrive_and_wait();
      out2 = second->commit({{"slot", v2}}, {set_op("slot", "second")});
    });
    t1.join();
    t2.join();
    REQUIRE(out1.has_value());
    REQUIRE(out2.has_value());
    const bool one_winner = (*out1 == CommitOutcome::Committed) != (*out2 == CommitOutcome::Committed);
    if (!one_winner) ++bad_rounds;
    const std::string expect = *out1 == CommitOutcome::Committed ? "first" : "second";
    if (read_one(*first, "slot").value != expect) ++bad_rounds;
  }
  CHECK(bad_rounds == 0);
}

TEST_CASE("sqlite store: open failure returns nullptr", "[store][sqlite]") {
  CHECK(slotguard::native::make_sqlite_store("/nonexistent-slotguard-dir/x/kv.sqlite") == nullptr);
}
