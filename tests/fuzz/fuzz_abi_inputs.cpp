// Everything that crosses the host boundary into the core (tests/fuzz/README.md).
//
// Input: a mode line, then data.
//   e        data is a request envelope: decoded, round-tripped, and run through
//            sg_task_start with the world answering its host calls
//   o        data is a response envelope: decoded and round-tripped
//   c        data is configuration text for parse_config and sg_init; an accepted
//            one then serves a booking
//   i        data is a host payload for every decoder the core and native hosts use
//            (store replies and requests, fetch requests), each round-tripped
//   t<n>     request n of kRequests runs through the ABI exports; data is a list of
//            host replies separated by "\n---\n", each "<status>\n<payload>", or
//            "g" (the world answers) or "r" (the world answers, and the host then
//            refuses the task's next call). Calls beyond the list get the world.
//   E<n>     the same, driving the Engine directly (Engine::resume)
//
// Properties: decode -> encode -> decode is the identity; sg_init accepts exactly the
// configurations parse_config accepts; a task fed any replies finishes in bounded
// steps with a decodable, well-formed response, and leaves no task behind.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "abi_host.h"
#include "slotguard/host/config.h"
#include "slotguard/host/envelope.h"
#include "slotguard/host/fetch_client.h"
#include "fuzz_support.h"
#include "slotguard_abi.h"
#include "slotguard/host/store_client.h"
#include "store_service.h"
#include "slotguard/base/utf8.h"

using namespace slotguard;
using namespace slotguard::fuzz;

