#include "scheduler.h"

#include <memory>

#include "store_service.h"

namespace slotguard::native {

TaskId Scheduler::submit(HttpRequest req) {
  TaskId id = engine_.start(std::move(req));
  submitted_.push_back(id);
  return id;
}

std::vector<TaskId> Scheduler::runnable() const {
  std::vector<TaskId> out;
  for (TaskId id : submitted_)
    if (engine_.pending(id)) out.push_back(id);
  return out;
}

bool Scheduler::step(TaskId id) {
  const HostCall* call = engine_.pending(id);
  if (!call) return false;
  HostReply reply;
  if (call->op == HostOp::HttpFetch) {
    reply = stripe_.serve(*call);
  } else if (fail_next_store_calls > 0) {
    --fail_next_store_calls;
    reply = {1, "injected store failure"};
  } else {
    reply = serve_store_call(store_, *call);
  }
  return engine_.resume(id, std::move(reply));
}

size_t Scheduler::run(const Chooser& choose, const std::function<bool()>& after_step) {
  size_t steps = 0;
  for (;;) {
    auto ready = runnable();
    if (ready.empty()) return steps;
    size_t pick = choose(ready.size());
    step(ready[pick < ready.size() ? pick : 0]);
    ++steps;
    if (after_step && !after_step()) return steps;
  }
}

Chooser random_chooser(uint64_t seed) {
  auto state = std::make_shared<uint64_t>(seed * 0x9E3779B97F4A7C15ULL + 1);
  return [state](size_t n) {
    uint64_t& x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return static_cast<size_t>((x * 0x2545F4914F6CDD1DULL) % n);
  };
}

size_t ScriptedChooser::operator()(size_t n) {
  size_t i = taken_.size();
  size_t pick = i < prefix_.size() ? prefix_[i] : 0;
  if (pick >= n) pick = 0;
  taken_.push_back(pick);
  widths_.push_back(n);
  return pick;
}

bool next_schedule(const std::vector<size_t>& taken, const std::vector<size_t>& widths, std::vector<size_t>& prefix) {
  for (size_t i = taken.size(); i-- > 0;) {
    if (taken[i] + 1 < widths[i]) {
      prefix.assign(taken.begin(), taken.begin() + static_cast<long>(i));
      prefix.push_back(taken[i] + 1);
      return true;
    }
  }
  return false;
}

size_t every_schedule(const std::function<bool(const Chooser&)>& one) {
  std::vector<size_t> prefix;
  size_t runs = 0;
  for (;;) {
    ScriptedChooser chooser(prefix);
    ++runs;
    if (!one(std::ref(chooser))) return runs;
    if (!next_schedule(chooser.taken(), chooser.widths(), prefix)) return runs;
  }
}

}  // namespace slotguard::native
