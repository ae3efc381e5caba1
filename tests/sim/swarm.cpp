#include "swarm.h"

#include "slotguard/booking/availability.h"
#include "slotguard/ledger/slot_ledger.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "slotguard/base/json.h"
#include "slotguard/booking/availability.h"
#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/api/engine.h"
#include "fake_stripe.h"
#include "kv_store.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_client.h"
#include "slotguard/host/store_keys.h"
#include "store_service.h"
#include "test_json.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/payments/stripe/webhook_signature.h"

namespace slotguard::sim {

namespace {

using native::FakeStripe;
using native::StripeFault;
using testing::Json;
using testing::json_object;
using testing::json_string;
using testing::read_json;

constexpr const char* kAdminToken = "swarm-admin-token-0123456789";
constexpr const char* kWebhookSecret = "whsec_swarm_secret";
constexpr int64_t kStartMs = 1'893'456'000'000;  // 2030-01-01T00:00:00Z
constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinMs;
constexpr size_t kTraceTail = 40;

// splitmix64: the only source of choices in a run.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
  int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  // A fault rate: off in some runs (swarm testing), else up to `max`.
  double rate(double max) { return chance(0.25) ? 0.0 : unit() * max; }

 private:
  uint64_t s_;
};

// Each instance's clock is the true time plus its own offset.
class InstanceClock final : public HostEnv {
 public:
  InstanceClock(const int64_t* true_now, int64_t offset_ms, uint64_t seed) : true_now_(true_now), offset_(offset_ms), rng_(seed) {}
  int64_t now_ms() override { return *true_now_ + offset_; }
  void random_bytes(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng_.next());
  }
  void log(LogLevel, std::string_view) override {}
  int64_t offset() const { return offset_; }

 private:
  const int64_t* true_now_;
  int64_t offset_;
  Rng rng_;
};

struct Rates {
  double store_read_fail, store_commit_fail, store_commit_lost;
  double stripe_500, stripe_429, stripe_timeout, stripe_lost, stripe_in_flight;
  double notify_fail, notify_lost;  // the app's endpoint answers 500 / takes it but the answer is lost
  double webhook_lost;              // an event Stripe never delivers (the endpoint is gone for longer than its retries)
  double crash;
  double series;  // how many new bookings of a series' event type are a series
  int64_t skew_ms;
};

enum class TaskKind { Booking, Webhook, Sweep, Cancel, Notify, Admin };

struct Task {
  size_t instance;
  TaskId id;
  TaskKind kind;
  size_t ref;  // booking request index, or event index
};

struct BookingRequest {
  std::string event_id, start, email, idempotency_key;
  std::vector<std::string> starts;  // a series: every start, the first being `start`; empty: one start
  std::string pack_id;              // paid with a credit of this pack
  int attempts = 0;
  int last_status = 0;
  std::string rid, session_id;  // from a 201
};

struct StripeEvent {
  std::string id, type, body;
  std::string session;  // the Checkout Session it is about
  bool acked = false;
  bool lost = false;  // never delivered: the sweep must learn what it said from Stripe
  int64_t emitted_at = 0;  // ms
};

struct PendingFetch {
  bool arrived = false;  // reached Stripe; its key is in flight
  std::string key;
};

struct Ghost {  // a request Stripe still executes after its client gave up
  HostCall call;
  std::string key;
};

struct EventDef {
  const char* id;
  int duration, before, after;
  int seats;
  int refund_before, refund_percent;  // the cancellation policy; refund_percent < 0: none
  int approval_minutes = 0;           // > 0: the expert approves before the card is charged
  int per_day = 0;                    // > 0: limits.per_day (every contested start is on one day)
  bool pool = false;                  // a round-robin pool of ada and bob
  bool series = false;                // guests also book it as a weekly series of 2 to 4 starts
};
// Event types whose spans (buffers included) overlap in many ways: ada's, and a pool of
// ada and bob whose holds race ada's own for her time. Three of ada's are also booked as
// series (a series is of one expert, paid at once: never a pool's, nor one she approves;
// and not the capped one, whose cap is checked as if every booking were on one day).
const EventDef kEvents[] = {{"short", 30, 0, 10, 1, 60, 50, 0, 0, false, true},
                            {"long", 60, 0, 0, 1, 0, -1, 0, 0, false, true},
                            {"tiny", 15, 5, 0, 1, 0, 100, 0, 1},
                            {"group", 30, 0, 0, 3, 30, 0, 0, 0, false, true},
                            {"vetted", 45, 0, 5, 1, 0, -1, 90},
                            {"team", 30, 0, 0, 1, 0, -1, 0, 0, true}};
const char* kPoolEvent = "team";
// One guest buys a pack of "short" before the run and books some of its holds with it.
const char* kPackEvent = "short";
const char* kPackGuest = "packguest@example.com";
constexpr int64_t kPackSessions = 3;
const char* kPoolMembers[] = {"ada", "bob"};  // in the pool's order

const EventDef& event_def(const std::string& id) {
  for (const auto& e : kEvents)
    if (id == e.id) return e;
  return kEvents[0];
}
const char* kZones[] = {"UTC", "Europe/Lisbon", "America/New_York"};
const char* kStarts[] = {"2030-01-02T10:00:00Z", "2030-01-02T10:15:00Z", "2030-01-02T10:30:00Z",
                         "2030-01-02T09:45:00Z", "2030-01-02T11:00:00Z", "2030-01-02T10:45:00Z"};

const char* kNotifyUrl = "https://app.swarm/slotguard";
const char* kConnectAccount = "acct_swarmExpert";

Config swarm_config() {
  Config c;
  c.admin_token = kAdminToken;
  c.stripe_secret_key = "sk_test_swarm";
  c.stripe_api_base = "https://api.stripe.test";
  c.webhook_secrets = {kWebhookSecret};
  c.checkout_minutes = 30;
  c.hold_grace_minutes = 1;  // the shortest grace: races at expiry are most likely
  c.multibanco_default_hold_minutes = 120;
  c.notify_url = kNotifyUrl;
  c.notify_secrets = {"swarm_notify_secret_0123"};
  return c;
}

HttpRequest request(std::string method, std::string path, std::string body, HeaderList headers) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

class Swarm {
 public:
  explicit Swarm(const SwarmOptions& o) : opt_(o), rng_(o.seed), store_(native::make_memory_store()) {
    report_.seed = o.seed;
    rates_.store_read_fail = rng_.rate(0.06);
    rates_.store_commit_fail = rng_.rate(0.06);
    rates_.store_commit_lost = rng_.rate(0.06);
    rates_.stripe_500 = rng_.rate(0.12);
    rates_.stripe_429 = rng_.rate(0.12);
    rates_.stripe_timeout = rng_.rate(0.08);
    rates_.stripe_lost = rng_.rate(0.08);
    rates_.stripe_in_flight = rng_.rate(0.5);
    rates_.notify_fail = rng_.rate(0.3);
    rates_.notify_lost = rng_.rate(0.1);
    // Some runs lose every webhook: the endpoint is gone for good, and only the sweep
    // (its events pass and its look at each lapsed hold) learns what Stripe said.
    rates_.webhook_lost = rng_.chance(0.2) ? 1.0 : rng_.rate(0.3);
    rates_.crash = rng_.rate(0.01);
    rates_.series = rng_.rate(0.5);
    // Up to 50 s: always below the one-minute grace between a session's expiry and its
    // hold's, the margin the design relies on.
    rates_.skew_ms = rng_.range(5 * kSecondMs, 50 * kSecondMs);
    const size_t instances = rng_.chance(0.2) ? 1 : 2 + rng_.below(2);
    for (size_t i = 0; i < instances; ++i) add_instance();
    stripe_.clock = [this] { return now_; };
  }

  SwarmReport run() {
    setup();
    for (int i = 0; i < opt_.workload_steps && report_.ok(); ++i) workload_step();
    if (report_.ok()) heal();
    if (report_.ok()) check_end_state();
    for (const auto& in : instances_)
      report_.ledger_refusals += in.engine->metrics().get(Metric::ledger_refusals_total);
    return std::move(report_);
  }

 private:
  struct Instance {
    std::unique_ptr<InstanceClock> clock;
    std::unique_ptr<Engine> engine;
  };

  // ------------------------------------------------------------------ plumbing

  std::string pack_id_;
  std::optional<Pack> pack_;  // as last committed

  void trace(std::string line) {
    if (opt_.trace) std::fprintf(stderr, "[%llu] %s\n", static_cast<unsigned long long>(report_.steps), line.c_str());
    tail_.push_back(std::move(line));
    if (tail_.size() > kTraceTail) tail_.pop_front();
  }

  void fail(std::string why) {
    if (!report_.ok()) return;
    report_.violation = std::move(why);
    report_.last_steps.assign(tail_.begin(), tail_.end());
  }

  void add_instance() {
    Instance in;
    in.clock = std::make_unique<InstanceClock>(&now_, rng_.range(0, rates_.skew_ms), rng_.next());
    in.engine = std::make_unique<Engine>(swarm_config(), *in.clock);
    instances_.push_back(std::move(in));
  }

  // Runs one request to completion on instance 0 with no faults (setup only).
  HttpResponse call_clean(HttpRequest req) {
    Engine& e = *instances_[0].engine;
    TaskId id = e.start(std::move(req));
    while (const HostCall* c = e.pending(id)) e.resume(id, serve_store_or_stripe(*c));
    HttpResponse out = *e.response(id);
    e.drop(id);
    return out;
  }

