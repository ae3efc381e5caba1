#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "slotguard/base/json.h"
#include "kv_store.h"
#include "snapshot_store.h"
#include "slotguard/host/store_keys.h"

namespace slotguard::fuzz {

using testing::World;

void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\n*** fuzz property violated at %s:%d: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

namespace {

std::string string_field(const testing::Json& j, const char* a, const char* b) {
  const testing::Json* obj = testing::json_object(j, a);
  const std::string* s = obj ? testing::json_string(*obj, b) : nullptr;
  return s ? *s : std::string();
}

struct Booked {
  std::string rid, session;
};

Booked book(World& w, const char* event, const char* start, const char* email, const std::string& key = {}) {
  HttpResponse r = w.call(World::create_request(event, start, email, key));
  FUZZ_REQUIRE(r.status == 201, "seeding: booking " + std::string(start) + " answered " + std::to_string(r.status));
  testing::Json j = w.json_of(r);
  return {string_field(j, "reservation", "id"), string_field(j, "reservation", "checkout_session_id")};
}

void deliver(World& w, const std::string& event_id, const std::string& type, const std::string& session) {
  HttpResponse r = w.call(w.webhook(w.stripe.event_body(event_id, type, session)));
  FUZZ_REQUIRE(r.status == 200, "seeding: webhook " + event_id + " answered " + std::to_string(r.status));
}

const std::string kReservationPrefix = keys::reservation("");
const std::string kAdminHeaderValue = std::string("Bearer ") + testing::kAdminToken;

Seeded build_seeded() {
  Seeded s;
  World w(1);
  FUZZ_REQUIRE(w.put_event("intro", "ada", 30, 0, 0, 15).status == 201, "seeding: event intro");
  FUZZ_REQUIRE(w.put_event("deep", "bob", 60, 10, 10, 30).status == 201, "seeding: event deep");

  // E: its hold expires and is swept, a rival takes the slot, and then E's payment
  // arrives: it is refunded, and the refund is left queued for the sweep to retry.
  Booked e = book(w, "intro", "2030-01-03T09:00:00Z", "e@example.com");
  w.host.advance(60 * kMinuteMs);
  FUZZ_REQUIRE(w.sweep().status == 200, "seeding: sweep");
  Booked e2 = book(w, "intro", "2030-01-03T09:00:00Z", "rival@example.com");
  std::string pe = w.stripe.pay(e.session);
  w.stripe.fail_refunds = 1;
  deliver(w, "evt_seed_e", "checkout.session.completed", e.session);

  // A: pending, under an idempotency key. B: paid by card, confirmed. C: Multibanco
  // voucher, held. D: cancelled by the guest, released.
  Booked a = book(w, "intro", "2030-01-02T10:00:00Z", "a@example.com", "key-a");
  Booked b = book(w, "intro", "2030-01-02T11:00:00Z", "b@example.com");
  std::string pb = w.stripe.pay(b.session);
  deliver(w, "evt_seed_b", "checkout.session.completed", b.session);
  Booked c = book(w, "intro", "2030-01-02T12:00:00Z", "c@example.com");
  std::string pc = w.stripe.pay_with_voucher(c.session, w.host.now_ms() / 1000 + 3 * 86400);
  deliver(w, "evt_seed_c", "checkout.session.completed", c.session);
  Booked d = book(w, "deep", "2030-01-02T10:00:00Z", "d@example.com");
  FUZZ_REQUIRE(w.call(testing::make_request("DELETE", "/v1/reservations/" + d.rid)).status == 200,
               "seeding: cancel D");

  // U: the creating request died between holding and opening checkout, so the hold
  // has no session; the sweep links it once it is two minutes old.
  TaskId u_task = w.engine.start(World::create_request("intro", "2030-01-02T14:00:00Z", "u@example.com", "key-u"));
  for (int i = 0; i < 100; ++i) {
    const HostCall* call = w.engine.pending(u_task);
    if (!call || call->op == HostOp::HttpFetch) break;
    w.sched.step(u_task);
  }
  FUZZ_REQUIRE(w.engine.pending(u_task) && w.engine.pending(u_task)->op == HostOp::HttpFetch,
               "seeding: the unlinked hold never reached Stripe");
  w.engine.drop(u_task);
  std::string ru;
  for (const Reservation& r : w.reservations())
    if (r.guest.email == "u@example.com") ru = r.id;
  FUZZ_REQUIRE(!ru.empty(), "seeding: the unlinked hold is missing");

  s.items = testing::snapshot(w);
  FUZZ_REQUIRE(!s.items.empty(), "seeding: empty store");
  size_t reservations = 0;
  for (const KvItem& it : s.items)
    if (it.key.rfind(kReservationPrefix, 0) == 0 && reservation_from_storage(it.value)) ++reservations;
  FUZZ_REQUIRE(reservations == 7, "seeding: expected seven reservations (A-F, U), found " + std::to_string(reservations));
  s.stripe = w.stripe;
  s.now_ms = w.host.now_ms();
  s.tokens = {{"@rA", a.rid},  {"@sA", a.session},  {"@rB", b.rid},  {"@sB", b.session}, {"@pB", pb},
              {"@rC", c.rid},  {"@sC", c.session},  {"@pC", pc},     {"@rD", d.rid},     {"@sD", d.session},
              {"@rE", e.rid},  {"@sE", e.session},  {"@pE", pe},     {"@rF", e2.rid},    {"@sF", e2.session},
              {"@rU", ru},     {"@admin", kAdminHeaderValue}, {"@token", testing::kAdminToken},
              {"@t", std::to_string(w.host.now_ms() / 1000)}};
  if (std::getenv("SLOTGUARD_FUZZ_SHOW_SEED")) {
    for (const auto& [k, v] : s.tokens) std::fprintf(stderr, "%s = %s\n", k.c_str(), v.c_str());
    std::fprintf(stderr, "now = %lld\n", static_cast<long long>(s.now_ms));
  }
  return s;
}

}  // namespace

const Seeded& seeded() {
  static const Seeded s = build_seeded();
  return s;
}

namespace {

constexpr uint64_t kWorldSeed = 0x5eedf00dULL;

// The memory store every input used to get: the seeded items copied in one commit.
std::unique_ptr<native::KvStore> fresh_memory_store() {
  std::vector<KvMutation> copy;
  copy.reserve(seeded().items.size());
  for (const KvItem& it : seeded().items) copy.push_back({KvMutation::Op::Set, it.key, it.value});
  auto store = native::make_memory_store();
  auto done = store->commit({}, copy);
  FUZZ_REQUIRE(done && *done == CommitOutcome::Committed, "copying the seeded store failed");
  return store;
}

bool same_answer(const std::optional<std::vector<KvItem>>& a, const std::optional<std::vector<KvItem>>& b) {
  return a.has_value() == b.has_value() && (!a || testing::same_store(*a, *b));
}

// SLOTGUARD_FUZZ_CROSSCHECK: the snapshot store and a fresh memory store side by side.
class CrossCheckStore final : public native::KvStore {
 public:
  explicit CrossCheckStore(std::unique_ptr<SnapshotStore> primary) : held_(std::move(primary)), primary_(*held_) {}
  void renew() { mirror_ = fresh_memory_store(); }

