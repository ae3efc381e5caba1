// ABI conformance, natively: the exports of wasm/slotguard_abi.h driven exactly as a
// JavaScript host drives them (envelopes in, queued host calls served, resumes, output
// envelopes out), with the imports defined by abi_host.cpp here.
#include <catch2/catch.hpp>

#include <algorithm>

#include "abi_host.h"
#include "slotguard/host/config.h"
#include "slotguard/host/envelope.h"
#include "fake_stripe.h"
#include "kv_store.h"
#include "slotguard_abi.h"
#include "store_service.h"
#include "test_json.h"

using namespace slotguard;
using slotguard::testing::read_json;

namespace {

struct AbiWorld {
  native::SimHost env{99};
  std::unique_ptr<native::KvStore> store = native::make_memory_store();
  native::FakeStripe stripe;

  AbiWorld() {
    native::abi_host().env = &env;
    native::abi_host().calls.clear();
    std::string cfg = R"({"admin_token":"abi-admin-token-0123456789","stripe_secret_key":"sk_test_abi","stripe_api_base":"https://stripe.test"})";
    REQUIRE(sg_init(reinterpret_cast<const uint8_t*>(cfg.data()), static_cast<uint32_t>(cfg.size())) == SG_OK);
  }

  int32_t start(const HttpRequest& req) {
    std::string env_bytes = encode_request_envelope(req);
    return sg_task_start(reinterpret_cast<const uint8_t*>(env_bytes.data()), static_cast<uint32_t>(env_bytes.size()));
  }

  // Serves queued calls (oldest first) until no task waits.
  void drain() {
    auto& q = native::abi_host().calls;
    while (!q.empty()) {
      native::QueuedCall c = q.front();
      q.pop_front();
      HostCall call{static_cast<HostOp>(c.op), c.payload};
      HostReply reply = c.op == SG_OP_HTTP_FETCH ? stripe.serve(call) : native::serve_store_call(*store, call);
      REQUIRE(sg_task_resume(c.task, reply.status, reinterpret_cast<const uint8_t*>(reply.payload.data()),
                             static_cast<uint32_t>(reply.payload.size())) == SG_OK);
    }
  }

  HttpResponse output(int32_t task) {
    REQUIRE(sg_task_state(task) == SG_TASK_DONE);
    std::string_view bytes(reinterpret_cast<const char*>(sg_task_output_ptr(task)), sg_task_output_len(task));
    auto res = decode_response_envelope(bytes);
    REQUIRE(res);
    sg_task_drop(task);
    return *res;
  }
};

HttpRequest req(std::string method, std::string path, std::string body, HeaderList h = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers = std::move(h);
  return r;
}

}  // namespace

TEST_CASE("abi: version, bad config, bad envelopes, unknown tasks", "[abi]") {
  AbiWorld w;
  CHECK(sg_abi_version() == SG_ABI_VERSION);
  std::string bad = R"({"admin_token":"short"})";
  CHECK(sg_init(reinterpret_cast<const uint8_t*>(bad.data()), static_cast<uint32_t>(bad.size())) == SG_ERR_BAD_CONFIG);
  AbiWorld fresh;  // re-initialise
  const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 'x'};
  CHECK(sg_task_start(junk, sizeof junk) == SG_ERR_BAD_REQUEST);
  CHECK(sg_task_start(nullptr, 0) == SG_ERR_BAD_REQUEST);
  CHECK(sg_task_state(12345) == SG_ERR_UNKNOWN_TASK);
  CHECK(sg_task_resume(12345, 0, nullptr, 0) == SG_ERR_UNKNOWN_TASK);
  CHECK(sg_task_output_ptr(12345) == nullptr);
}

