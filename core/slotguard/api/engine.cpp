#include "slotguard/api/engine.h"

#include "slotguard/api/handlers.h"
#include "slotguard/api/api_services.h"
#include "slotguard/base/sg_assert.h"

namespace slotguard {

struct Engine::Running {
  // Declaration order matters: the coroutine (last) is destroyed before the context
  // and request it refers to.
  HttpRequest request;
  TaskContext ctx;
  ApiServices services;
  std::optional<Co<HttpResponse>> co;
  std::optional<HttpResponse> response;

  Running(HttpRequest req, const Config& cfg, HostEnv& env, Metrics& m, EventCache& events)
      : request(std::move(req)), services(ctx, cfg, env, m, events) {}
};

Engine::Engine(Config cfg, HostEnv& env, RootHandler root)
      : cfg_(std::move(cfg)), env_(env), root_(root ? root : &api::route) {}
Engine::~Engine() = default;

void Engine::settle(Running& t) {
  if (t.co && t.co->done()) {
    t.response = t.co->take();
    t.co.reset();
    metrics_.add(Metric::requests_total, "class=\"" + std::to_string(t.response->status / 100) + "xx\"");
  }
}

TaskId Engine::next_free_id() {
  // Ids stay positive int32 across the ABI and wrap after 2^31 - 1 tasks; a task that
  // is still in flight keeps its id, so the counter skips it rather than reuse it.
  for (;;) {
    TaskId id = next_id_;
    next_id_ = next_id_ >= kMaxTaskId ? 1 : next_id_ + 1;
    if (!tasks_.count(id)) return id;
  }
}

TaskId Engine::start(HttpRequest req) {
  const TaskId id = next_free_id();
  auto t = std::make_unique<Running>(std::move(req), cfg_, env_, metrics_, events_);
  t->co.emplace(root_(t->services, t->request));
  t->co->start();
  settle(*t);
  const bool inserted = tasks_.emplace(id, std::move(t)).second;
  SG_ASSERT(inserted);  // a live task is never overwritten
  return id;
}

TaskState Engine::state(TaskId id) const {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return TaskState::Unknown;
  return it->second->response ? TaskState::Done : TaskState::Waiting;
}

const HostCall* Engine::pending(TaskId id) const {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second->response || !it->second->ctx.pending()) return nullptr;
  return &*it->second->ctx.pending();
}

bool Engine::resume(TaskId id, HostReply reply) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second->response) return false;
  Running& t = *it->second;
  if (!t.ctx.resume(std::move(reply))) return false;
  settle(t);
  return true;
}

const HttpResponse* Engine::response(TaskId id) const {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || !it->second->response) return nullptr;
  return &*it->second->response;
}

void Engine::drop(TaskId id) { tasks_.erase(id); }

}  // namespace slotguard
