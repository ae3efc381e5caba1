// A complete native slotguard for tests: engine, store, fake Stripe, clock and the
// deterministic scheduler, with helpers to build requests.
#pragma once
#include <memory>
#include <string>

#include "slotguard/booking/domain.h"
#include "slotguard/api/engine.h"
#include "fake_stripe.h"
#include "kv_store.h"
#include "scheduler.h"
#include "sim_host.h"
#include "test_json.h"

namespace slotguard::testing {

inline constexpr const char* kAdminToken = "test-admin-token-0123456789";

Config test_config();

struct World {
  explicit World(uint64_t seed = 1, std::unique_ptr<native::KvStore> store = native::make_memory_store(),
                 RootHandler root = nullptr);
  // With a configuration of the test's own (start from test_config()).
  explicit World(const Config& cfg, uint64_t seed = 1);

  native::SimHost host;
  std::unique_ptr<native::KvStore> store;
  native::FakeStripe stripe;
  Engine engine;
  native::Scheduler sched;

  // Runs one request alone to completion and returns its response.
  HttpResponse call(HttpRequest req);
  HttpResponse put_event(const std::string& id, const std::string& expert, int duration, int buffer_before = 0,
                         int buffer_after = 0, int step = 15);
  static HttpRequest create_request(const std::string& event_id, const std::string& start, const std::string& email,
                                    const std::string& idempotency_key = {});
  // A webhook delivery as Stripe signs it, at the simulated clock's time.
  HttpRequest webhook(const std::string& body, const std::string& secret = "whsec_test_secret");
  HttpResponse sweep();
  // All reservation records in the store.
  std::vector<Reservation> reservations();
  Json json_of(const HttpResponse& r);
};

HttpRequest make_request(std::string method, std::string path, std::string body = {}, HeaderList headers = {});
// The same, with the admin token.
HttpRequest admin_request(std::string method, std::string path, std::string body = {});

// A response header (case-insensitive), or nullptr.
const std::string* header(const HttpResponse& r, const std::string& name);
// The error code of an error response, or "" when it is not one.
std::string error_code(World& w, const HttpResponse& r);

// Everything in the store, in bytewise key order, with versions: tests compare two of
// these to show a request wrote nothing.
std::vector<KvItem> snapshot(World& w);
bool same_store(const std::vector<KvItem>& a, const std::vector<KvItem>& b);

// The invariants every schedule must keep: no expert's time is taken twice (a collective
// meeting takes every member's of its team), except seats of one start shared up to
// their number. Empty string = all hold; else what broke.
std::string check_no_double_booking(World& w);

}  // namespace slotguard::testing
