// A fake of the Stripe API behind the fetch port, for native tests and the swarm: it
// speaks the same form-encoded requests and JSON answers, replays idempotency keys
// (a 5xx is saved and replayed, as Stripe does), answers 409 to a key that is still
// in flight, refuses a Checkout Session expiry outside 30 minutes to 24 hours when it
// has a clock, and counts every call so tests can prove who talked to Stripe.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "slotguard/host/fetch_client.h"
#include "slotguard/base/task.h"

namespace slotguard::native {

struct FakeSession {
  std::string id, reservation_id, status = "open", payment_status = "unpaid";
  std::string pack_id;  // metadata[pack_id]: a session that buys a pack
  std::string payment_intent, url, currency, customer_email;
  int64_t amount = 0, expires_at = 0, voucher_expires_at = 0;
  std::vector<std::string> methods;
  // capture_method=manual: paying authorizes (the PaymentIntent requires_capture and the
  // session completes unpaid, as Checkout reports it); capture or cancel settles it.
  bool manual_capture = false;
  std::string intent_status;  // requires_capture, succeeded or canceled, once paid
  // A destination charge: payment_intent_data[transfer_data][destination] and
  // [application_fee_amount] and [on_behalf_of], as asked.
  std::string destination, on_behalf_of;
  int64_t application_fee = -1;
};

struct StripeCall {
  std::string method, path, idempotency_key, reservation_id;
};

// A failure the swarm makes Stripe answer instead of performing the call.
enum class StripeFault { None, Status500, Status429 };

class FakeStripe {
 public:
  HostReply serve(const HostCall& call);
  // Serves with an injected failure: a 500 is saved under the idempotency key (Stripe
  // replays it to every retry with that key), a 429 is not (the call never ran).
  HostReply serve_with(const HostCall& call, StripeFault fault);

  // The idempotency key of a fetch call ("" when it has none).
  static std::string idempotency_key_of(const HostCall& call);
  // A request with this key is executing: a twin gets 409 idempotency_error and no
  // result is saved for the twin.
  void begin_in_flight(const std::string& key) { if (!key.empty()) in_flight_.insert(key); }
  void end_in_flight(const std::string& key) { in_flight_.erase(key); }

  // Stripe's own clock (ms). Unset: expiries are not checked and nothing expires.
  std::function<int64_t()> clock;
  // Open sessions whose expires_at has passed become expired; returns their ids.
  std::vector<std::string> expire_due();

  // Faults on demand: the next N session creates answer 500 / 400 / fail in transport.
  int fail_creates_with_500 = 0;
  int fail_creates_with_400 = 0;
  int fail_creates_in_transport = 0;
  bool down = false;  // every call fails in transport (an outage)

  const std::vector<StripeCall>& calls() const { return calls_; }
  size_t count(const std::string& method_and_path_prefix) const;
  size_t calls_for_reservation(const std::string& rid) const;
  std::map<std::string, FakeSession>& sessions() { return sessions_; }
  // Marks a session paid by card (as Checkout does) and returns its PaymentIntent id.
  std::string pay(const std::string& session_id);
  // Completes a session unpaid with a Multibanco voucher payable until `voucher_expires_s`.
  std::string pay_with_voucher(const std::string& session_id, int64_t voucher_expires_s);
  // The voucher's outcome: the session becomes paid, or stays unpaid (failed).
  void settle_voucher(const std::string& session_id, bool succeeded);
  // A signed-shape Stripe event (body only) about a session, as webhooks carry it.
  std::string event_body(const std::string& event_id, const std::string& type, const std::string& session_id) const;
  // An event Stripe emits: kept for GET /v1/events (created at the clock's second)
  // whether or not a webhook ever carries it. Returns its body.
  std::string emit_event(const std::string& event_id, const std::string& type, const std::string& session_id);
  // Refunds created, by PaymentIntent.
  std::map<std::string, std::string> refunds;  // pi -> refund id
  std::map<std::string, int> refunds_made;     // pi -> refunds created (Stripe allows one full refund)
  std::map<std::string, int64_t> refunded_amount;  // pi -> minor units refunded so far
  int fail_refunds = 0;
  // PaymentIntents whose capture Stripe refuses (a 400) while they stay authorized.
  std::set<std::string> captures_refused;
  // Connected accounts (GET /v1/accounts/{id}): id -> charges_enabled.
  std::map<std::string, bool> accounts;
  // Every refund's form, by PaymentIntent, in order.
  std::map<std::string, std::vector<std::vector<std::pair<std::string, std::string>>>> refund_forms;
  std::set<std::string> refunds_always_fail;  // PaymentIntents whose refunds always answer 500
  // Every refund made, by PaymentIntent, with the reservation its metadata names.
  struct MadeRefund {
    std::string id, reservation_id;
    int64_t amount;
  };
  const std::map<std::string, std::vector<MadeRefund>>& refund_log() const { return refund_log_; }

 private:
  struct Replay {
    std::string params;
    int status;
    std::string body;
  };
  std::pair<int, std::string> handle(const FetchRequest& req, const std::string& path);
  // GET /v1/events: newest first; types[], created[gte], limit, starting_after and
  // ending_before as Stripe reads them; a cursor it does not hold answers 404.
  std::pair<int, std::string> list_events(const std::string& url) const;
  // POST /v1/payment_intents/{id}/capture and /cancel of an authorized intent.
  std::pair<int, std::string> settle_intent(const std::string& rest);
  std::string session_json(const FakeSession& s) const;

  std::vector<StripeCall> calls_;
  std::map<std::string, FakeSession> sessions_;
  std::map<std::string, Replay> idempotency_;
  std::map<std::string, std::vector<MadeRefund>> refund_log_;  // pi -> refunds, for GET /v1/refunds
  std::set<std::string> in_flight_;
  struct LoggedEvent {
    std::string id, type, body;
    int64_t created_s = 0;
  };
  std::vector<LoggedEvent> event_log_;  // oldest first
  uint64_t next_id_ = 1;
};

}  // namespace slotguard::native