  HostReply serve_store_or_stripe(const HostCall& c) {
    if (c.op == HostOp::HttpFetch) return stripe_.serve(c);
    HostReply r = native::serve_store_call(*store_, c);
    if (c.op == HostOp::StoreCommit) note_commit(c, r);
    return r;
  }

  static Json event_body(const EventDef& e) {
    Json body = {{"expert_id", "ada"},
                 {"title", std::string("Session ") + e.id},
                 {"duration_minutes", e.duration},
                 {"buffer_before_minutes", e.before},
                 {"buffer_after_minutes", e.after},
                 {"slot_step_minutes", 15},
                 {"price", {{"amount", 5000}, {"currency", "eur"}}},
                 {"payment_method_types", {"card", "multibanco"}},
                 {"seats", e.seats}};
    // The two-field policy form, and for the seated type the tiers it means plus one.
    if (e.refund_percent >= 0 && e.seats == 1)
      body["cancellation"] = {{"refund_before_minutes", e.refund_before}, {"refund_percent", e.refund_percent}};
    if (e.refund_percent >= 0 && e.seats > 1)
      body["cancellation"] = {{"tiers", {{{"before_minutes", e.refund_before + 60}, {"refund_percent", 100}},
                                         {{"before_minutes", e.refund_before}, {"refund_percent", 50}},
                                         {{"before_minutes", 0}, {"refund_percent", e.refund_percent}}}}};
    if (e.per_day > 0) body["limits"] = {{"per_day", e.per_day}};
    if (e.pool) body["pool"] = {{"experts", {"ada", "bob"}}, {"assign", "round_robin"}};
    if (std::string_view(e.id) == kPackEvent)
      body["packs"] = Json::array({{{"sessions", kPackSessions}, {"price", {{"amount", 12000}, {"currency", "eur"}}}, {"valid_days", 30}}});
    if (e.approval_minutes > 0) {
      body["payment_method_types"] = {"card"};  // Stripe authorizes for later capture only cards
      body["approval"] = {{"required", true}, {"respond_within_minutes", e.approval_minutes}};
    }
    return body;
  }

  void setup() {
    restart_watch();
    for (const auto& e : kEvents) {
      HttpResponse r = call_clean(request("PUT", std::string("/v1/events/") + e.id, event_body(e).dump(),
                                          {{"Authorization", std::string("Bearer ") + kAdminToken}}));
      if (r.status != 201) fail("setup: PUT event answered " + std::to_string(r.status));
    }
    buy_pack();
    // Half the runs are a marketplace: the expert is paid through a Connect account.
    if (!rng_.chance(0.5)) return;
    stripe_.accounts[kConnectAccount] = true;
    const Json payouts = {{"stripe_account", kConnectAccount}, {"platform_fee", {{"percent", 10}}}};
    HttpResponse r = call_clean(request("PUT", "/v1/experts/ada/payouts", payouts.dump(),
                                        {{"Authorization", std::string("Bearer ") + kAdminToken}}));
    if (r.status != 201) fail("setup: PUT payouts answered " + std::to_string(r.status));
  }

  // The pack guest's pack, bought and paid through Checkout before the run begins.
  void buy_pack() {
    const Json body = {{"event_id", kPackEvent}, {"sessions", kPackSessions}, {"guest", {{"email", kPackGuest}, {"name", "Pack"}}}};
    const HttpResponse bought = call_clean(request("POST", "/v1/packs", body.dump(), {}));
    auto j = read_json(bought.body, 16);
    if (bought.status != 201 || !j) return fail("setup: POST /v1/packs answered " + std::to_string(bought.status));
    pack_id_ = (*j)["pack"]["id"];
    const std::string url = (*j)["pack"]["checkout_url"];
    const std::string session = url.substr(url.rfind('/') + 1);
    stripe_.pay(session);
    const std::string event = stripe_.emit_event("evt_pack_paid", "checkout.session.completed", session);
    const HttpResponse paid = call_clean(request("POST", "/v1/stripe/webhook", event,
                                                 {{"Stripe-Signature", stripe_signature_header(kWebhookSecret, now_ / 1000, event)}}));
    if (paid.status != 200) fail("setup: the pack's payment answered " + std::to_string(paid.status));
  }

  // Keeps a decoded copy of every reservation, updated from committed mutations, so
  // the checker never has to scan the store. What a commit changes is judged as it
  // commits: a hold's working hours and hold limit, every series it touches, and the
  // pool's state against the booking the pool gave.
  void note_commit(const HostCall& c, const HostReply& r) {
    if (r.status != 0) return;
    auto outcome = decode_commit_reply(r.payload);
    if (!outcome || *outcome != CommitOutcome::Committed) return;
    auto commit = decode_commit_request(c.payload);
    if (!commit) return;
    dirty_ = true;
    // The availability a commit was decided against is the one stored before it: a
    // hold's commit checks its version.
    const std::optional<Availability> hours = availability_;
    std::set<std::string> series_touched;  // leads
    std::vector<std::string> pool_gave;     // reservations the pool's booking created
    const KvMutation* pool_write = nullptr;
    for (const auto& m : commit->mutations) {
      if (m.key == "avail/ada") {
        availability_ = m.op == KvMutation::Op::Delete ? std::nullopt : availability_from_storage(m.value);
        watch_["ada"].hours.push_back(availability_);
        continue;
      }
      if (m.key == keys::pool_state(kPoolEvent)) pool_write = &m;
      if (!pack_id_.empty() && m.key == keys::pack(pack_id_)) pack_ = pack_from_storage(m.value);
      if (m.key.rfind("busy/ada/", 0) == 0) note_busy_block(m);
      if (m.key.rfind("slot/", 0) == 0) note_bucket(m);
      if (m.key.rfind("rsv/", 0) != 0) continue;
      if (m.op == KvMutation::Op::Delete) {
        reservations_.erase(m.key);
      } else if (auto rsv = reservation_from_storage(m.value)) {
        const bool created = !reservations_.count(m.key);
        note_placed(*rsv, hours);
        reservations_[m.key] = *rsv;
        if (created) first_expiry_[rsv->id] = rsv->expires_at;
        if (created && rsv->event_id == kPoolEvent) pool_gave.push_back(m.key);
        if (rsv->in_series()) series_touched.insert(rsv->series.front());
        watch_reservation(*rsv);
      } else {
        fail("a committed reservation record does not decode: " + m.key);
      }
    }
    for (const auto& lead : series_touched) check_series(lead);
    if (pool_write || !pool_gave.empty()) check_pool_commit(pool_write, pool_gave);
  }

  // A hold made, or a booking moved, lies within the working hours in force (ada's; bob,
  // the pool's other member, keeps every start). A new hold never joins as many unpaid
  // holds of its guest with its expert as the limit allows (a hold that already exists
  // may be extended, by a voucher or a late checkout, after its guest made others: that
  // is not a new hold). A series counts once, as its lead.
  void note_placed(const Reservation& rsv, const std::optional<Availability>& hours) {
    auto before = reservations_.find(keys::reservation(rsv.id));
    const bool placed = rsv.expert_id == "ada" && (before == reservations_.end() || before->second.start != rsv.start);
    if (placed && hours && !offered_by(*hours, rsv.start, rsv.end))
      fail("reservation " + rsv.id + " was placed outside the expert's availability");
    if (before == reservations_.end() && counted_hold(rsv) && rsv.status == ReservationStatus::PendingPayment &&
        surely_active(rsv)) {
      int64_t others = 0;
      for (const auto& [k, r] : reservations_)
        others += r.guest.email == rsv.guest.email && r.expert_id == rsv.expert_id && counted_hold(r) &&
                  r.status == ReservationStatus::PendingPayment && surely_active(r);
      if (others >= swarm_config().max_active_holds_per_guest)
        fail("guest " + rsv.guest.email + " got hold " + rsv.id + " past the limit");
    }
  }

  // A series' hold counts against its guest's limit once, as its lead.
  static bool counted_hold(const Reservation& r) { return !r.in_series() || r.series_lead(); }

  // ------------------------------------------------------------------ series

  // Every series is all or nothing: its occurrences (those stored: retention may have
  // purged ended ones) are all unpaid (pending), all confirmed, or all ended (released
  // or refunded), leaving out an occurrence its guest cancelled after the series was
  // confirmed, which ends alone, refunded its share under its terms. The sweep releases
  // a lapsed series whole, with its lead: an occurrence it lists (hold/<expiry>) waits
  // while its lead is pending.
  void check_series(const std::string& lead) {
    auto it = reservations_.find(keys::reservation(lead));
    if (it == reservations_.end()) return;
    const std::vector<std::string> ids = it->second.series;
    std::set<std::string> kinds;
    std::string seen;
    for (const auto& id : ids) {
      auto m = reservations_.find(keys::reservation(id));
      if (m == reservations_.end()) continue;
      const Reservation& r = m->second;
      if (cancelled_after_confirmation(r)) continue;
      kinds.insert(series_kind(r));
      seen += " " + id + "=" + status_name(r.status) + (r.release_reason.empty() ? "" : "(" + r.release_reason + ")");
    }
    const bool split = (kinds.count("confirmed") && kinds.size() > 1) || (kinds.count("unpaid") && kinds.count("ended")) ||
                       kinds.count("awaiting approval");
    if (split) fail("series of " + lead + " is split:" + seen);
    check_series_expiry(it->second);
  }