namespace {

constexpr size_t kMaxSteps = 20000;

const char* kConfig =
    R"({"admin_token":"test-admin-token-0123456789","stripe_secret_key":"sk_test_fake",)"
    R"("stripe_api_base":"https://api.stripe.test","stripe_webhook_secret":"whsec_test_secret"})";

// Requests against the seeded world, in @token form.
const char* const kRequests[] = {
    "POST /v1/reservations\nContent-Type: application/json\n\n"
    R"({"event_id":"intro","start":"2030-01-02T16:00:00Z","guest":{"email":"fz@example.com","name":"Fz"}})",
    "GET /v1/events/intro/slots?from=2030-01-02T00:00:00Z&to=2030-01-03T00:00:00Z\n\n",
    "DELETE /v1/reservations/@rA\n\n",
    "GET /v1/reservations/@rB\n\n",
    "PUT /v1/events/intro\nAuthorization: @admin\n\n"
    R"({"expert_id":"ada","title":"Intro","duration_minutes":45,"price":{"amount":4000,"currency":"eur"}})",
    "POST /v1/maintenance/sweep\nAuthorization: @admin\n\n",
    "WEBHOOK paid @sA",
    "WEBHOOK voucher @sA",
    "POST /v1/reservations\nIdempotency-Key: key-u\n\n"
    R"({"event_id":"intro","start":"2030-01-02T14:00:00Z","guest":{"email":"u@example.com","name":"Guest u@example.com"}})",
    "GET /v1/events/deep\n\n",
};
constexpr size_t kRequestCount = sizeof kRequests / sizeof kRequests[0];

HttpRequest build_request(testing::World& w, size_t n) {
  std::string text = expand_tokens(kRequests[n % kRequestCount]);
  if (text.rfind("WEBHOOK ", 0) != 0) return parse_http_text(text);
  // "WEBHOOK paid|voucher <session>": the fake Stripe completes its own session, so
  // the event carries everything the core checks, and signs it at the current time.
  std::vector<std::string_view> f = split(std::string_view(text).substr(8), " ", 2);
  const std::string session(f.size() > 1 ? f[1] : std::string_view());
  if (f[0] == "paid")
    w.stripe.pay(session);
  else
    w.stripe.pay_with_voucher(session, 0);
  return w.webhook(w.stripe.event_body("evt_fuzz_abi", "checkout.session.completed", session));
}

struct Reply {
  enum class Kind { Given, World, WorldThenRefuse } kind = Kind::World;
  int32_t status = 0;
  std::string payload;
};

std::vector<Reply> read_replies(std::string_view data) {
  std::vector<Reply> out;
  if (data.empty()) return out;
  for (std::string_view record : split(data, "\n---\n", 24)) {
    auto [line, payload] = first_line(record);
    Reply r;
    if (!line.empty() && line.front() == 'g') {
      r.kind = Reply::Kind::World;
    } else if (!line.empty() && line.front() == 'r') {
      r.kind = Reply::Kind::WorldThenRefuse;
    } else {
      r.kind = Reply::Kind::Given;
      r.status = static_cast<int32_t>(leading_int(line, 1'000'000'000));
      r.payload.assign(payload);
    }
    out.push_back(std::move(r));
  }
  return out;
}

HostReply world_answer(testing::World& w, const HostCall& call) {
  return call.op == HostOp::HttpFetch ? w.stripe.serve(call) : native::serve_store_call(*w.store, call);
}

// ---- the ABI, driven as a wasm host drives it ----

native::SimHost& abi_env() {
  static native::SimHost env(0xab1);
  return env;
}

// A fresh host (clock, random source, empty log, no queued call) and a fresh module
// engine under the default configuration (sg_init).
void abi_init() {
  abi_env() = native::SimHost(0xab1);
  native::abi_host().env = &abi_env();
  native::abi_host().calls.clear();
  native::abi_host().refuse_next = 0;
  abi_env().set_now(seeded().now_ms);
  FUZZ_REQUIRE(sg_init(reinterpret_cast<const uint8_t*>(kConfig), static_cast<uint32_t>(std::strlen(kConfig))) == SG_OK,
               "the default configuration was refused");
}

// An input that drives the module holds one of these. The module and its host are
// fresh when it begins (abi_init() ran in LLVMFuzzerInitialize or at the end of the
// input before) and made fresh again when it ends, so whatever the input left there
// (an engine with its counters and tasks, log lines, queued calls) is freed within the
// input: libFuzzer runs an input again, and may scan the heap for leaks, whenever it
// ends with more allocations than frees.
struct AbiScope {
  AbiScope() = default;
  AbiScope(const AbiScope&) = delete;
  AbiScope& operator=(const AbiScope&) = delete;
  ~AbiScope() { abi_init(); }
};

HttpResponse abi_output(int32_t task) {
  FUZZ_REQUIRE(sg_task_state(task) == SG_TASK_DONE, "the task is unfinished although no host call is queued");
  std::string_view bytes(reinterpret_cast<const char*>(sg_task_output_ptr(task)), sg_task_output_len(task));
  auto res = decode_response_envelope(bytes);
  FUZZ_REQUIRE(res.has_value(), "the output envelope does not decode");
  sg_task_drop(task);
  FUZZ_REQUIRE(sg_tasks_in_flight() == 0, "a task outlived its drop");
  return *res;
}

// Serves queued host calls until none is left: from `replies` first, then the world.
void abi_drain(testing::World& w, const std::vector<Reply>& replies) {
  auto& queue = native::abi_host().calls;
  size_t next = 0;
  for (size_t steps = 0; !queue.empty(); ++steps) {
    FUZZ_REQUIRE(steps < kMaxSteps, "an ABI task is still unfinished after many host calls");
    native::QueuedCall c = std::move(queue.front());
    queue.pop_front();
    HostReply reply;
    const Reply* given = next < replies.size() ? &replies[next++] : nullptr;
    if (given && given->kind == Reply::Kind::Given) {
      reply = {given->status, given->payload};
    } else {
      reply = world_answer(w, HostCall{static_cast<HostOp>(c.op), c.payload});
      if (given && given->kind == Reply::Kind::WorldThenRefuse) native::abi_host().refuse_next = 1;
    }
    const int32_t rc = sg_task_resume(c.task, reply.status, reinterpret_cast<const uint8_t*>(reply.payload.data()),
                                      static_cast<uint32_t>(reply.payload.size()));
    FUZZ_REQUIRE(rc == SG_OK, "sg_task_resume refused a queued call: " + std::to_string(rc));
  }
}

void abi_run(testing::World& w, const HttpRequest& req, const std::vector<Reply>& replies) {
  const std::string envelope = encode_request_envelope(req);
  const int32_t task =
      sg_task_start(reinterpret_cast<const uint8_t*>(envelope.data()), static_cast<uint32_t>(envelope.size()));
  FUZZ_REQUIRE(task > 0, "sg_task_start refused an encoded request: " + std::to_string(task));
  abi_drain(w, replies);
  check_response(abi_output(task));
  FUZZ_REQUIRE(sg_task_resume(task, 0, nullptr, 0) == SG_ERR_UNKNOWN_TASK, "a dropped task can still be resumed");
}

// ---- decoders and their round trips ----

bool same_headers(const HeaderList& a, const HeaderList& b) { return a == b; }

// Returns whether `bytes` decode.
bool round_trip_request_envelope(std::string_view bytes) {
  auto req = decode_request_envelope(bytes);
  if (!req) return false;
  auto again = decode_request_envelope(encode_request_envelope(*req));
  FUZZ_REQUIRE(again && again->method == req->method && again->path == req->path && again->query == req->query &&
                   same_headers(again->headers, req->headers) && again->body == req->body,
               "a request envelope does not survive encode/decode");
  return true;
}

void round_trip_response_envelope(std::string_view bytes) {
  auto res = decode_response_envelope(bytes);
  if (!res) return;
  auto again = decode_response_envelope(encode_response_envelope(*res));
  FUZZ_REQUIRE(again && again->status == res->status && same_headers(again->headers, res->headers) &&
                   again->body == res->body,
               "a response envelope does not survive encode/decode");
}

bool same_items(const std::vector<KvItem>& a, const std::vector<KvItem>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].key != b[i].key || a[i].value != b[i].value || a[i].version != b[i].version) return false;
  return true;
}

void decode_everything(std::string_view p) {
  bool more = false;
  if (auto items = decode_items(p, &more)) {
    for (const KvItem& it : *items)
      FUZZ_REQUIRE(it.version != 0 || it.value.empty(), "an absent item carries a value");
    bool more2 = false;
    auto again = decode_items(encode_items_reply(*items, more), &more2);
    FUZZ_REQUIRE(again && same_items(*again, *items) && more2 == more, "store items do not survive encode/decode");
  }
  if (auto outcome = decode_commit_reply(p)) {
    auto again = decode_commit_reply(encode_commit_reply(*outcome));
    FUZZ_REQUIRE(again && *again == *outcome, "a commit reply does not survive encode/decode");
  }
  if (auto keys = decode_read_request(p)) {
    auto again = decode_read_request(encode_read_request(*keys));
    FUZZ_REQUIRE(again && *again == *keys, "a read request does not survive encode/decode");
  }
  if (auto list = decode_list_request(p)) {
    auto again = decode_list_request(encode_list_request(list->start, list->end, list->limit, list->after));
    FUZZ_REQUIRE(again && again->start == list->start && again->end == list->end && again->after == list->after &&
                     again->limit == list->limit,
                 "a list request does not survive encode/decode");
  }
  if (auto commit = decode_commit_request(p)) {
    auto again = decode_commit_request(encode_commit_request(commit->checks, commit->mutations));
    bool same = again && again->checks.size() == commit->checks.size() &&
                again->mutations.size() == commit->mutations.size();
    for (size_t i = 0; same && i < commit->checks.size(); ++i)
      same = again->checks[i].key == commit->checks[i].key && again->checks[i].version == commit->checks[i].version;
    for (size_t i = 0; same && i < commit->mutations.size(); ++i)
      same = again->mutations[i].op == commit->mutations[i].op && again->mutations[i].key == commit->mutations[i].key &&
             again->mutations[i].value == commit->mutations[i].value;
    FUZZ_REQUIRE(same, "a commit request does not survive encode/decode");
  }
  if (auto fetch = decode_fetch_request(p)) {
    auto again = decode_fetch_request(encode_fetch_request(*fetch));
    FUZZ_REQUIRE(again && again->method == fetch->method && again->url == fetch->url &&
                     again->headers == fetch->headers && again->body == fetch->body &&
                     again->timeout_ms == fetch->timeout_ms,
                 "a fetch request does not survive encode/decode");
  }
}

void fuzz_config(std::string_view text) {
  std::string error;
  auto cfg = parse_config(text, &error);
  if (cfg) {
    FUZZ_REQUIRE(cfg->admin_token.size() >= 16, "accepted a short admin token");
    FUZZ_REQUIRE(cfg->checkout_minutes >= 30 && cfg->checkout_minutes <= kMaxCheckoutMinutes,
                 "accepted checkout_minutes out of range");
    FUZZ_REQUIRE(cfg->stripe_api_base.empty() || cfg->stripe_api_base.back() != '/',
                 "the Stripe base URL kept a trailing slash");
    for (const std::string& s : cfg->webhook_secrets)
      FUZZ_REQUIRE(!s.empty() && s.front() != ' ' && s.back() != ' ' && s.find(',') == std::string::npos,
                   "a webhook secret was not split and trimmed");
  } else {
    FUZZ_REQUIRE(!error.empty(), "a refused configuration without a message");
  }
  AbiScope scope;  // the sg_init under test runs on a fresh host and module
  const std::string copy(text);
  const int32_t rc = sg_init(reinterpret_cast<const uint8_t*>(copy.data()), static_cast<uint32_t>(copy.size()));
  FUZZ_REQUIRE((rc == SG_OK) == cfg.has_value(), "sg_init and parse_config disagree");
  const std::string_view why(reinterpret_cast<const char*>(sg_init_error_ptr()), sg_init_error_len());
  if (rc != SG_OK) {
    // The reason is shown to operators: non-empty UTF-8 text without NUL.
    FUZZ_REQUIRE(!why.empty() && why.find('\0') == std::string_view::npos && is_valid_utf8(why),
                 "a refused configuration without a readable reason");
    return;
  }
  FUZZ_REQUIRE(why.empty(), "an accepted configuration left an error behind");
  // The engine now runs under the fuzzed configuration: a booking must still work out.
  auto w = seeded_world();
  abi_run(*w, build_request(*w, 0), {});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  prepare_world();
  abi_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto [mode, rest] = first_line(input);
  const char m = mode.empty() ? 'i' : mode.front();
  const size_t n = static_cast<size_t>(leading_int(mode.substr(mode.empty() ? 0 : 1), 1000));
  switch (m) {
    case 'e': {
      const bool decodes = round_trip_request_envelope(rest);
      AbiScope scope;
      const int32_t task =
          sg_task_start(reinterpret_cast<const uint8_t*>(rest.data()), static_cast<uint32_t>(rest.size()));
      FUZZ_REQUIRE((task > 0) == decodes,
                   "sg_task_start and decode_request_envelope disagree");
      if (task > 0) {
        auto w = seeded_world();
        abi_drain(*w, {});
        check_response(abi_output(task));
      }
      break;
    }
    case 'o': round_trip_response_envelope(rest); break;
    case 'c': fuzz_config(rest); break;
    case 't': {
      AbiScope scope;
      auto w = seeded_world();
      abi_run(*w, build_request(*w, n), read_replies(rest));
      break;
    }
    case 'E': {
      auto w = seeded_world();
      std::vector<Reply> replies = read_replies(rest);
      size_t next = 0;
      Override answer = [&](const HostCall&, HostReply& reply) {
        if (next >= replies.size()) return false;
        const Reply& r = replies[next++];
        if (r.kind != Reply::Kind::Given) return false;
        reply = {r.status, r.payload};
        return true;
      };
      HttpResponse res = finish(*w, w->engine.start(build_request(*w, n)), kMaxSteps, answer);
      check_response(res);
      check_world(*w);
      break;
    }
    default:
      decode_everything(rest);
      round_trip_request_envelope(rest);
      round_trip_response_envelope(rest);
      break;
  }
  return 0;
}
