// One hold against the memory store, driven the way a native host drives the engine:
// start the request, answer each host call it waits on, read the response. Stripe is
// a few lines below: it answers the Checkout Session the core asks for.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "slotguard/api/engine.h"
#include "slotguard/host/fetch_client.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/base/json.h"
#include "kv_store.h"
#include "store_service.h"

using namespace slotguard;

namespace {

class Host : public HostEnv {
 public:
  int64_t now_ms() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  void random_bytes(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(device_());
  }
  void log(LogLevel, std::string_view) override {}

 private:
  std::random_device device_;
};

// The Checkout Session answer: the fields the core reads back.
HostReply answer_stripe(const HostCall& call) {
  auto req = decode_fetch_request(call.payload);
  std::vector<std::pair<std::string, std::string>> form;
  if (!req || !parse_query(req->body, form)) return {1, "bad fetch request"};
  auto param = [&](const char* name) {
    for (const auto& [k, v] : form)
      if (k == name) return v;
    return std::string();
  };
  JsonWriter session;
  session.object()
      .field("id", "cs_consumer_1")
      .field("object", "checkout.session")
      .field("status", "open")
      .field("payment_status", "unpaid")
      .field("url", "https://checkout.example/cs_consumer_1")
      .field("client_reference_id", param("client_reference_id"));
  session.key("metadata").object().field("reservation_id", param("client_reference_id")).end_object();
  session.field("amount_total", std::stoll(param("line_items[0][price_data][unit_amount]")))
      .field("currency", param("line_items[0][price_data][currency]"))
      .field("expires_at", std::stoll(param("expires_at")))
      .field("livemode", false)
      .field("payment_intent", nullptr)
      .end_object();
  return {0, encode_fetch_reply(200, session.take())};
}

const HttpResponse* run(Engine& engine, native::KvStore& store, HttpRequest req) {
  TaskId id = engine.start(std::move(req));
  while (const HostCall* call = engine.pending(id)) {
    HostReply reply = call->op == HostOp::HttpFetch ? answer_stripe(*call) : native::serve_store_call(store, *call);
    engine.resume(id, std::move(reply));
  }
  return engine.response(id);
}

HttpRequest request(const char* method, std::string path, std::string body, HeaderList headers = {}) {
  HttpRequest r;
  r.method = method;
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace

int main() {
  Host host;
  auto store = native::make_memory_store();
  Config cfg;
  cfg.admin_token = "consumer-admin-token-0123456789";
  cfg.stripe_secret_key = "sk_test_consumer";
  Engine engine(cfg, host);

  JsonWriter event;
  event.object().field("expert_id", "ana").field("title", "Intro call").field("duration_minutes", 30);
  event.key("price").object().field("amount", 5000).field("currency", "eur").end_object();
  event.end_object();
  const HttpResponse* put = run(engine, *store, request("PUT", "/v1/events/intro-call", event.take(),
                                                       {{"Authorization", "Bearer " + cfg.admin_token}}));
  if (!put || put->status / 100 != 2) {
    std::printf("creating the event failed: %d %s\n", put ? put->status : 0, put ? put->body.c_str() : "");
    return 1;
  }

  // A slot on a weekday at 10:00 UTC, two days from now: inside the booking horizon.
  int64_t day = 86'400'000;
  int64_t start_ms = (host.now_ms() / day + 2) * day + 10 * 3'600'000;
  std::time_t t = static_cast<std::time_t>(start_ms / 1000);
  char start[32];
  std::strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  JsonWriter hold;
  hold.object().field("event_id", "intro-call").field("start", std::string_view(start));
  hold.key("guest").object().field("email", "guest@example.com").field("name", "Guest").end_object();
  hold.end_object();
  const HttpResponse* held = run(engine, *store, request("POST", "/v1/reservations", hold.take()));
  std::printf("%d %s\n", held ? held->status : 0, held ? held->body.c_str() : "");
  return held && held->status == 201 ? 0 : 1;
}
