// The engine: one per instance. It owns the configuration, the counters and the
// table of tasks in flight. Hosts start a task per request, answer its host calls
// in any order across tasks, and collect its response.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "slotguard/host/config.h"
#include "slotguard/booking/event_cache.h"
#include "slotguard/host/host_env.h"
#include "slotguard/base/http_types.h"
#include "slotguard/base/metrics.h"
#include "slotguard/base/task.h"

namespace slotguard {

using TaskId = uint32_t;
struct ApiServices;
// The function a task runs for a request. The product uses api::route; tests plug in
// other flows (e.g. a deliberately naive one) to show the harness catches them.
using RootHandler = Co<HttpResponse> (*)(ApiServices&, const HttpRequest&);

enum class TaskState { Waiting, Done, Unknown };

class Engine {
 public:
  Engine(Config cfg, HostEnv& env, RootHandler root = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs the request until its first host call (or to completion).
  TaskId start(HttpRequest req);
  TaskState state(TaskId id) const;
  // The call the task waits on; nullptr unless Waiting.
  const HostCall* pending(TaskId id) const;
  // Resumes a waiting task. False when the task is unknown or not waiting.
  bool resume(TaskId id, HostReply reply);
  // The response of a Done task; nullptr otherwise.
  const HttpResponse* response(TaskId id) const;
  // Forgets a task (done or not: a host may abandon one).
  void drop(TaskId id);
  size_t in_flight() const { return tasks_.size(); }
  static constexpr TaskId kMaxTaskId = 0x7fffffff;
  // Test hook: where the id counter stands, to exercise the wrap without 2^31 tasks.
  void set_next_task_id_for_testing(TaskId id) { next_id_ = id; }

  const Config& config() const { return cfg_; }
  Metrics& metrics() { return metrics_; }

 private:
  struct Running;
  void settle(Running& t);
  TaskId next_free_id();

  Config cfg_;
  HostEnv& env_;
  RootHandler root_;
  Metrics metrics_;
  EventCache events_;
  TaskId next_id_ = 1;
  std::unordered_map<TaskId, std::unique_ptr<Running>> tasks_;
};

}  // namespace slotguard
