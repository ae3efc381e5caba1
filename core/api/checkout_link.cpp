#include "checkout_link.h"

#include "form_encoding.h"
#include "responses.h"
#include "store_keys.h"

namespace slotguard::api {

namespace {

std::string id_field(const char* name, std::string_view value) {
  return "\"" + std::string(name) + "\":\"" + std::string(value) + "\"";
}

HttpResponse with_replay_header(HttpResponse r, bool replayed) {
  if (replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

}  // namespace

Co<TxnOutcome> release_pending(Services& s, std::string rid, std::string reason) {
  Decide decide = [reason](const TxnView& v) {
    TxnPlan plan;
    if (!v.current || v.current->status != ReservationStatus::PendingPayment) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    plan.next.status = ReservationStatus::Released;
    plan.next.release_reason = reason;
    return plan;
  };
  TxnOutcome out = co_await run_reservation_txn(s, rid, existing_reservation(), no_keys(), decide);
  if (out.kind == TxnOutcome::Kind::Written) {
    s.metrics.add("slotguard_releases_total", "reason=\"" + reason + "\"");
    s.log(LogLevel::Info, "reservation_released", id_field("reservation_id", rid) + "," + id_field("reason", reason));
  }
  co_return out;
}

Co<bool> expire_checkout(Services& s, std::string session_id) {
  StripeResult res = co_await s.stripe.post("/v1/checkout/sessions/" + percent_encode(session_id) + "/expire",
                                            FormBody(), "slotguard-expire-" + session_id);
  if (!res.ok())
    s.log(LogLevel::Warn, "checkout_expire_failed",
          id_field("session_id", session_id) + "," + id_field("stripe_error", res.error_code.empty() ? res.error_type : res.error_code));
  co_return res.ok();
}

Co<HttpResponse> open_checkout(Services& s, Reservation held, bool replayed) {
  if (!held.checkout_session_id.empty()) co_return with_replay_header(reservation_body(201, held), replayed);

  StripeResult res = co_await s.stripe.post("/v1/checkout/sessions", checkout_session_form(held),
                                            checkout_idempotency_key(held.id));
  const std::string* session_id = res.ok() ? get_string(res.object, "id") : nullptr;
  const std::string* url = res.ok() ? get_string(res.object, "url") : nullptr;
  if (!session_id || !url || session_id->empty()) {
    s.log(LogLevel::Warn, "checkout_create_failed",
          id_field("reservation_id", held.id) + "," +
              id_field("stripe_error", res.error_code.empty() ? res.error_type : res.error_code));
    TxnOutcome rel = co_await release_pending(s, held.id, "payment_provider_error");
    (void)rel;  // if this fails too, the hold simply expires and the sweep collects it
    co_return error_response(502, "payment_provider_error", "the payment provider could not open a checkout session; the slot was not kept");
  }

  const std::string sid = *session_id, link = *url;
  Decide decide = [sid, link](const TxnView& v) {
    TxnPlan plan;
    // Only a hold that is still live gets its session; one that lapsed while Stripe
    // answered may already belong to someone else.
    if (!v.current || !v.current->active_at(v.now) || !v.current->checkout_session_id.empty()) return plan;
    plan.kind = TxnPlan::Kind::Write;
    plan.next = *v.current;
    plan.next.checkout_session_id = sid;
    plan.next.checkout_url = link;
    return plan;
  };
  TxnOutcome linked = co_await run_reservation_txn(s, held.id, existing_reservation(), no_keys(), decide);
  if (linked.kind == TxnOutcome::Kind::Busy) co_return contention();
  if (linked.kind != TxnOutcome::Kind::Written && linked.kind != TxnOutcome::Kind::NoChange) co_return store_unavailable();
  const Reservation& now_r = *linked.reservation;
  const bool linked_now = linked.kind == TxnOutcome::Kind::Written;
  const bool linked_by_twin = now_r.status == ReservationStatus::PendingPayment && now_r.checkout_session_id == sid &&
                              now_r.active_at(s.now());  // a concurrent replay linked the same session
  if (linked_now || linked_by_twin) {
    if (linked.kind == TxnOutcome::Kind::Written)
      s.log(LogLevel::Info, "checkout_linked", id_field("reservation_id", held.id) + "," + id_field("session_id", sid));
    co_return with_replay_header(reservation_body(201, now_r), replayed);
  }
  // Released or lapsed while Stripe was answering: close the session.
  co_await expire_checkout(s, sid);
  co_return error_response(409, "reservation_released", "the hold was released before checkout could open");
}

}  // namespace slotguard::api