  // An unpaid series is held as one: while its lead is pending, every pending occurrence
  // lapses when the lead does (a renewed checkout attempt renews them all in one commit),
  // so no start can go to someone else while the series' session is payable.
  void check_series_expiry(const Reservation& lead) {
    if (lead.status != ReservationStatus::PendingPayment) return;
    for (size_t i = 1; i < lead.series.size(); ++i) {
      auto m = reservations_.find(keys::reservation(lead.series[i]));
      if (m == reservations_.end() || m->second.status != ReservationStatus::PendingPayment) continue;
      if (m->second.expires_at != lead.expires_at)
        fail("occurrence " + m->second.id + " of " + lead.id + " lapses at " + std::to_string(m->second.expires_at) +
             ", its lead at " + std::to_string(lead.expires_at));
    }
  }

  static std::string series_kind(const Reservation& r) {
    using S = ReservationStatus;
    if (r.status == S::PendingPayment) return "unpaid";
    if (r.status == S::Confirmed) return "confirmed";
    if (r.status == S::AwaitingApproval) return "awaiting approval";
    return "ended";
  }

  static bool cancelled_after_confirmation(const Reservation& r) {
    return r.confirmed_at != 0 && r.release_reason == "cancelled" &&
           (r.status == ReservationStatus::Released || r.status == ReservationStatus::Refunded);
  }

  // ------------------------------------------------------------------ the pool

  // Since the pool last gave a booking, for each member: every span it may have been
  // seen busy in (reservations possibly active, by any instance's clock, and busy
  // blocks), every version of its working hours in force, and the guests who may have
  // been at their hold limit with it. A member free of all of these was free whenever
  // a hold of the pool tried it.
  struct MemberWatch {
    std::vector<Span> busy;
    std::vector<std::optional<Availability>> hours;
    std::set<std::string> limited;
  };

  // Active by some instance's clock: clocks run ahead of true time, never behind.
  bool possibly_active(const Reservation& r) const {
    return r.held_until_released() || (r.status == ReservationStatus::PendingPayment && r.expires_at > now_);
  }

  // Whether the guest's hold list may still count it: the list keeps the expiry it was
  // made with until it lapses, even after the hold ended.
  bool may_count_against(const Reservation& r) const {
    if (!counted_hold(r)) return false;
    auto first = first_expiry_.find(r.id);
    const int64_t listed = first == first_expiry_.end() ? 0 : first->second;
    return std::max(listed, r.status == ReservationStatus::PendingPayment ? r.expires_at : 0) > now_;
  }

  bool possibly_at_limit(const std::string& expert, const std::string& email) const {
    int64_t n = 0;
    for (const auto& [k, r] : reservations_) n += r.expert_id == expert && r.guest.email == email && may_count_against(r);
    return n >= swarm_config().max_active_holds_per_guest;
  }

  static bool pool_member(const std::string& expert) {
    return std::find(std::begin(kPoolMembers), std::end(kPoolMembers), expert) != std::end(kPoolMembers);
  }

  void watch_reservation(const Reservation& r) {
    if (!pool_member(r.expert_id)) return;
    MemberWatch& w = watch_[r.expert_id];
    if (possibly_active(r)) w.busy.push_back({r.span_start, r.span_end});
    if (may_count_against(r) && !w.limited.count(r.guest.email) && possibly_at_limit(r.expert_id, r.guest.email))
      w.limited.insert(r.guest.email);
  }

  // The ledger's buckets as committed, decoded once per change.
  void note_bucket(const KvMutation& m) {
    if (m.op == KvMutation::Op::Delete) {
      ledger_.erase(m.key);
      return;
    }
    auto decoded = decode_bucket(m.value);
    if (!decoded) return fail("a ledger bucket does not decode: " + m.key);
    ledger_[m.key] = std::move(*decoded);
  }

  void note_busy_block(const KvMutation& m) {
    if (m.op == KvMutation::Op::Delete) {
      busy_blocks_.erase(m.key);
      return;
    }
    auto j = read_json(m.value, 4);
    if (!j || !j->contains("start") || !j->contains("end") || !(*j)["start"].is_number_integer() ||
        !(*j)["end"].is_number_integer())
      return fail("a busy block does not decode: " + m.value);
    const Span span{(*j)["start"].get<int64_t>(), (*j)["end"].get<int64_t>()};
    busy_blocks_[m.key] = span;
    watch_["ada"].busy.push_back(span);
  }

  // After the pool gave a booking: what each member is now.
  void restart_watch() {
    watch_.clear();
    for (const char* member : kPoolMembers) watch_[member].hours.push_back(member == std::string("ada") ? availability_ : std::nullopt);
    for (const auto& [k, span] : busy_blocks_) watch_["ada"].busy.push_back(span);
    for (const auto& [k, r] : reservations_) watch_reservation(r);
  }

  bool free_throughout(const std::string& member, const Reservation& r) {
    const MemberWatch& w = watch_[member];
    for (const Span& busy : w.busy)
      if (overlaps(busy, {r.span_start, r.span_end})) return false;
    for (const auto& hours : w.hours)
      if (hours && !offered_by(*hours, r.start, r.end)) return false;
    return !w.limited.count(r.guest.email);
  }

  // The pool's state (pool/team) agrees with the bookings it gave: every commit that
  // creates a booking of the pool writes it, and only those; given[] counts every
  // booking the pool ever gave each member; last names the member of the newest. And
  // round_robin: the member after the last comes first, and the booking goes to
  // another only if that one was busy, outside its hours or its guest at the hold
  // limit with it at some moment since the pool last gave a booking (its turn was
  // tried in between).
  void check_pool_commit(const KvMutation* write, const std::vector<std::string>& gave) {
    if (gave.size() > 1) return fail("one commit gave the pool " + std::to_string(gave.size()) + " bookings");
    if (!write) return fail("the pool gave " + gave[0] + " without writing its state");
    if (gave.empty()) return fail("the pool's state changed without a booking: " + write->value);
    const Reservation& r = reservations_.at(gave[0]);
    auto j = write->op == KvMutation::Op::Set ? read_json(write->value, 4) : std::nullopt;
    const Json* given = j ? json_object(*j, "given") : nullptr;
    const std::string* last = j ? json_string(*j, "last") : nullptr;
    if (!given || !last) return fail("the pool's state does not decode: " + write->value);
    ++pool_given_[r.expert_id];
    ++report_.pool_bookings;
    for (const char* member : kPoolMembers) {
      const int64_t said = given->contains(member) && (*given)[member].is_number_integer() ? (*given)[member].get<int64_t>() : 0;
      if (said != pool_given_[member])
        return fail(std::string("the pool's given[") + member + "] is " + std::to_string(said) + " but it gave " + member + " " +
                    std::to_string(pool_given_[member]) + " bookings (" + write->value + ")");
    }
    if (*last != r.expert_id) return fail("the pool gave " + r.id + " to " + r.expert_id + " but its state names " + *last + " last");
    const std::string first = pool_last_ == kPoolMembers[0] ? kPoolMembers[1] : kPoolMembers[0];
    if (r.expert_id != first && free_throughout(first, r))
      return fail("round_robin gave " + r.id + " (" + format_rfc3339(r.start) + ") to " + r.expert_id + " after " +
                  (pool_last_.empty() ? std::string("nobody") : pool_last_) + ", while " + first + " was free");
    pool_last_ = *last;
    restart_watch();
  }

  // ------------------------------------------------------------------ host calls

  HostReply serve_store(const HostCall& c, bool faults) {
    const bool commit = c.op == HostOp::StoreCommit;
    if (faults && !commit && rng_.chance(rates_.store_read_fail)) {
      ++report_.store_faults;
      trace("  store read/list fails");
      return {1, "injected store failure"};
    }
    if (faults && commit && rng_.chance(rates_.store_commit_fail)) {
      ++report_.store_faults;
      trace("  store commit fails before applying");
      return {1, "injected store failure"};
    }
    HostReply r = native::serve_store_call(*store_, c);
    note_commit(c, r);
    if (faults && commit && rng_.chance(rates_.store_commit_lost)) {
      ++report_.store_faults;
      trace(std::string("  store commit ") + (r.payload.find("committed") != std::string::npos ? "applied" : "conflicted") +
            ", answer lost");
      return {1, "injected: answer lost"};
    }
    return r;
  }

