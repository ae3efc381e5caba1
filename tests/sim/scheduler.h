// A deterministic scheduler for native runs. Tasks started on the engine wait on host
// calls; the scheduler chooses which pending call completes next, performs it
// against the native store or the fake Stripe, and resumes that task. Choosing is
// delegated to a Chooser, so one harness serves every exploration strategy:
// exhaustive enumeration, bounded preemption, and seeded random schedules.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "slotguard/api/engine.h"
#include "fake_stripe.h"
#include "kv_store.h"

namespace slotguard::native {

// Given how many tasks can move, returns which one does (0 .. n-1).
using Chooser = std::function<size_t(size_t n)>;

class Scheduler {
 public:
  Scheduler(Engine& engine, KvStore& store, FakeStripe& stripe) : engine_(engine), store_(store), stripe_(stripe) {}

  TaskId submit(HttpRequest req);
  // Tasks waiting on a host call, in submission order.
  std::vector<TaskId> runnable() const;
  // Performs the task's pending call and resumes it. Returns false if it had none.
  bool step(TaskId id);
  // Steps until every submitted task is done. `after_step` runs after each step
  // (invariant checks); returning false stops the run early.
  size_t run(const Chooser& choose, const std::function<bool()>& after_step = {});

  const std::vector<TaskId>& submitted() const { return submitted_; }
  // Fault injection: the next store call fails at the host (status != 0).
  int fail_next_store_calls = 0;

 private:
  Engine& engine_;
  KvStore& store_;
  FakeStripe& stripe_;
  std::vector<TaskId> submitted_;
};

// Choosers.
Chooser random_chooser(uint64_t seed);
// Replays a fixed prefix of choices, then always picks 0; records the branching
// factor at every step so callers can enumerate all schedules depth-first.
class ScriptedChooser {
 public:
  explicit ScriptedChooser(std::vector<size_t> prefix) : prefix_(std::move(prefix)) {}
  size_t operator()(size_t n);
  const std::vector<size_t>& taken() const { return taken_; }
  const std::vector<size_t>& widths() const { return widths_; }

 private:
  std::vector<size_t> prefix_;
  std::vector<size_t> taken_, widths_;
};
// The next prefix in depth-first order after a run, or false when all are explored.
bool next_schedule(const std::vector<size_t>& taken, const std::vector<size_t>& widths, std::vector<size_t>& prefix);

// Runs `one` once per schedule, depth-first over every order of the steps of the tasks
// it submits (a ScriptedChooser per run, then next_schedule), until every schedule ran
// or `one` returns false (it found a violation, which the caller reports). Returns how
// many schedules ran.
size_t every_schedule(const std::function<bool(const Chooser&)>& one);

}  // namespace slotguard::native