namespace {

int32_t init_with(std::string_view cfg) {
  return sg_init(reinterpret_cast<const uint8_t*>(cfg.data()), static_cast<uint32_t>(cfg.size()));
}

// What a host reads after a refused sg_init: the bytes behind the two exports.
std::string init_error_text() {
  const uint8_t* p = sg_init_error_ptr();
  const uint32_t n = sg_init_error_len();
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

TEST_CASE("abi: a refused configuration leaves its reason readable through the exports", "[abi]") {
  AbiWorld w;
  CHECK(sg_init_error_len() == 0);  // the last sg_init succeeded

  const std::string too_long = std::to_string(kMaxCheckoutMinutes + 1);
  CHECK(init_with(R"({"admin_token":"abi-admin-token-0123456789","checkout_minutes":)" + too_long + "}") ==
        SG_ERR_BAD_CONFIG);
  CHECK(init_error_text() ==
        "checkout_minutes must be an integer in [30, " + std::to_string(kMaxCheckoutMinutes) + "]");

  // A later refusal replaces the text; the reason names the field, never its value.
  CHECK(init_with(R"({"admin_token":"short-secret"})") == SG_ERR_BAD_CONFIG);
  CHECK(init_error_text() == "admin_token must be at least 16 characters");
  CHECK(init_with("not json") == SG_ERR_BAD_CONFIG);
  CHECK(init_error_text() == "configuration is not a JSON object");

  // The module logs the same reason, and the secret appears in no log line.
  const auto& logs = w.env.logs();
  const auto bad = std::count_if(logs.begin(), logs.end(), [](const std::string& line) {
    auto j = read_json(line, 16);
    return j && j->value("event", "") == "bad_config" && j->contains("error");
  });
  CHECK(bad == 3);
  CHECK(std::none_of(logs.begin(), logs.end(),
                     [](const std::string& line) { return line.find("short-secret") != std::string::npos; }));

  // A successful sg_init clears it.
  AbiWorld fresh;
  CHECK(sg_init_error_len() == 0);
  CHECK(init_error_text().empty());
}

TEST_CASE("abi: concurrent tasks served out of order through the exports", "[abi]") {
  AbiWorld w;
  const HeaderList admin{{"Authorization", "Bearer abi-admin-token-0123456789"}};
  std::string ev = R"({"expert_id":"ada","title":"Intro","duration_minutes":30,"price":{"amount":5000,"currency":"eur"}})";
  int32_t put = w.start(req("PUT", "/v1/events/intro", ev, admin));
  REQUIRE(put > 0);
  CHECK(sg_task_state(put) == SG_TASK_WAITING);
  // Resuming a waiting task twice is refused the second time only after it moved on.
  w.drain();
  CHECK(w.output(put).status == 201);

  std::vector<int32_t> tasks;
  for (int i = 0; i < 10; ++i) {
    std::string body = R"({"event_id":"intro","start":"2030-01-02T10:00:00Z","guest":{"email":"g)" + std::to_string(i) +
                       R"(@example.com","name":"G"}})";
    tasks.push_back(w.start(req("POST", "/v1/reservations", body)));
  }
  CHECK(sg_tasks_in_flight() == 10);
  // Serve newest first: the reverse of submission order.
  auto& q = native::abi_host().calls;
  std::reverse(q.begin(), q.end());
  w.drain();
  int created = 0, conflicts = 0;
  for (int32_t t : tasks) {
    int s = w.output(t).status;
    created += s == 201;
    conflicts += s == 409;
  }
  CHECK(created == 1);
  CHECK(conflicts == 9);
  CHECK(w.stripe.calls().size() == 1);
  CHECK(sg_tasks_in_flight() == 0);
}

TEST_CASE("abi: a refused import fails the call at once, a done task cannot be resumed", "[abi]") {
  AbiWorld w;
  native::abi_host().refuse_next = 1;
  int32_t t = w.start(req("GET", "/v1/events/intro", ""));
  REQUIRE(t > 0);
  HttpResponse r = w.output(t);
  CHECK(r.status == 503);
  int32_t t2 = w.start(req("GET", "/healthz", ""));
  CHECK(sg_task_state(t2) == SG_TASK_DONE);
  CHECK(sg_task_resume(t2, 0, nullptr, 0) == SG_ERR_NOT_WAITING);
  CHECK(w.output(t2).status == 200);
}