  // Returns nullopt when the call only reached Stripe (its key is now in flight) and
  // the task keeps waiting for the answer.
  std::optional<HostReply> serve_stripe(const Task& t, const HostCall& c, bool faults) {
    PendingFetch& pf = fetches_[{t.instance, t.id}];
    if (!pf.arrived) {
      pf.key = FakeStripe::idempotency_key_of(c);
      if (faults && !pf.key.empty() && rng_.chance(rates_.stripe_in_flight)) {
        if (stripe_in_flight_.count(pf.key)) {
          fetches_.erase({t.instance, t.id});
          trace("  stripe: 409, key in flight");
          return stripe_.serve(c);  // answers 409 without saving anything
        }
        pf.arrived = true;
        stripe_in_flight_.insert(pf.key);
        stripe_.begin_in_flight(pf.key);
        trace("  stripe: request arrives, key in flight: " + pf.key);
        return std::nullopt;
      }
    }
    const std::string key = pf.key;
    const bool arrived = pf.arrived;
    fetches_.erase({t.instance, t.id});
    if (faults && rng_.chance(rates_.stripe_timeout)) {
      ++report_.stripe_faults;
      // The client gives up; a request that reached Stripe still runs later.
      if (arrived || rng_.chance(0.5)) {
        if (!arrived && !key.empty()) {
          stripe_in_flight_.insert(key);
          stripe_.begin_in_flight(key);
        }
        ghosts_.push_back({c, key});
        trace("  stripe: timeout, the request still runs later");
      } else {
        trace("  stripe: timeout, the request never arrived");
      }
      return HostReply{1, "injected: timeout"};
    }
    end_flight(key);
    if (faults && rng_.chance(rates_.stripe_500)) {
      ++report_.stripe_faults;
      trace("  stripe: 500");
      return stripe_.serve_with(c, StripeFault::Status500);
    }
    if (faults && rng_.chance(rates_.stripe_429)) {
      ++report_.stripe_faults;
      trace("  stripe: 429");
      return stripe_.serve_with(c, StripeFault::Status429);
    }
    HostReply r = stripe_.serve(c);
    if (faults && rng_.chance(rates_.stripe_lost)) {
      ++report_.stripe_faults;
      trace("  stripe: performed, answer lost");
      return HostReply{1, "injected: answer lost"};
    }
    return r;
  }

  // ------------------------------------------------------------------ the app's endpoint

  static bool to_app(const HostCall& c) {
    auto f = decode_fetch_request(c.payload);
    return f && f->url == kNotifyUrl;
  }

  // Records what arrives; a notification seen for the first time must be the next of
  // its reservation (order), whatever was retried or repeated before it.
  HostReply serve_app(const HostCall& c, bool faults) {
    if (faults && rng_.chance(rates_.notify_fail)) {
      trace("  app endpoint: 500");
      return {0, encode_fetch_reply(500, "down")};
    }
    auto f = decode_fetch_request(c.payload);
    auto body = f ? parse_json(f->body, 16) : std::nullopt;  // the core's reader: the swarm reads many of these
    const auto id_at = body ? get_string(*body, "id") : std::nullopt;
    const auto type_at = body ? get_string(*body, "type") : std::nullopt;
    const JsonValue* data = body ? get_object(*body, "data") : nullptr;
    const JsonValue* r = data ? get_object(*data, "reservation") : nullptr;
    const auto rid_at = r ? get_string(*r, "id") : std::nullopt;
    const std::string id_text(id_at.value_or("")), type_text(type_at.value_or("")), rid_text(rid_at.value_or(""));
    const std::string *id = id_at ? &id_text : nullptr, *type = type_at ? &type_text : nullptr, *rid = rid_at ? &rid_text : nullptr;
    if (!id || !type || !rid) {
      fail("a notification without id, type or reservation: " + (f ? f->body : std::string()));
      return {0, encode_fetch_reply(400, "bad")};
    }
    const std::string prefix = "ntf_" + *rid + "_";
    const int64_t seq = id->rfind(prefix, 0) == 0 ? std::atoll(id->c_str() + prefix.size()) : 0;
    auto& seen = notified_[*rid];
    if (seq > static_cast<int64_t>(seen.size()) + 1) fail("notification " + *id + " arrived before the one before it");
    if (seq == static_cast<int64_t>(seen.size()) + 1) seen.push_back(*type);
    trace("  app endpoint: " + *id + " " + *type);
    if (faults && rng_.chance(rates_.notify_lost)) return {1, "injected: answer lost"};
    return {0, encode_fetch_reply(204, "")};
  }

  size_t outbox_size() {
    auto page = store_->list("ntf/", "ntf0", 100000, "");
    return page ? page->items.size() : 0;
  }

  void notify(size_t inst) {
    trace("notify on instance " + std::to_string(inst));
    submit(inst, request("POST", "/v1/maintenance/notify", "", {{"Authorization", std::string("Bearer ") + kAdminToken}}),
           TaskKind::Notify, 0);
  }

  // After healing: every notification reaches the app (back-off is at most an hour).
  void deliver_outbox() {
    for (int round = 0; round < 300 && report_.ok() && outbox_size() > 0; ++round) {
      notify(rng_.below(instances_.size()));
      drain(false);
      advance(kHourMs);
    }
    if (outbox_size() > 0) fail("notifications still in the outbox after healing");
  }

  void end_flight(const std::string& key) {
    if (key.empty() || !stripe_in_flight_.count(key)) return;
    stripe_in_flight_.erase(key);
    stripe_.end_in_flight(key);
  }

  void run_ghost(size_t i) {
    Ghost g = ghosts_[i];
    ghosts_.erase(ghosts_.begin() + static_cast<long>(i));
    end_flight(g.key);
    stripe_.serve(g.call);
    trace("ghost request completes at Stripe: " + g.key);
  }

  // Serves the task's pending call. Returns false when the task had none.
  bool step_task(size_t index, bool faults) {
    Task t = tasks_[index];
    Engine& e = *instances_[t.instance].engine;
    const HostCall* c = e.pending(t.id);
    if (!c) return false;
    ++report_.steps;
    HostCall call = *c;
    std::optional<HostReply> reply;
    if (call.op == HostOp::HttpFetch && to_app(call))
      reply = serve_app(call, faults);
    else if (call.op == HostOp::HttpFetch)
      reply = serve_stripe(t, call, faults);
    else
      reply = serve_store(call, faults);
    if (reply) e.resume(t.id, std::move(*reply));
    if (const HttpResponse* res = e.response(t.id)) {
      finish(t, *res);
      e.drop(t.id);
      tasks_.erase(tasks_.begin() + static_cast<long>(index));
    }
    return true;
  }

  // Tasks whose next call can be served (not waiting on a key another holds).
  std::vector<size_t> runnable() const {
    std::vector<size_t> out;
    for (size_t i = 0; i < tasks_.size(); ++i)
      if (instances_[tasks_[i].instance].engine->pending(tasks_[i].id)) out.push_back(i);
    return out;
  }

  void submit(size_t instance, HttpRequest req, TaskKind kind, size_t ref) {
    Engine& e = *instances_[instance].engine;
    TaskId id = e.start(std::move(req));
    Task t{instance, id, kind, ref};
    if (const HttpResponse* res = e.response(id)) {
      finish(t, *res);
      e.drop(id);
      return;
    }
    tasks_.push_back(t);
  }

  // ------------------------------------------------------------------ answers

  void finish(const Task& t, const HttpResponse& res) {
    switch (t.kind) {
      case TaskKind::Booking: finish_booking(t, res); break;
      case TaskKind::Webhook:
        if (res.status == 200) events_[t.ref].acked = true;
        trace("webhook " + events_[t.ref].id + " answered " + std::to_string(res.status));
        check_duplicate_answer(events_[t.ref], res);
        break;
      case TaskKind::Sweep: last_sweep_ = res; trace("sweep answered " + std::to_string(res.status) + " " + res.body); break;
      case TaskKind::Cancel: trace("cancel answered " + std::to_string(res.status)); break;
      case TaskKind::Notify: trace("notify answered " + std::to_string(res.status) + " " + res.body); break;
      case TaskKind::Admin: trace("admin answered " + std::to_string(res.status) + " " + res.body.substr(0, 160)); break;
    }
  }

  // A webhook answered as a duplicate stops Stripe's retries, so its event must have
  // been applied and recorded before (whevt/<id>); otherwise the effect it carried is
  // lost. (Records older than six days may have been purged by retention.)
  void check_duplicate_answer(const StripeEvent& ev, const HttpResponse& res) {
    if (res.status != 200 || res.body.find("\"duplicate\":true") == std::string::npos) return;
    if (now_ - ev.emitted_at > 6 * kDayMs) return;
    auto items = store_->read({keys::webhook_event(ev.id)});
    if (items && !(*items)[0].present()) fail("a webhook answered duplicate for an event never recorded: " + ev.id);
  }

  void finish_booking(const Task& t, const HttpResponse& res) {
    BookingRequest& b = bookings_[t.ref];
    b.last_status = res.status;
    trace("booking #" + std::to_string(t.ref) + " answered " + std::to_string(res.status));
    if (res.status == 409) ++report_.conflicts;
    if (res.status != 201) return;
    auto j = read_json(res.body, 16);
    const Json* r = j ? json_object(*j, "reservation") : nullptr;
    const std::string* rid = r ? json_string(*r, "id") : nullptr;
    const std::string* sid = r ? json_string(*r, "checkout_session_id") : nullptr;
    const std::string* url = j ? json_string(*j, "checkout_url") : nullptr;
    const std::string* status = r ? json_string(*r, "status") : nullptr;
    if (!rid || !status) return fail("a 201 without a reservation: " + res.body);
    // A replay answers the reservation as it is now; a pending one always comes with
    // its checkout.
    if (*status == "pending_payment" && (!sid || !url)) return fail("a pending 201 without a checkout: " + res.body);
    if (!b.rid.empty() && b.rid != *rid) return fail("one Idempotency-Key answered two reservations");
    if (!sid) return;
    if (!stripe_.sessions().count(*sid)) return fail("a 201 hands out a session Stripe does not know: " + *sid);
    auto stored = reservations_.find(keys::reservation(*rid));
    if (stored == reservations_.end()) return fail("a 201 for a reservation that is not stored: " + *rid);
    if (b.starts.size() != stored->second.series.size() || (!b.starts.empty() && !stored->second.series_lead()))
      return fail("a 201 for " + std::to_string(b.starts.size()) + " starts answers " + *rid + ", not the lead of as many");
    for (const auto& member : stored->second.series)
      if (!reservations_.count(keys::reservation(member))) return fail("series of " + *rid + " answered 201 without " + member);
    if (!b.starts.empty() && b.rid.empty()) ++report_.series;
    b.rid = *rid;
    b.session_id = *sid;
    handed_out_.insert(*sid);
    ++report_.holds;
    if (std::find(linked_answers_.begin(), linked_answers_.end(), t.ref) == linked_answers_.end()) linked_answers_.push_back(t.ref);
  }

