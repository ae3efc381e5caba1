// Shared pieces of the libFuzzer targets: a seeded world built once and restored after
// every input, token expansion so short inputs can name seeded records, a bounded task
// driver, and the properties every response must have.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slotguard/booking/domain.h"
#include "slotguard/api/engine.h"
#include "fake_stripe.h"
#include "slotguard/base/http_types.h"
#include "sim_host.h"
#include "slotguard/host/store_types.h"
#include "world.h"

namespace slotguard::fuzz {

// Prints what broke and traps, so libFuzzer records the input as a crash.
[[noreturn]] void fail(const char* file, int line, const std::string& what);
#define FUZZ_REQUIRE(cond, what)                              \
  do {                                                        \
    if (!(cond)) ::slotguard::fuzz::fail(__FILE__, __LINE__, (what)); \
  } while (0)

// A world with history, captured once per process: two event types and reservations
// in every state the core knows (pending, confirmed, voucher hold, released,
// refunded with its refund still queued, and a hold whose session was never linked).
struct Seeded {
  std::vector<KvItem> items;   // the whole store
  native::FakeStripe stripe;   // sessions, payment intents and replayed keys
  int64_t now_ms = 0;          // the clock when seeding finished
  // "@rA" -> reservation A's id, and so on (the list is in tests/fuzz/README.md).
  std::vector<std::pair<std::string, std::string>> tokens;
};
const Seeded& seeded();

// The seeded world, lent to one input. There is one world per process: a lease hands
// it out in the seeded state and, when it ends, puts it back exactly as a fresh copy
// would be (the store's writes undone, the fake Stripe, clock and random source reset,
// a new engine and scheduler), so every input sees the same world and a crash
// reproduces from its input alone. Restoring costs what the input wrote, not the
// size of the world. One lease at a time.
//
// The state is that of a new World (random seed 0x5eedf00d, so new reservation ids
// never collide with seeded ones) holding a copy of the seeded store in one commit
// (every seeded key at version 1), the seeded fake Stripe and the seeded clock.
//
// SLOTGUARD_FUZZ_CROSSCHECK=1 checks this machinery while fuzzing: every store call is
// also made on a memory store (host-shims/native) built afresh for each input from the
// seeded items, and the answers must agree; the store watch is checked against full
// snapshots as well.
class WorldLease {
 public:
  WorldLease();
  ~WorldLease();
  WorldLease(const WorldLease&) = delete;
  WorldLease& operator=(const WorldLease&) = delete;
  testing::World& operator*() const { return *world_; }
  testing::World* operator->() const { return world_; }

 private:
  testing::World* world_;
};
inline WorldLease seeded_world() { return WorldLease(); }
// Builds the seeded world now. Targets call it from LLVMFuzzerInitialize, so seeding
// is not counted as the first input's coverage (libFuzzer clears the counters before
// every input) and no input pays for it.
void prepare_world();

// "Did this stretch write anything?" for the leased world: watch_store() starts a
// stretch, store_unchanged() answers as comparing testing::snapshot() before and after
// would (every key, value and version), without copying the store.
void watch_store(testing::World& w);
bool store_unchanged(testing::World& w);

// Replaces every seeded token (@rA, @sA, @pB, @admin, ...) with its value.
std::string expand_tokens(std::string_view text);

// Splits on `sep`; at most `max_parts` parts (the last one keeps the rest).
std::vector<std::string_view> split(std::string_view data, std::string_view sep, size_t max_parts);
// The first line (without '\n') and everything after it.
std::pair<std::string_view, std::string_view> first_line(std::string_view data);
// A small decimal number at the start of `text` (sign allowed), capped in magnitude.
int64_t leading_int(std::string_view text, int64_t cap);

// "METHOD target\nName: value\n...\n\nbody", target = path[?query]. Never fails: a
// missing part is simply empty, which the router must handle too.
HttpRequest parse_http_text(std::string_view text);

// Answers a pending host call. Returning false leaves it to the world (store / fake
// Stripe).
using Override = std::function<bool(const HostCall&, HostReply&)>;

// Runs a started task until it is done, answering host calls from the world unless
// `override` answers them. Traps when the task is still unfinished after `max_steps`
// calls, or waits without a pending call.
HttpResponse finish(testing::World& w, TaskId id, size_t max_steps = 20000, const Override& override = {});
HttpResponse run(testing::World& w, HttpRequest req, const Override& override = {});

// The properties of every response: a status in 100..599, header names and values
// free of CR/LF, a JSON body wherever the content type says JSON, and for 4xx/5xx a
// body {"error": {"code": "...", "message": "..."}}.
void check_response(const HttpResponse& r);
// The ledger never lets two active reservations of one expert overlap (the invariant
// of testing::check_no_double_booking). Each stored record is parsed once, when it is
// first seen after being written.
void check_world(testing::World& w);

}  // namespace slotguard::fuzz
