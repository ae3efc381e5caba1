#include "world.h"

#include <algorithm>

#include "slotguard/booking/domain.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::testing {

Config test_config() {
  Config c;
  c.admin_token = kAdminToken;
  c.stripe_secret_key = "sk_test_fake";
  c.stripe_api_base = "https://api.stripe.test";
  c.webhook_secrets = {"whsec_test_secret"};
  return c;
}

World::World(uint64_t seed, std::unique_ptr<native::KvStore> s, RootHandler root)
    : host(seed), store(std::move(s)), engine(test_config(), host, root), sched(engine, *store, stripe) {}

World::World(const Config& cfg, uint64_t seed)
    : host(seed), store(native::make_memory_store()), engine(cfg, host, nullptr), sched(engine, *store, stripe) {}

HttpRequest make_request(std::string method, std::string path, std::string body, HeaderList headers) {
  HttpRequest r;
  size_t q = path.find('?');
  if (q != std::string::npos) {
    r.query = path.substr(q + 1);
    path.resize(q);
  }
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpRequest admin_request(std::string method, std::string path, std::string body) {
  return make_request(std::move(method), std::move(path), std::move(body),
                      {{"Authorization", std::string("Bearer ") + kAdminToken}});
}

HttpResponse World::call(HttpRequest req) {
  TaskId id = engine.start(std::move(req));
  while (sched.step(id)) {
  }
  HttpResponse out = *engine.response(id);
  engine.drop(id);
  return out;
}

HttpResponse World::put_event(const std::string& id, const std::string& expert, int duration, int bb, int ba,
                              int step) {
  Json body = {{"expert_id", expert},
               {"title", "Session " + id},
               {"duration_minutes", duration},
               {"buffer_before_minutes", bb},
               {"buffer_after_minutes", ba},
               {"slot_step_minutes", step},
               {"price", {{"amount", 5000}, {"currency", "eur"}}},
               {"payment_method_types", {"card", "multibanco"}}};
  return call(make_request("PUT", "/v1/events/" + id, body.dump(),
                           {{"Authorization", std::string("Bearer ") + kAdminToken}}));
}

HttpRequest World::create_request(const std::string& event_id, const std::string& start, const std::string& email,
                                  const std::string& idempotency_key) {
  Json body = {{"event_id", event_id}, {"start", start}, {"guest", {{"email", email}, {"name", "Guest " + email}}}};
  HeaderList h{{"Content-Type", "application/json"}};
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
  return make_request("POST", "/v1/reservations", body.dump(), h);
}

HttpRequest World::webhook(const std::string& body, const std::string& secret) {
  return make_request("POST", "/v1/stripe/webhook", body,
                      {{"Stripe-Signature", stripe_signature_header(secret, host.now_ms() / 1000, body)}});
}

HttpResponse World::sweep() {
  return call(make_request("POST", "/v1/maintenance/sweep", "", {{"Authorization", std::string("Bearer ") + kAdminToken}}));
}

std::vector<Reservation> World::reservations() {
  std::vector<Reservation> out;
  auto page = store->list("rsv/", "rsv0", 100000, "");
  if (!page) return out;
  for (const auto& it : page->items)
    if (auto r = reservation_from_storage(it.value)) out.push_back(*r);
  return out;
}

Json World::json_of(const HttpResponse& r) {
  auto j = read_json(r.body, 64);
  return j ? *j : Json();
}

const std::string* header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::string error_code(World& w, const HttpResponse& r) {
  Json j = w.json_of(r);
  const Json* err = json_object(j, "error");
  const std::string* c = err ? json_string(*err, "code") : nullptr;
  return c ? *c : std::string();
}

std::vector<KvItem> snapshot(World& w) {
  // Keys are ASCII, so this end bounds them all; `more` proves nothing was cut off.
  auto page = w.store->list("", "\xff\xff\xff\xff\xff\xff\xff\xff", 1'000'000, "");
  if (!page || page->more) return {};
  return page->items;
}

bool same_store(const std::vector<KvItem>& a, const std::vector<KvItem>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].key != b[i].key || a[i].value != b[i].value || a[i].version != b[i].version) return false;
  return true;
}

namespace {

// Whether a and b take some expert's time together: a collective meeting takes its
// expert's and every other member of its team's.
bool share_an_expert(const Reservation& a, const Reservation& b) {
  const auto takes = [](const Reservation& r, const std::string& expert) {
    return r.expert_id == expert || std::find(r.team.begin(), r.team.end(), expert) != r.team.end();
  };
  if (takes(b, a.expert_id)) return true;
  return std::any_of(a.team.begin(), a.team.end(), [&](const std::string& member) { return takes(b, member); });
}

}  // namespace

std::string check_no_double_booking(World& w) {
  auto all = w.reservations();
  const int64_t now = w.host.now_ms();
  // Seated reservations of one event type and start may share it, up to its seats.
  auto shared_seat = [](const Reservation& a, const Reservation& b) {
    return a.seats > 1 && a.event_id == b.event_id && a.start == b.start;
  };
  for (size_t i = 0; i < all.size(); ++i) {
    int64_t sharing = 1;
    for (size_t j = 0; j < all.size(); ++j) {
      const auto &a = all[i], &b = all[j];
      if (i == j || !share_an_expert(a, b) || !a.active_at(now) || !b.active_at(now) ||
          !(a.span_start < b.span_end && b.span_start < a.span_end))
        continue;
      if (!shared_seat(a, b)) return "double booking: " + a.id + " and " + b.id;
      if (++sharing > a.seats) return "more than " + std::to_string(a.seats) + " seats taken at " + a.id;
    }
  }
  return {};
}

}  // namespace slotguard::testing
