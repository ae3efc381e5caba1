#include "notifications.h"

#include "json.h"
#include "sg_assert.h"
#include "store_keys.h"

namespace slotguard {
namespace {

constexpr int64_t kFirstRetryMs = 10'000;
constexpr int64_t kMaxRetryMs = 3'600'000;

bool live(ReservationStatus s) { return s == ReservationStatus::PendingPayment || s == ReservationStatus::Confirmed; }

void add(Reservation& after, int64_t now_ms, const char* type, std::vector<KvMutation>& m) {
  Notification n;
  n.reservation_id = after.id;
  n.seq = ++after.notify_seq;
  n.first_at = now_ms;
  n.next_at = now_ms;
  Json data = {{"reservation", reservation_view(after)}};
  if (std::string_view(type) == "reservation.released") data["reason"] = after.release_reason;
  n.body = dump_json(Json{{"id", notification_id(after.id, n.seq)},
                          {"type", type},
                          {"created", now_ms / 1000},
                          {"data", std::move(data)}});
  m.push_back({KvMutation::Op::Set, keys::notification(n.reservation_id, n.seq), notification_to_storage(n)});
  m.push_back({KvMutation::Op::Set, keys::notification_queue(n.next_at, n.reservation_id, n.seq), ""});
}

}  // namespace

void plan_notifications(const Config& cfg, const std::optional<Reservation>& before, Reservation& after, int64_t now_ms,
                        std::vector<KvMutation>& mutations) {
  if (cfg.notify_url.empty()) return;
  const int64_t seq_before = after.notify_seq;
  if (!before && after.status == ReservationStatus::PendingPayment) add(after, now_ms, "reservation.held", mutations);
  if (after.status == ReservationStatus::Confirmed && (!before || before->status != ReservationStatus::Confirmed))
    add(after, now_ms, "reservation.confirmed", mutations);
  if (before && before->start != after.start) add(after, now_ms, "reservation.rescheduled", mutations);
  // Leaving pending or confirmed for good, whether released outright or refunded
  // because the slot was lost: the booking no longer stands.
  if (before && live(before->status) && !live(after.status)) add(after, now_ms, "reservation.released", mutations);
  // Refunded once Stripe confirms the refund: the money is on its way back.
  if (!after.refund_id.empty() && (!before || before->refund_id.empty()))
    add(after, now_ms, "reservation.refunded", mutations);
  SG_ASSERT(after.notify_seq - seq_before <= 4);
}

std::string notification_id(std::string_view reservation_id, int64_t seq) {
  return "ntf_" + std::string(reservation_id) + "_" + std::to_string(seq);
}

int64_t notification_retry_delay_ms(int64_t attempts) {
  int64_t delay = kFirstRetryMs;
  for (int64_t i = 1; i < attempts && delay < kMaxRetryMs; ++i) delay *= 2;
  return delay < kMaxRetryMs ? delay : kMaxRetryMs;
}

std::string notification_to_storage(const Notification& n) {
  return dump_json(Json{{"reservation_id", n.reservation_id},
                        {"seq", n.seq},
                        {"body", n.body},
                        {"first_at", n.first_at},
                        {"attempts", n.attempts},
                        {"next_at", n.next_at}});
}

std::optional<Notification> notification_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j || !j->is_object()) return std::nullopt;
  const std::string* rid = get_string(*j, "reservation_id");
  const std::string* body = get_string(*j, "body");
  auto seq = get_int(*j, "seq"), first = get_int(*j, "first_at"), attempts = get_int(*j, "attempts"),
       next = get_int(*j, "next_at");
  if (!rid || !body || !seq || !first || !attempts || !next || *seq < 1 || *attempts < 0) return std::nullopt;
  return Notification{*rid, *seq, *body, *first, *attempts, *next};
}

}  // namespace slotguard
