// The module side of the ABI (wasm/slotguard_abi.h): exports over the Engine, and the
// bridge that turns a task's pending HostCall into an import call. Compiled into both
// wasm builds, and natively for the ABI conformance test.
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>

#include "slotguard/api/routes.h"
#include "slotguard/host/config.h"
#include "slotguard/api/engine.h"
#include "slotguard/host/envelope.h"
#include "slotguard/base/json.h"
#include "slotguard_abi.h"

using namespace slotguard;

namespace {

class ImportedEnv final : public HostEnv {
 public:
  int64_t now_ms() override { return sg_host_now_ms(); }
  void random_bytes(uint8_t* out, size_t n) override { sg_host_random_bytes(out, static_cast<uint32_t>(n)); }
  void log(LogLevel level, std::string_view line) override {
    sg_host_log(static_cast<int32_t>(level), reinterpret_cast<const uint8_t*>(line.data()), static_cast<uint32_t>(line.size()));
  }
};

ImportedEnv g_env;
std::unique_ptr<Engine> g_engine;
std::unordered_map<int32_t, std::string> g_outputs;  // response envelopes of finished tasks
// Why the last sg_init refused its configuration. Kept in the module (not only logged)
// so a host can put the reason in the error it raises when it cannot start.
std::string g_init_error;
// The answer of the last sg_describe or sg_describe_request.
std::string g_answer;

int32_t submit(int32_t task, const HostCall& call) {
  const auto* p = reinterpret_cast<const uint8_t*>(call.payload.data());
  const auto n = static_cast<uint32_t>(call.payload.size());
  switch (call.op) {
    case HostOp::StoreRead: return sg_host_store_read(task, p, n);
    case HostOp::StoreList: return sg_host_store_list(task, p, n);
    case HostOp::StoreCommit: return sg_host_store_commit(task, p, n);
    case HostOp::HttpFetch: return sg_host_http_fetch(task, p, n);
  }
  return -1;
}

// After a start or resume: hand the next host call to the host, or park the output.
void advance(int32_t task) {
  for (;;) {
    const HostCall* call = g_engine->pending(static_cast<TaskId>(task));
    if (!call) break;
    if (submit(task, *call) == 0) return;
    g_engine->resume(static_cast<TaskId>(task), HostReply{SG_HOST_FAILED, "the host refused the call"});
  }
  if (const HttpResponse* res = g_engine->response(static_cast<TaskId>(task)))
    g_outputs[task] = encode_response_envelope(*res);
}

std::string_view view(const uint8_t* p, uint32_t len) {
  return p ? std::string_view(reinterpret_cast<const char*>(p), len) : std::string_view();
}

}  // namespace

extern "C" {

uint32_t sg_abi_version(void) { return SG_ABI_VERSION; }

uint8_t* sg_alloc(uint32_t size) { return static_cast<uint8_t*>(std::malloc(size ? size : 1)); }
void sg_free(uint8_t* ptr) { std::free(ptr); }

int32_t sg_init(const uint8_t* config_json, uint32_t len) {
  std::string error;
  auto cfg = parse_config(view(config_json, len), &error);
  if (!cfg) {
    // parse_config names the field and its bounds, never a value, so the text is safe
    // to log and to show: it cannot leak a secret from the configuration.
    g_init_error = error.empty() ? std::string("the configuration was refused") : std::move(error);
    JsonWriter line;
    line.object().field("event", "bad_config").field("error", g_init_error).end_object();
    g_env.log(LogLevel::Error, line.take());
    return SG_ERR_BAD_CONFIG;
  }
  g_init_error.clear();
  g_outputs.clear();
  g_engine = std::make_unique<Engine>(std::move(*cfg), g_env);
  return SG_OK;
}

int32_t sg_task_start(const uint8_t* envelope, uint32_t len) {
  if (!g_engine) return SG_ERR_NOT_INITIALISED;
  auto req = decode_request_envelope(view(envelope, len));
  if (!req) return SG_ERR_BAD_REQUEST;
  auto id = static_cast<int32_t>(g_engine->start(std::move(*req)) & 0x7fffffff);
  advance(id);
  return id;
}

int32_t sg_task_resume(int32_t task, int32_t host_status, const uint8_t* payload, uint32_t len) {
  if (!g_engine) return SG_ERR_NOT_INITIALISED;
  auto st = g_engine->state(static_cast<TaskId>(task));
  if (st == TaskState::Unknown) return SG_ERR_UNKNOWN_TASK;
  if (st != TaskState::Waiting) return SG_ERR_NOT_WAITING;
  if (!g_engine->resume(static_cast<TaskId>(task), HostReply{host_status, std::string(view(payload, len))}))
    return SG_ERR_NOT_WAITING;
  advance(task);
  return SG_OK;
}

int32_t sg_task_state(int32_t task) {
  if (!g_engine) return SG_ERR_NOT_INITIALISED;
  switch (g_engine->state(static_cast<TaskId>(task))) {
    case TaskState::Waiting: return SG_TASK_WAITING;
    case TaskState::Done: return SG_TASK_DONE;
    case TaskState::Unknown: break;
  }
  return SG_ERR_UNKNOWN_TASK;
}

const uint8_t* sg_init_error_ptr(void) { return reinterpret_cast<const uint8_t*>(g_init_error.data()); }

uint32_t sg_init_error_len(void) { return static_cast<uint32_t>(g_init_error.size()); }

const uint8_t* sg_task_output_ptr(int32_t task) {
  auto it = g_outputs.find(task);
  return it == g_outputs.end() ? nullptr : reinterpret_cast<const uint8_t*>(it->second.data());
}

uint32_t sg_task_output_len(int32_t task) {
  auto it = g_outputs.find(task);
  return it == g_outputs.end() ? 0 : static_cast<uint32_t>(it->second.size());
}

void sg_task_drop(int32_t task) {
  g_outputs.erase(task);
  if (g_engine) g_engine->drop(static_cast<TaskId>(task));
}

uint32_t sg_tasks_in_flight(void) { return g_engine ? static_cast<uint32_t>(g_engine->in_flight()) : 0; }

int32_t sg_describe(uint32_t what) {
  switch (what) {
    case SG_DESCRIBE_CONFIG: g_answer = settings_schema_json(); return SG_OK;
    case SG_DESCRIBE_ROUTES: g_answer = api::routes_json(); return SG_OK;
  }
  return SG_ERR_BAD_REQUEST;
}

int32_t sg_describe_request(const uint8_t* envelope, uint32_t len) {
  if (!g_engine) return SG_ERR_NOT_INITIALISED;
  auto req = decode_request_envelope(view(envelope, len));
  if (!req) return SG_ERR_BAD_REQUEST;
  g_answer = api::describe_request(*req, g_engine->config(), g_env.now_ms());
  return SG_OK;
}

const uint8_t* sg_answer_ptr(void) { return reinterpret_cast<const uint8_t*>(g_answer.data()); }

uint32_t sg_answer_len(void) { return static_cast<uint32_t>(g_answer.size()); }

}  // extern "C"