  // ------------------------------------------------------------------ workload

  HeaderList booking_headers(const BookingRequest& b) {
    HeaderList h{{"Content-Type", "application/json"}};
    if (!b.idempotency_key.empty()) h.emplace_back("Idempotency-Key", b.idempotency_key);
    return h;
  }

  void submit_booking(size_t index) {
    BookingRequest& b = bookings_[index];
    ++b.attempts;
    Json body = {{"event_id", b.event_id}, {"guest", {{"email", b.email}, {"name", "Guest"}}}};
    if (b.starts.empty()) body["start"] = b.start;
    else body["starts"] = b.starts;
    if (!b.pack_id.empty()) body["pack_id"] = b.pack_id;
    const size_t inst = rng_.below(instances_.size());
    const std::string what = b.starts.empty() ? b.start : b.start + " weekly x" + std::to_string(b.starts.size());
    trace("booking #" + std::to_string(index) + " (" + b.event_id + " " + what + ", " + b.email + ") on instance " + std::to_string(inst) +
          (b.idempotency_key.empty() ? "" : " key " + b.idempotency_key));
    submit(inst, request("POST", "/v1/reservations", body.dump(), booking_headers(b)), TaskKind::Booking, index);
  }

  void new_booking() {
    BookingRequest b;
    const EventDef& e = kEvents[rng_.below(std::size(kEvents))];
    b.event_id = e.id;
    b.start = kStarts[rng_.below(std::size(kStarts))];
    if (hover_steps_ > 0 && rng_.chance(0.6)) b.event_id = focus_event_, b.start = focus_start_;
    // A series: the same time on 2 to 4 Wednesdays in a row; its first start races the
    // single bookings of that day, the later ones other series.
    if (event_def(b.event_id).series && rng_.chance(rates_.series)) {
      const int64_t first = *parse_rfc3339(b.start);
      const size_t n = 2 + rng_.below(3);
      for (size_t i = 0; i < n; ++i) b.starts.push_back(format_rfc3339(first + static_cast<int64_t>(i) * 7 * kDayMs));
    }
    b.email = "guest" + std::to_string(bookings_.size()) + "@example.com";
    // Some guests come back for more: the hold limit per guest gets exercised.
    if (!bookings_.empty() && rng_.chance(0.25)) b.email = bookings_[rng_.below(bookings_.size())].email;
    // The pack guest pays some single bookings of the pack's event type with a credit.
    if (b.event_id == kPackEvent && b.starts.empty() && !pack_id_.empty() && rng_.chance(0.6)) {
      b.email = kPackGuest;
      b.pack_id = pack_id_;
    }
    if (rng_.chance(0.7)) b.idempotency_key = "key-" + std::to_string(bookings_.size());
    bookings_.push_back(b);
    submit_booking(bookings_.size() - 1);
  }

