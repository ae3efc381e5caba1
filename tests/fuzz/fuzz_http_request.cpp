// Whole HTTP requests through the router, against the seeded world (tests/fuzz/README.md).
//
// Input (after @token expansion): up to four requests separated by "\n===\n", each
//   [+<minutes>\n]            advance the clock first (at most ten days)
//   METHOD path[?query]\n
//   Name: value\n ...         headers
//   \n
//   body
// A first line "#<n>" runs the requests concurrently, in a schedule drawn from n,
// instead of one after another.
//
// Properties: every task finishes; every response has a valid status and, for errors,
// a JSON error body (check_response); no two active reservations ever overlap.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "scheduler.h"

using namespace slotguard;
using namespace slotguard::fuzz;

namespace {

constexpr int64_t kMaxAdvanceMinutes = 10 * 24 * 60;

HttpRequest take_request(testing::World& w, std::string_view text) {
  while (!text.empty() && text.front() == '+') {
    auto [line, rest] = first_line(text);
    w.host.advance(leading_int(line.substr(1), kMaxAdvanceMinutes) * kMinuteMs);
    text = rest;
  }
  return parse_http_text(text);
}

void run_concurrently(testing::World& w, const std::vector<std::string_view>& parts, uint64_t seed) {
  std::vector<TaskId> tasks;
  for (std::string_view p : parts) tasks.push_back(w.engine.start(take_request(w, p)));
  native::Chooser choose = native::random_chooser(seed);
  for (size_t steps = 0;; ++steps) {
    std::vector<TaskId> ready;
    for (TaskId t : tasks)
      if (w.engine.pending(t)) ready.push_back(t);
    if (ready.empty()) break;
    FUZZ_REQUIRE(steps < 50000, "concurrent tasks still unfinished after 50000 host calls");
    w.sched.step(ready[choose(ready.size()) % ready.size()]);
    check_world(w);
  }
  for (TaskId t : tasks) {
    FUZZ_REQUIRE(w.engine.state(t) == TaskState::Done, "a task waits without a pending host call");
    check_response(*w.engine.response(t));
    w.engine.drop(t);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  prepare_world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text = expand_tokens(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view rest = text;
  bool concurrent = false;
  uint64_t seed = 0;
  if (!rest.empty() && rest.front() == '#') {
    auto [line, after] = first_line(rest);
    concurrent = true;
    seed = static_cast<uint64_t>(leading_int(line.substr(1), 1'000'000'000));
    rest = after;
  }
  auto w = seeded_world();
  auto parts = split(rest, "\n===\n", 4);
  if (concurrent) {
    run_concurrently(*w, parts, seed);
  } else {
    for (std::string_view p : parts) {
      check_response(run(*w, take_request(*w, p)));
      check_world(*w);
    }
  }
  return 0;
}