  std::optional<std::vector<KvItem>> read(const std::vector<std::string>& keys) override {
    auto a = primary_.read(keys);
    FUZZ_REQUIRE(same_answer(a, mirror_->read(keys)), "crosscheck: read differs from the memory store");
    return a;
  }
  std::optional<KvListResult> list(std::string_view start, std::string_view end, size_t limit,
                                   std::string_view after) override {
    auto a = primary_.list(start, end, limit, after);
    auto b = mirror_->list(start, end, limit, after);
    FUZZ_REQUIRE(a.has_value() == b.has_value() && (!a || (a->more == b->more && testing::same_store(a->items, b->items))),
                 "crosscheck: list differs from the memory store");
    return a;
  }
  std::optional<CommitOutcome> commit(const std::vector<KvCheck>& checks,
                                      const std::vector<KvMutation>& mutations) override {
    auto a = primary_.commit(checks, mutations);
    FUZZ_REQUIRE(a == mirror_->commit(checks, mutations), "crosscheck: commit differs from the memory store");
    return a;
  }

 private:
  std::unique_ptr<SnapshotStore> held_;
  SnapshotStore& primary_;
  std::unique_ptr<native::KvStore> mirror_;
};

bool same_sessions(std::map<std::string, native::FakeSession>& a, std::map<std::string, native::FakeSession>& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    const native::FakeSession &x = i->second, &y = j->second;
    if (i->first != j->first || x.id != y.id || x.reservation_id != y.reservation_id || x.status != y.status ||
        x.payment_status != y.payment_status || x.payment_intent != y.payment_intent || x.url != y.url ||
        x.currency != y.currency || x.customer_email != y.customer_email || x.amount != y.amount ||
        x.expires_at != y.expires_at || x.voucher_expires_at != y.voucher_expires_at || x.methods != y.methods)
      return false;
  }
  return true;
}

// Whether the fake Stripe may differ from the seeded one. Everything it keeps changes
// only in serve() (which records every call it performs) or through the public
// members and the session helpers (pay, pay_with_voucher, settle_voucher,
// expire_due), all compared here; begin_in_flight, which no target uses, is not.
bool stripe_untouched(native::FakeStripe& now, native::FakeStripe& seed) {
  return now.calls().size() == seed.calls().size() && now.refunds == seed.refunds &&
         now.refunds_made == seed.refunds_made && now.refunded_amount == seed.refunded_amount &&
         now.fail_refunds == seed.fail_refunds && now.refunds_always_fail == seed.refunds_always_fail &&
         now.fail_creates_with_500 == seed.fail_creates_with_500 &&
         now.fail_creates_with_400 == seed.fail_creates_with_400 &&
         now.fail_creates_in_transport == seed.fail_creates_in_transport && !now.clock == !seed.clock &&
         same_sessions(now.sessions(), seed.sessions());
}

struct Lender {
  SnapshotStore* store = nullptr;
  CrossCheckStore* cross = nullptr;
  std::unique_ptr<World> world;
  native::FakeStripe stripe;  // the seeded fake Stripe, to compare and restore from
  bool lent = false;
  // The watch, checked against full snapshots under SLOTGUARD_FUZZ_CROSSCHECK.
  std::vector<KvItem> watched;