  void retry_booking() {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < bookings_.size(); ++i)
      if (!bookings_[i].idempotency_key.empty() && bookings_[i].attempts < 6 &&
          (bookings_[i].last_status == 0 || bookings_[i].last_status >= 500))
        candidates.push_back(i);
    if (candidates.empty()) return new_booking();
    submit_booking(candidates[rng_.below(candidates.size())]);
  }

  static bool has_param(const std::vector<std::pair<std::string, std::string>>& form, const std::string& k,
                        const std::string& v) {
    for (const auto& [key, value] : form)
      if (key == k && value == v) return true;
    return false;
  }

  static const std::string& session_of_event(const StripeEvent& e) { return e.session; }

  // Any event may be lost for good: the sweep's events pass lists what Stripe emitted
  // (payments/missed_events.h), so no loss may leave a guest's money without a booking
  // or a refund.
  void add_event(const std::string& type, const std::string& session_id) {
    StripeEvent ev;
    ev.id = "evt_" + std::to_string(events_.size() + 1);
    ev.type = type;
    ev.body = stripe_.emit_event(ev.id, type, session_id);
    ev.session = session_id;
    ev.emitted_at = now_;
    ev.lost = rng_.chance(rates_.webhook_lost);
    events_.push_back(ev);
    trace("stripe emits " + ev.id + " " + type + " for " + session_id + (ev.lost ? " (never delivered)" : ""));
  }

  // A guest with a checkout URL pays while the session is open.
  // `series_only`: a guest with a series to pay (series are paid more often than single
  // bookings, so that their confirmations and cancellations happen).
  void pay(bool series_only = false) {
    std::vector<std::string> open;
    for (size_t i : linked_answers_) {
      const auto& sid = bookings_[i].session_id;
      auto it = stripe_.sessions().find(sid);
      if (it == stripe_.sessions().end() || it->second.status != "open" || it->second.expires_at * 1000 <= now_) continue;
      if (!series_only || !bookings_[i].starts.empty()) open.push_back(sid);
    }
    if (open.empty()) return;
    const std::string sid = open[rng_.below(open.size())];
    ++report_.payments;
    if (stripe_.sessions().at(sid).manual_capture || rng_.chance(0.75)) {
      stripe_.pay(sid);
      trace("guest pays " + sid + " by card");
      add_event("checkout.session.completed", sid);
    } else {
      stripe_.pay_with_voucher(sid, (now_ + rng_.range(30 * kMinMs, 6 * kHourMs)) / 1000);
      vouchers_.push_back(sid);
      trace("guest takes a Multibanco voucher for " + sid);
      add_event("checkout.session.completed", sid);
    }
  }

  void settle_voucher(bool heal) {
    if (vouchers_.empty()) return;
    const size_t i = rng_.below(vouchers_.size());
    const std::string sid = vouchers_[i];
    vouchers_.erase(vouchers_.begin() + static_cast<long>(i));
    const auto& s = stripe_.sessions().at(sid);
    const bool paid_in_time = !heal && s.voucher_expires_at * 1000 > now_ && rng_.chance(0.6);
    const bool succeeded = heal ? rng_.chance(0.5) : paid_in_time;
    stripe_.settle_voucher(sid, succeeded);
    trace(std::string("voucher for ") + sid + (succeeded ? " paid" : " failed"));
    add_event(succeeded ? "checkout.session.async_payment_succeeded" : "checkout.session.async_payment_failed", sid);
  }

  void deliver_event(size_t index) {
    ++report_.webhooks;
    const StripeEvent& ev = events_[index];
    HttpRequest req = request("POST", "/v1/stripe/webhook", ev.body,
                              {{"Stripe-Signature", stripe_signature_header(kWebhookSecret, now_ / 1000, ev.body)}});
    const size_t inst = rng_.below(instances_.size());
    trace("deliver " + ev.id + " (" + ev.type + ") to instance " + std::to_string(inst));
    submit(inst, std::move(req), TaskKind::Webhook, index);
  }

  void deliver_some_event() {
    if (events_.empty() || webhooks_down_) return;
    std::vector<size_t> unacked, deliverable;
    for (size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].lost) continue;
      deliverable.push_back(i);
      if (!events_[i].acked) unacked.push_back(i);
    }
    if (deliverable.empty()) return;
    // Near an expiry, Stripe's overdue events about that hold come first.
    if (hover_steps_ > 0 && rng_.chance(0.8)) {
      std::vector<size_t> focus;
      for (size_t i : unacked)
        if (session_of_event(events_[i]) == focus_session_) focus.push_back(i);
      if (!focus.empty()) return deliver_event(focus[rng_.below(focus.size())]);
    }
    // Mostly what Stripe still owes, sometimes a duplicate of anything.
    if (!unacked.empty() && rng_.chance(0.85))
      deliver_event(unacked[rng_.below(unacked.size())]);
    else
      deliver_event(deliverable[rng_.below(deliverable.size())]);
  }

  void sweep(size_t inst) {
    trace("sweep on instance " + std::to_string(inst));
    submit(inst, request("POST", "/v1/maintenance/sweep", "", {{"Authorization", std::string("Bearer ") + kAdminToken}}),
           TaskKind::Sweep, 0);
  }

  // ------------------------------------------------------------------ what is offered

  void admin(const std::string& method, const std::string& path, const std::string& body) {
    trace(method + " " + path + " " + body);
    submit(rng_.below(instances_.size()),
           request(method, path, body, {{"Authorization", std::string("Bearer ") + kAdminToken}}), TaskKind::Admin, 0);
  }

  // An admin changes an event type under live bookings: its length, its buffers and its
  // cancellation policy (never its expert or its seats). Bookings made before keep their
  // own span and their own terms; holds decided against the old version are sent round
  // again by their commit's check of the event's version.
  void change_event_type() {
    const EventDef& e = kEvents[rng_.below(std::size(kEvents))];
    Json body = event_body(e);
    body["duration_minutes"] = 15 * (1 + static_cast<int>(rng_.below(4)));
    body["buffer_before_minutes"] = 5 * static_cast<int>(rng_.below(3));
    body["buffer_after_minutes"] = 5 * static_cast<int>(rng_.below(3));
    if (rng_.chance(0.3)) body["cancellation"] = nullptr;
    else
      body["cancellation"] = {{"refund_before_minutes", 30 * static_cast<int>(rng_.below(3))},
                              {"refund_percent", 50 * static_cast<int>(rng_.below(3))}};
    admin("PUT", std::string("/v1/events/") + e.id, body.dump());
  }

  // Working hours change, busy blocks come and go, event types change, guests move
  // their bookings.
  void change_offering() {
    const uint64_t pick = rng_.below(11);
    if (pick == 10) return change_event_type();
    if (pick < 2) {
      if (rng_.chance(0.3)) return admin("DELETE", "/v1/experts/ada/availability", "");
      // Mostly hours that keep some of the contested starts (09:45-11:00Z) bookable, so
      // the races the swarm is for keep happening; sometimes hours that close them.
      const int from_h = rng_.chance(0.8) ? 8 + static_cast<int>(rng_.below(3)) : static_cast<int>(rng_.below(12));
      const int to_h = from_h + 1 + static_cast<int>(rng_.below(4));
      auto hh = [](int h) { return std::string(h < 10 ? "0" : "") + std::to_string(h) + ":00"; };
      Json doc = {{"time_zone", kZones[rng_.chance(0.8) ? rng_.below(2) : rng_.below(std::size(kZones))]},
                  {"weekly", {{"wed", Json::array({Json::array({hh(from_h), hh(std::min(to_h, 23))})})}}}};
      return admin("PUT", "/v1/experts/ada/availability", doc.dump());
    }
    if (pick < 5) {
      const std::string path = "/v1/experts/ada/busy/b" + std::to_string(rng_.below(3));
      if (rng_.chance(0.3)) return admin("DELETE", path, "");
      auto start = parse_rfc3339(kStarts[rng_.below(std::size(kStarts))]);
      const int64_t end = *start + (15 + 15 * static_cast<int64_t>(rng_.below(4))) * kMinMs;
      return admin("PUT", path, Json{{"start", format_rfc3339(*start)}, {"end", format_rfc3339(end)}}.dump());
    }
    if (linked_answers_.empty()) return;
    const BookingRequest& b = bookings_[linked_answers_[rng_.below(linked_answers_.size())]];
    const std::string to = kStarts[rng_.below(std::size(kStarts))];
    trace("guest moves " + b.rid + " to " + to);
    submit(rng_.below(instances_.size()),
           request("POST", "/v1/reservations/" + b.rid + "/reschedule", Json{{"start", to}}.dump(), {}), TaskKind::Admin, 0);
  }

  // The expert answers a booking that may be awaiting approval (or not: then 409),
  // possibly twice at once, approve against decline.
  void answer_approval() {
    if (linked_answers_.empty()) return;
    const BookingRequest& b = bookings_[linked_answers_[rng_.below(linked_answers_.size())]];
    if (b.event_id != "vetted") return;
    const int answers = rng_.chance(0.3) ? 2 : 1;
    for (int i = 0; i < answers; ++i)
      admin("POST", "/v1/reservations/" + b.rid + (rng_.chance(0.5) ? "/approve" : "/decline"), "");
  }

  // A guest cancels a booking; of a series, any one occurrence (a pending series goes
  // whole, a confirmed one loses that occurrence, refunded its share under its terms).
  // Half the time the guest is one whose series is confirmed.
  void cancel() {
    if (linked_answers_.empty()) return;
    std::vector<const Reservation*> confirmed_series;
    for (size_t i : linked_answers_) {
      auto it = reservations_.find(keys::reservation(bookings_[i].rid));
      if (it != reservations_.end() && it->second.series_lead() && it->second.confirmed_at != 0)
        confirmed_series.push_back(&it->second);
    }
    std::string rid = bookings_[linked_answers_[rng_.below(linked_answers_.size())]].rid;
    if (!confirmed_series.empty() && rng_.chance(0.5)) rid = confirmed_series[rng_.below(confirmed_series.size())]->id;
    auto it = reservations_.find(keys::reservation(rid));
    if (it != reservations_.end() && it->second.in_series()) rid = it->second.series[rng_.below(it->second.series.size())];
    trace("guest cancels " + rid);
    submit(rng_.below(instances_.size()), request("DELETE", "/v1/reservations/" + rid, "", {}), TaskKind::Cancel, 0);
  }

  void crash() {
    const size_t inst = rng_.below(instances_.size());
    ++report_.crashes;
    trace("instance " + std::to_string(inst) + " crashes");
    for (size_t i = tasks_.size(); i-- > 0;) {
      if (tasks_[i].instance != inst) continue;
      auto it = fetches_.find({inst, tasks_[i].id});
      if (it != fetches_.end()) {  // a request that reached Stripe runs on without its client
        if (it->second.arrived) {
          const HostCall* c = instances_[inst].engine->pending(tasks_[i].id);
          if (c) ghosts_.push_back({*c, it->second.key});
        }
        fetches_.erase(it);
      }
      if (tasks_[i].kind == TaskKind::Booking && bookings_[tasks_[i].ref].last_status == 0)
        bookings_[tasks_[i].ref].last_status = 599;  // the client saw the connection drop
      tasks_.erase(tasks_.begin() + static_cast<long>(i));
    }
    report_.ledger_refusals += instances_[inst].engine->metrics().get(Metric::ledger_refusals_total);
    instances_[inst].engine.reset();
    instances_[inst].clock = std::make_unique<InstanceClock>(&now_, rng_.range(0, rates_.skew_ms), rng_.next());
    instances_[inst].engine = std::make_unique<Engine>(swarm_config(), *instances_[inst].clock);
  }

  void advance(int64_t ms) {
    now_ += ms;
    for (const auto& sid : stripe_.expire_due()) add_event("checkout.session.expired", sid);
    dirty_ = true;
  }

  // Jumps to just before some pending hold's expiry: where clocks disagree the most.
  // Holds whose payment Stripe has not delivered yet are the interesting ones.
  void approach_an_expiry() {
    std::set<std::string> owed;
    for (const auto& e : events_)
      if (!e.acked && e.type != "checkout.session.expired") owed.insert(session_of_event(e));
    std::vector<const Reservation*> near, paid_near;
    for (const auto& [k, r] : reservations_) {
      if (r.status != ReservationStatus::PendingPayment || r.expires_at <= now_) continue;
      near.push_back(&r);
      if (!r.checkout_session_id.empty() && owed.count(r.checkout_session_id)) paid_near.push_back(&r);
    }
    if (!paid_near.empty() && rng_.chance(0.7)) near = paid_near;
    if (near.empty()) return advance(rng_.range(kSecondMs, 30 * kSecondMs));
    const Reservation& r = *near[rng_.below(near.size())];
    // Mostly where the instances disagree: past the expiry by one clock, not by another.
    int64_t lo = rates_.skew_ms, hi = 0;
    for (const auto& in : instances_) lo = std::min(lo, in.clock->offset()), hi = std::max(hi, in.clock->offset());
    const int64_t before_ms = (hi > lo && rng_.chance(0.7)) ? rng_.range(lo, hi) : rng_.range(0, rates_.skew_ms);
    const int64_t target = r.expires_at - before_ms;
    if (target <= now_) return;
    trace("time jumps to just before " + r.id + " expires");
    advance(target - now_);
    // Linger there a while, with other guests after the same slot.
    hover_steps_ = 80;
    focus_event_ = r.event_id;
    focus_start_ = format_rfc3339(r.start);
    focus_session_ = r.checkout_session_id;
  }

  void workload_step() {
    const auto ready = runnable();
    const uint64_t roll = rng_.below(100);
    if (!ready.empty() && roll < 55) {
      step_task(ready[rng_.below(ready.size())], true);
    } else if (roll < 63) {
      ++report_.steps;
      new_booking();
    } else if (roll < 68) {
      ++report_.steps;
      retry_booking();
    } else if (roll < 71) {
      ++report_.steps;
      pay();
    } else if (roll < 73) {
      ++report_.steps;
      settle_voucher(false);
    } else if (roll < 74) {
      ++report_.steps;
      cancel();
    } else if (roll < 83) {
      ++report_.steps;
      deliver_some_event();
    } else if (roll < 85) {
      ++report_.steps;
      rng_.chance(0.5) ? sweep(rng_.below(instances_.size())) : notify(rng_.below(instances_.size()));
    } else if (roll < 92) {
      const int64_t ms = hover_steps_ > 0 ? rng_.range(100, 2 * kSecondMs) : rng_.range(kSecondMs, 90 * kSecondMs);
      trace("time +" + std::to_string(ms / kSecondMs) + " s");
      advance(ms);
    } else if (roll < 94) {
      approach_an_expiry();
    } else if (roll < 95 && hover_steps_ == 0) {
      trace("time jumps forward");
      advance(rng_.range(10 * kMinMs, 2 * kHourMs));
    } else if (!ghosts_.empty() && roll < 98) {
      run_ghost(rng_.below(ghosts_.size()));
    }
    if (hover_steps_ > 0) --hover_steps_;
    if (rng_.chance(0.03)) change_offering();
    if (rng_.chance(0.03)) answer_approval();
    if (rates_.series > 0 && rng_.chance(0.03)) pay(true);
    if (rng_.chance(rates_.crash)) crash();
    if (rng_.chance(0.02)) {
      webhooks_down_ = !webhooks_down_;  // the endpoint is unreachable for a while; Stripe keeps the events
      trace(webhooks_down_ ? "webhook deliveries stall" : "webhook deliveries resume");
    }
    check_step();
  }

  // ------------------------------------------------------------------ healing

  void drain(bool faults) {
    for (int guard = 0; guard < 100000 && report_.ok(); ++guard) {
      const auto ready = runnable();
      if (ready.empty()) break;
      step_task(ready[rng_.below(ready.size())], faults);
      check_step();
    }
    while (!ghosts_.empty()) run_ghost(0);
    if (!tasks_.empty()) fail("a task waits forever");
  }

  void heal() {
    trace("--- heal: faults off ---");
    drain(false);
    // Guests finish their vouchers one way or the other.
    while (!vouchers_.empty() && report_.ok()) settle_voucher(true);
    int64_t latest = now_;
    for (const auto& [k, r] : reservations_) latest = std::max(latest, r.expires_at);
    for (const auto& [id, s] : stripe_.sessions()) latest = std::max(latest, s.expires_at * 1000);
    for (int round = 0; round < 12 && report_.ok(); ++round) {
      // Stripe delivers everything it owes until slotguard accepts it.
      for (int attempt = 0; attempt < 30 && report_.ok(); ++attempt) {
        bool owed = false;
        for (size_t i = 0; i < events_.size(); ++i) {
          if (events_[i].acked || events_[i].lost) continue;
          owed = true;
          deliver_event(i);
          drain(false);
        }
        if (!owed) break;
        advance(kMinMs);
      }
      for (const auto& e : events_)
        if (!e.acked && !e.lost) return fail("Stripe could not deliver " + e.id + " (" + e.type + ") after healing");
      // Past every expiry and every refund back-off, then sweep until quiet.
      if (now_ <= latest) advance(latest - now_ + kHourMs);
      advance(7 * kHourMs);
      bool quiet = false;
      for (int s = 0; s < 20 && !quiet && report_.ok(); ++s) {
        sweep(rng_.below(instances_.size()));
        drain(false);
        auto j = read_json(last_sweep_.body, 4);
        if (last_sweep_.status != 200 || !j) return fail("the sweep answered " + std::to_string(last_sweep_.status) + " while healed");
        quiet = (*j)["released"] == 0 && (*j)["linked"] == 0 && (*j)["reconciled"] == 0 && (*j)["refunds_retried"] == 0 &&
                (*j)["more"] == false;
        // A refund that failed earlier waits out its back-off: let time pass for it.
        for (const auto& [k, r] : reservations_)
          if (r.refund_queued()) quiet = false;
        if (!quiet) advance(7 * kHourMs);
      }
      bool all_acked = true;
      for (const auto& e : events_) all_acked &= e.acked || e.lost;
      if (quiet && all_acked) return deliver_outbox();
    }
    fail("the system did not become quiet after healing");
  }

  // ------------------------------------------------------------------ invariants

  // A hold counts as active only while every instance's clock agrees it is: instance
  // clocks run up to skew ahead of true time, and the ledger lets an instance that
  // sees a hold lapsed give its span away.
  bool surely_active(const Reservation& r) const {
    return r.status == ReservationStatus::Confirmed ||
           (r.status == ReservationStatus::PendingPayment && r.expires_at > now_ + rates_.skew_ms);
  }

  // The pack is never overdrawn, and its spent credits are exactly the bookings it paid
  // for that stand, plus those cancelled too late to give the credit back.
  std::string pack_mismatch() const {
    if (!pack_) return pack_id_.empty() ? "" : "the pack's record is gone";
    if (pack_->used > pack_->sessions) return "the pack was overdrawn";
    int64_t spent = 0;
    for (const auto& [k, r] : reservations_)
      spent += r.pack_id == pack_id_ && (r.status == ReservationStatus::Confirmed || !r.credit_returned);
    if (spent != pack_->used)
      return "the pack has " + std::to_string(pack_->used) + " credits spent for " + std::to_string(spent) + " bookings";
    return "";
  }

  void check_step() {
    if (!report_.ok() || !dirty_) return;
    dirty_ = false;
    std::vector<const Reservation*> active;
    for (const auto& [k, r] : reservations_)
      if (surely_active(r)) active.push_back(&r);
    for (size_t i = 0; i < active.size(); ++i) {
      int64_t sharing = 1;
      for (size_t j = 0; j < active.size(); ++j) {
        const Reservation &a = *active[i], &b = *active[j];
        if (i == j || a.expert_id != b.expert_id || !(a.span_start < b.span_end && b.span_start < a.span_end)) continue;
        // Seated reservations of one event type and start share it, up to its seats.
        const bool seat = a.seats > 1 && a.event_id == b.event_id && a.start == b.start;
        if (!seat)
          return fail("double booking: " + a.id + " (" + status_name(a.status) + ") and " + b.id + " (" + status_name(b.status) + ")");
        if (++sharing > a.seats) return fail("more reservations than seats at " + a.id);
      }
    }
    if (auto broken = ledger_mismatch(active); !broken.empty()) return fail(broken);
    if (auto broken = cap_passed(active); !broken.empty()) return fail(broken);
    if (auto broken = pack_mismatch(); !broken.empty()) return fail(broken);
    std::map<std::string, const Reservation*> by_pi, by_id;
    for (const auto& [k, r] : reservations_) {
      by_id[r.id] = &r;
      if (!r.payment_intent_id.empty() && (!by_pi.count(r.payment_intent_id) || r.status == ReservationStatus::Confirmed))
        by_pi[r.payment_intent_id] = &r;
      if (r.refund_gave_up) return fail("a refund was abandoned: " + r.id);
    }
    if (auto broken = refunds_wrong(by_pi, by_id); !broken.empty()) return fail(broken);
    // No checkout URL a guest was given is payable for a slot that is not held (a
    // guest's own cancel may be closing it this very moment). Sessions whose answer
    // was lost reach no guest: nobody has their URL.
    for (const auto& [sid, s] : stripe_.sessions()) {
      if (s.status != "open" || s.expires_at * 1000 <= now_ || !handed_out_.count(sid)) continue;
      auto it = by_id.find(s.reservation_id);
      if (it == by_id.end()) return fail("an open session for a reservation that does not exist: " + sid);
      const Reservation& r = *it->second;
      // A session that lost the link race (its answer lost) may stay open while its
      // own reservation holds the slot: paying it refunds it, no one else is harmed.
      const bool held = r.status == ReservationStatus::Confirmed ||
                        (r.status == ReservationStatus::PendingPayment && r.expires_at > now_ - rates_.skew_ms);
      const bool closing = r.status == ReservationStatus::Released && r.release_reason == "cancelled";
      if (!held && !closing)
        return fail("session " + sid + " is payable but its reservation " + r.id + " is " + status_name(r.status) +
                    " (" + r.release_reason + ")");
    }
  }

  // At most one refund per payment, and none of a confirmed reservation. A series' one
  // payment is refunded once per occurrence at most (its own share, named in the
  // refund's metadata), never for an occurrence that is confirmed.
  std::string refunds_wrong(const std::map<std::string, const Reservation*>& by_pi,
                            const std::map<std::string, const Reservation*>& by_id) const {
    for (const auto& [pi, made] : stripe_.refund_log()) {
      auto it = by_pi.find(pi);
      const Reservation* owner = it == by_pi.end() ? nullptr : it->second;
      if (!owner || !owner->in_series()) {
        if (made.size() > 1) return "two refunds of one payment: " + pi;
        if (owner && owner->status == ReservationStatus::Confirmed) return "a confirmed reservation was refunded: " + owner->id;
        continue;
      }
      std::set<std::string> named;
      for (const auto& refund : made) {
        if (!named.insert(refund.reservation_id).second) return "two refunds of one occurrence: " + refund.reservation_id;
        auto r = by_id.find(refund.reservation_id);
        if (r != by_id.end() && r->second->status == ReservationStatus::Confirmed && r->second->payment_intent_id == pi)
          return "a confirmed occurrence of a series was refunded: " + refund.reservation_id;
      }
      if (made.size() > owner->series.size()) return "more refunds than occurrences of series payment " + pi;
    }
    return {};
  }

  // Every reservation that surely holds its time is in the ledger exactly at its span:
  // a move never leaves it in both places, or in neither.
  // Every contested start is on 2030-01-02 in each of the swarm's time zones, so an
  // event type's per_day cap bounds its active reservations at once.
  std::string cap_passed(const std::vector<const Reservation*>& active) const {
    for (const auto& e : kEvents) {
      if (e.per_day == 0) continue;
      const auto n = std::count_if(active.begin(), active.end(), [&](const Reservation* r) { return r->event_id == e.id; });
      if (n > e.per_day) return std::string("more active bookings of ") + e.id + " than its per_day cap";
    }
    return {};
  }

  std::string ledger_mismatch(const std::vector<const Reservation*>& active) {
    std::map<std::string, std::vector<std::pair<std::string, const LedgerEntry*>>> entries;  // rid -> (bucket, entry)
    for (const auto& [bucket, decoded] : ledger_)
      for (const auto& e : decoded) entries[e.rid].push_back({bucket, &e});
    for (const Reservation* r : active) {
      const Span span{r->span_start, r->span_end};
      std::set<std::string> want;
      for (const auto& k : bucket_keys(r->expert_id, span)) want.insert(k);
      for (const auto& [bucket, e] : entries[r->id]) {
        if (e->start != span.start || e->end != span.end)
          return "reservation " + r->id + " is in the ledger at a span it no longer has (a move kept both)";
        want.erase(bucket);
      }
      if (!want.empty()) return "reservation " + r->id + " is missing from ledger bucket " + *want.begin();
    }
    return {};
  }

  void check_end_state() {
    std::map<std::string, const Reservation*> by_id;
    for (const auto& [k, r] : reservations_) {
      by_id[r.id] = &r;
      if (r.status == ReservationStatus::PendingPayment && r.expires_at <= now_)
        return fail("hold " + r.id + " outlived its expiry and the sweeps");
      if (r.refund_queued()) return fail("refund of " + r.id + " still queued after healing");
      if (r.status == ReservationStatus::Confirmed) ++report_.confirmed;
      // The app heard every notification of it, in order, starting with the hold (a
      // booking paid with a credit starts confirmed).
      const auto& heard = notified_[r.id];
      const char* first = r.pack_id.empty() ? "reservation.held" : "reservation.confirmed";
      if (static_cast<int64_t>(heard.size()) != r.notify_seq)
        return fail("the app heard " + std::to_string(heard.size()) + " of " + std::to_string(r.notify_seq) +
                    " notifications of " + r.id);
      if (heard.empty() || heard.front() != first) return fail("the app did not hear " + r.id + " " + first + " first");
      const bool heard_confirmed = std::find(heard.begin(), heard.end(), "reservation.confirmed") != heard.end();
      if (r.status == ReservationStatus::Confirmed && !heard_confirmed)
        return fail("the app never heard that " + r.id + " was confirmed");
      if (!r.refund_id.empty() && heard.back() != "reservation.refunded")
        return fail("the app's last word on refunded " + r.id + " is " + heard.back());
      if (r.status == ReservationStatus::Refunded) ++report_.refunded;
      if (r.series_lead() && r.confirmed_at != 0) ++report_.series_confirmed;
      if (!r.pack_id.empty()) ++report_.pack_bookings, report_.credits_returned += r.credit_returned;
      if (r.in_series() && cancelled_after_confirmation(r)) ++report_.occurrences_cancelled;
    }
    for (const auto& [sid, s] : stripe_.sessions()) {
      if (!s.pack_id.empty()) continue;  // the pack's purchase: no reservation's
      auto it = by_id.find(s.reservation_id);
      if (it == by_id.end()) return fail("session " + sid + " belongs to no reservation");
      const Reservation& r = *it->second;
      const bool linked = r.checkout_session_id == sid;
      if (s.status == "open") return fail("session " + sid + " is still open after every expiry");
      // A marketplace charge: the core's fee, and every refund takes the transfer and the
      // fee back with it.
      if (!s.destination.empty() && (s.destination != kConnectAccount || s.application_fee != s.amount / 10))
        return fail("session " + sid + " pays " + s.destination + " a fee of " + std::to_string(s.application_fee));
      if (auto forms = stripe_.refund_forms.find(s.payment_intent);
          !s.destination.empty() && !s.payment_intent.empty() && forms != stripe_.refund_forms.end())
        for (const auto& form : forms->second)
          if (!has_param(form, "reverse_transfer", "true") || !has_param(form, "refund_application_fee", "true"))
            return fail("a refund of destination charge " + s.payment_intent + " keeps the transfer or the fee");
      // Every authorization is answered: captured for a booking that stands, voided otherwise.
      if (s.intent_status == "requires_capture")
        return fail("the authorization of session " + sid + " was never captured nor voided (reservation " + r.id + " " +
                    status_name(r.status) + (linked ? "" : ", linked to " + r.checkout_session_id) + ")");
      if (s.manual_capture && linked && r.status == ReservationStatus::Confirmed && s.intent_status != "succeeded")
        return fail("reservation " + r.id + " is confirmed but its payment was never captured");
      const bool paid = s.status == "complete" && s.payment_status == "paid";
      const bool refunded = !s.payment_intent.empty() && stripe_.refunds_made.count(s.payment_intent) > 0;
      if (paid && linked && r.series_lead()) {
        if (auto broken = series_paid_wrong(s, r); !broken.empty()) return fail(broken);
        continue;
      }
      // A guest who cancelled a confirmed booking gets what the policy says: the amount
      // recorded, exactly once (none at 0 %).
      if (paid && linked && r.release_reason == "cancelled" && r.payment_intent_id == s.payment_intent) {
        const int64_t got = stripe_.refunded_amount.count(s.payment_intent) ? stripe_.refunded_amount.at(s.payment_intent) : 0;
        if (got != r.refund_amount)
          return fail("cancelled " + r.id + " was refunded " + std::to_string(got) + ", its policy said " +
                      std::to_string(r.refund_amount));
        continue;
      }
      if (paid) {
        const bool booked = linked && r.status == ReservationStatus::Confirmed && r.payment_intent_id == s.payment_intent;
        if (booked == refunded)
          return fail("paid session " + sid + " is " + (booked ? "both confirmed and refunded" : "neither confirmed nor refunded") +
                      " (reservation " + r.id + " " + status_name(r.status) + ")");
        if (refunded && linked && r.status != ReservationStatus::Refunded)
          return fail("session " + sid + " was refunded but its reservation is " + status_name(r.status));
      } else if (!linked && s.status != "expired") {
        return fail("session " + sid + " is neither linked nor expired (" + s.status + ")");
      }
    }
  }

  // A series' paid session, after healing: its occurrences are all confirmed, less those
  // its guest cancelled since (each refunded what its own terms gave, none at 0 %), or
  // all refunded whole; Stripe refunded exactly the sum of what they say.
  std::string series_paid_wrong(const native::FakeSession& s, const Reservation& lead) const {
    int64_t owed = 0;
    bool confirmed = false, refunded_whole = false;
    for (const auto& id : lead.series) {
      auto it = reservations_.find(keys::reservation(id));
      if (it == reservations_.end()) return "paid series of " + lead.id + " lost its occurrence " + id;
      const Reservation& r = it->second;
      if (r.status == ReservationStatus::Confirmed) {
        confirmed = true;
      } else if (cancelled_after_confirmation(r)) {
        owed += r.refund_amount;
      } else if (r.status == ReservationStatus::Refunded && r.refund_amount == r.price.amount) {
        refunded_whole = true;
        owed += r.refund_amount;
      } else {
        return "paid series of " + lead.id + " has occurrence " + id + " " + status_name(r.status) + " (" + r.release_reason +
               ", refund " + std::to_string(r.refund_amount) + ")";
      }
    }
    if (confirmed && refunded_whole) return "paid series of " + lead.id + " is both confirmed and refunded";
    auto got = stripe_.refunded_amount.find(s.payment_intent);
    const int64_t back = got == stripe_.refunded_amount.end() ? 0 : got->second;
    if (back != owed)
      return "paid series of " + lead.id + " was refunded " + std::to_string(back) + ", its occurrences say " + std::to_string(owed);
    return {};
  }

  SwarmOptions opt_;
  Rng rng_;
  Rates rates_{};
  SwarmReport report_;
  int64_t now_ = kStartMs;
  std::unique_ptr<native::KvStore> store_;
  FakeStripe stripe_;
  std::vector<Instance> instances_;
  std::vector<Task> tasks_;
  std::map<std::pair<size_t, TaskId>, PendingFetch> fetches_;
  std::set<std::string> stripe_in_flight_;
  std::vector<Ghost> ghosts_;
  std::vector<BookingRequest> bookings_;
  std::vector<size_t> linked_answers_;  // bookings answered 201
  std::set<std::string> handed_out_;     // sessions whose URL a guest received
  std::vector<StripeEvent> events_;
  std::vector<std::string> vouchers_;
  std::map<std::string, Reservation> reservations_;  // rsv/<id> -> record
  std::optional<Availability> availability_;          // avail/ada as committed
  std::map<std::string, Span> busy_blocks_;           // busy/ada/<id> -> its span, as committed
  std::map<std::string, std::vector<LedgerEntry>> ledger_;  // slot/... -> its entries, as committed
  std::map<std::string, int64_t> first_expiry_;       // reservation -> its expiry when it was held
  std::map<std::string, MemberWatch> watch_;          // pool member -> what it was since the pool's last booking
  std::map<std::string, int64_t> pool_given_;         // pool member -> bookings the pool gave it (created records)
  std::string pool_last_;                             // the member the pool's newest booking went to
  std::map<std::string, std::vector<std::string>> notified_;  // reservation -> types the app heard, in order
  HttpResponse last_sweep_;
  bool dirty_ = true;
  bool webhooks_down_ = false;
  int hover_steps_ = 0;  // steps left near an expiry: time crawls, guests want that slot
  std::string focus_event_, focus_start_, focus_session_;
  std::deque<std::string> tail_;
};

}  // namespace

SwarmReport run_swarm(const SwarmOptions& options) { return Swarm(options).run(); }

}  // namespace slotguard::sim
