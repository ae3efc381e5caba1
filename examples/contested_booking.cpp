// Five guests ask for the same 30-minute slot at the same moment, and a sixth for an
// overlapping 60-minute session of the same expert. The native scheduler interleaves
// their host calls; the core lets exactly one hold win and only the winner reaches
// Stripe. Prints what happened.
#include <cstdio>
#include <string>
#include <vector>

#include "slotguard/api/engine.h"
#include "fake_stripe.h"
#include "kv_store.h"
#include "scheduler.h"
#include "sim_host.h"
#include "test_json.h"

using namespace slotguard;
using testing::Json;

namespace {

HttpRequest request(const char* method, std::string path, const Json& body, HeaderList headers = {}) {
  HttpRequest r;
  r.method = method;
  r.path = std::move(path);
  r.body = body.dump();
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace

int main() {
  native::SimHost host(42);
  auto store = native::make_memory_store();
  native::FakeStripe stripe;
  Config cfg;
  cfg.admin_token = "example-admin-token-123456";
  cfg.stripe_secret_key = "sk_test_example";
  cfg.stripe_api_base = "https://api.stripe.test";
  Engine engine(cfg, host);
  native::Scheduler sched(engine, *store, stripe);

  const HeaderList admin{{"Authorization", "Bearer " + cfg.admin_token}};
  for (auto [id, minutes] : {std::pair{"intro-30", 30}, std::pair{"deep-dive-60", 60}}) {
    Json ev = {{"expert_id", "dr-ada"}, {"title", id}, {"duration_minutes", minutes}, {"slot_step_minutes", 30},
               {"buffer_after_minutes", 10}, {"price", {{"amount", 4500}, {"currency", "eur"}}}};
    sched.submit(request("PUT", std::string("/v1/events/") + id, ev, admin));
  }
  sched.run([](size_t) { return 0; });

  std::printf("slotguard contested booking (native core, deterministic scheduler)\n\n");
  std::vector<std::pair<TaskId, std::string>> guests;
  for (int i = 1; i <= 6; ++i) {
    bool long_one = i == 6;
    Json body = {{"event_id", long_one ? "deep-dive-60" : "intro-30"},
                 {"start", long_one ? "2030-01-02T09:30:00Z" : "2030-01-02T10:00:00Z"},
                 {"guest", {{"email", "guest" + std::to_string(i) + "@example.com"}, {"name", "Guest " + std::to_string(i)}}}};
    std::string label = std::string("guest ") + std::to_string(i) + (long_one ? " (60 min at 09:30)" : " (30 min at 10:00)");
    guests.emplace_back(sched.submit(request("POST", "/v1/reservations", body)), label);
  }
  size_t steps = sched.run(native::random_chooser(2030));
  std::printf("%zu host calls interleaved across %zu concurrent requests\n\n", steps, guests.size());

  int winners = 0;
  for (const auto& [id, label] : guests) {
    const HttpResponse* r = engine.response(id);
    auto j = testing::read_json(r->body, 16);
    if (r->status == 201) {
      ++winners;
      std::printf("  %-22s -> %d held %s, checkout %s\n", label.c_str(), r->status,
                  (*j)["reservation"]["id"].get<std::string>().c_str(), (*j)["checkout_url"].get<std::string>().c_str());
    } else {
      std::printf("  %-22s -> %d %s\n", label.c_str(), r->status, (*j)["error"]["code"].get<std::string>().c_str());
    }
  }
  std::printf("\nholds: %d, Stripe calls: %zu (only the winner's)\n", winners, stripe.calls().size());
  return winners == 1 && stripe.calls().size() == 1 ? 0 : 1;
}