  Lender() {
    const Seeded& s = seeded();
    // What a new memory store holds after copying the seeded items in one commit.
    std::vector<KvItem> base = s.items;
    for (KvItem& it : base) it.version = 1;
    auto primary = std::make_unique<SnapshotStore>(base, 1, kReservationPrefix, reservation_from_storage);
    store = primary.get();
    std::unique_ptr<native::KvStore> served;
    if (std::getenv("SLOTGUARD_FUZZ_CROSSCHECK")) {
      auto c = std::make_unique<CrossCheckStore>(std::move(primary));
      cross = c.get();
      served = std::move(c);
    } else {
      served = std::move(primary);
    }
    world = std::make_unique<World>(kWorldSeed, std::move(served));
    stripe = s.stripe;
    reset();
  }

  // Puts the world in the seeded state.
  void reset() {
    const Seeded& s = seeded();
    World& w = *world;
    FUZZ_REQUIRE(w.engine.in_flight() == 0, "a task outlived its input");
    // A new engine (counters, task ids) and scheduler, in place: the scheduler and the
    // tests' helpers hold references to these members.
    std::destroy_at(&w.sched);
    std::destroy_at(&w.engine);
    std::construct_at(&w.engine, testing::test_config(), w.host, nullptr);
    std::construct_at(&w.sched, w.engine, *w.store, w.stripe);
    w.host = native::SimHost(kWorldSeed);
    w.host.set_now(s.now_ms);
    if (cross || !stripe_untouched(w.stripe, stripe)) w.stripe = stripe;
    store->restore();
    if (cross) cross->renew();
  }
};

Lender& lender() {
  // Never destroyed: the world outlives every input, and exit needs no teardown.
  static Lender* l = new Lender();
  return *l;
}

}  // namespace

void prepare_world() { (void)lender(); }

WorldLease::WorldLease() {
  Lender& l = lender();
  FUZZ_REQUIRE(!l.lent, "the seeded world is already lent");
  FUZZ_REQUIRE(l.store->at_baseline(), "the seeded world was not restored");
  l.lent = true;
  world_ = l.world.get();
}

WorldLease::~WorldLease() {
  Lender& l = lender();
  l.reset();
  l.lent = false;
}

void watch_store(World& w) {
  Lender& l = lender();
  FUZZ_REQUIRE(&w == l.world.get(), "watch_store needs the leased world");
  l.store->watch();
  if (l.cross) l.watched = testing::snapshot(w);
}

bool store_unchanged(World& w) {
  Lender& l = lender();
  FUZZ_REQUIRE(&w == l.world.get(), "store_unchanged needs the leased world");
  const bool same = l.store->unchanged();
  if (l.cross)
    FUZZ_REQUIRE(same == testing::same_store(l.watched, testing::snapshot(w)),
                 "crosscheck: the store watch disagrees with full snapshots");
  return same;
}

std::string expand_tokens(std::string_view text) {
  const auto& tokens = seeded().tokens;
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size();) {
    // Copy up to the next '@' in one go.
    const size_t at = text.find('@', i);
    if (at == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, at - i));
    i = at;
    // Longest token first, so "@token" is never read as a shorter one.
    const std::pair<std::string, std::string>* best = nullptr;
    for (const auto& t : tokens)
      if (text.compare(i, t.first.size(), t.first) == 0 && (!best || t.first.size() > best->first.size())) best = &t;
    if (best) {
      out += best->second;
      i += best->first.size();
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view data, std::string_view sep, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t at = data.find(sep);
    if (at == std::string_view::npos) break;
    parts.push_back(data.substr(0, at));
    data.remove_prefix(at + sep.size());
  }
  parts.push_back(data);
  return parts;
}

std::pair<std::string_view, std::string_view> first_line(std::string_view data) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) return {data, {}};
  return {data.substr(0, nl), data.substr(nl + 1)};
}

int64_t leading_int(std::string_view text, int64_t cap) {
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  int64_t v = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    v = v * 10 + (text[i] - '0');
    if (v > cap) v = cap;
  }
  return neg ? -v : v;
}

HttpRequest parse_http_text(std::string_view text) {
  HttpRequest req;
  auto [line, rest] = first_line(text);
  size_t sp = line.find(' ');
  std::string_view method = line.substr(0, sp);
  std::string_view target = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  req.method.assign(method);
  size_t q = target.find('?');
  req.path.assign(target.substr(0, q));
  if (q != std::string_view::npos) req.query.assign(target.substr(q + 1));
  while (!rest.empty()) {
    auto [h, after] = first_line(rest);
    rest = after;
    if (h.empty()) break;  // the blank line before the body
    size_t colon = h.find(':');
    std::string_view name = h.substr(0, colon), value;
    if (colon != std::string_view::npos) {
      value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    req.headers.emplace_back(std::string(name), std::string(value));
  }
  req.body.assign(rest);
  return req;
}

HttpResponse finish(World& w, TaskId id, size_t max_steps, const Override& override) {
  for (size_t n = 0; w.engine.state(id) == TaskState::Waiting; ++n) {
    FUZZ_REQUIRE(n < max_steps, "the task is still unfinished after " + std::to_string(max_steps) + " host calls");
    const HostCall* call = w.engine.pending(id);
    FUZZ_REQUIRE(call != nullptr, "a waiting task has no pending host call");
    HostReply reply;
    if (override && override(*call, reply)) {
      FUZZ_REQUIRE(w.engine.resume(id, std::move(reply)), "the engine refused to resume a waiting task");
    } else {
      FUZZ_REQUIRE(w.sched.step(id), "the scheduler could not serve a pending call");
    }
  }
  FUZZ_REQUIRE(w.engine.state(id) == TaskState::Done, "the task vanished before it finished");
  HttpResponse out = *w.engine.response(id);
  w.engine.drop(id);
  return out;
}

HttpResponse run(World& w, HttpRequest req, const Override& override) {
  return finish(w, w.engine.start(std::move(req)), 20000, override);
}

void check_response(const HttpResponse& r) {
  // For reading what a corpus or regression file does: SLOTGUARD_FUZZ_VERBOSE=1.
  static const bool verbose = std::getenv("SLOTGUARD_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "-> %d %.300s\n", r.status, r.body.c_str());
  FUZZ_REQUIRE(r.status >= 100 && r.status <= 599, "status out of range: " + std::to_string(r.status));
  bool json = false;
  for (const auto& [k, v] : r.headers) {
    for (std::string_view part : {std::string_view(k), std::string_view(v)})
      FUZZ_REQUIRE(part.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos,
                   "a response header carries CR, LF or NUL: " + k);
    if (iequals(k, "content-type") && v.find("json") != std::string::npos) json = true;
  }
  std::optional<testing::Json> body;
  if (json || r.status >= 400) {
    body = testing::read_json(r.body, 64);
    FUZZ_REQUIRE(body.has_value(), "status " + std::to_string(r.status) + " with a body that is not JSON: " + r.body);
  }
  if (r.status >= 400) {
    const testing::Json* err = testing::json_object(*body, "error");
    const std::string* code = err ? testing::json_string(*err, "code") : nullptr;
    const std::string* message = err ? testing::json_string(*err, "message") : nullptr;
    FUZZ_REQUIRE(code && !code->empty() && message,
                 "error status " + std::to_string(r.status) + " without {error: {code, message}}: " + r.body);
  }
}

void check_world(World& w) {
  Lender& l = lender();
  FUZZ_REQUIRE(&w == l.world.get(), "check_world needs the leased world");
  const int64_t now = w.host.now_ms();
  static std::vector<const Reservation*> active;
  active.clear();
  l.store->for_each_parsed([&](const std::string& key, const Reservation* r) {
    FUZZ_REQUIRE(r != nullptr, "a stored reservation does not parse: " + key);
    if (r->active_at(now)) active.push_back(r);
  });
  for (size_t i = 0; i < active.size(); ++i)
    for (size_t j = i + 1; j < active.size(); ++j) {
      const Reservation &a = *active[i], &b = *active[j];
      FUZZ_REQUIRE(!(a.expert_id == b.expert_id && a.span_start < b.span_end && b.span_start < a.span_end),
                   "double booking: " + a.id + " and " + b.id);
    }
}

}  // namespace slotguard::fuzz
