#include "slotguard/booking/notifications.h"

#include "slotguard/base/backoff.h"
#include "slotguard/base/json.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

namespace slotguard {
namespace {

constexpr int64_t kFirstRetryMs = 10'000;
constexpr int64_t kMaxRetryMs = 3'600'000;

bool live(ReservationStatus s) { return s == ReservationStatus::PendingPayment || s == ReservationStatus::Confirmed; }

void add(Reservation& after, int64_t now_ms, NotificationType type, std::vector<KvMutation>& m) {
  Notification n;
  n.reservation_id = after.id;
  n.seq = ++after.notify_seq;
  n.first_at = now_ms;
  n.next_at = now_ms;
  JsonWriter body;
  body.object()
      .field("id", notification_id(after.id, n.seq))
      .field("type", notification_type_name(type))
      .field("created", now_ms / 1000)
      .key("data")
      .object()
      .key("reservation");
  write_reservation_view(body, after);
  if (type == NotificationType::released) body.field("reason", after.release_reason);
  n.body = body.end_object().end_object().take();
  m.push_back({KvMutation::Op::Set, keys::notification(n.reservation_id, n.seq), notification_to_storage(n)});
  m.push_back({KvMutation::Op::Set, keys::notification_queue(n.next_at, n.reservation_id, n.seq), ""});
}

}  // namespace

void plan_notifications(const Config& cfg, const std::optional<Reservation>& before, Reservation& after, int64_t now_ms,
                        std::vector<KvMutation>& mutations) {
  if (cfg.notify_url.empty()) return;
  const int64_t seq_before = after.notify_seq;
  if (!before && after.status == ReservationStatus::PendingPayment)
    add(after, now_ms, NotificationType::held, mutations);
  if (after.status == ReservationStatus::Confirmed && (!before || before->status != ReservationStatus::Confirmed))
    add(after, now_ms, NotificationType::confirmed, mutations);
  if (before && before->start != after.start) add(after, now_ms, NotificationType::rescheduled, mutations);
  // Leaving pending or confirmed for good, whether released outright or refunded
  // because the slot was lost: the booking no longer stands.
  if (before && live(before->status) && !live(after.status)) add(after, now_ms, NotificationType::released, mutations);
  // Refunded once Stripe confirms the refund: the money is on its way back.
  if (!after.refund_id.empty() && (!before || before->refund_id.empty()))
    add(after, now_ms, NotificationType::refunded, mutations);
  SG_ASSERT(after.notify_seq - seq_before <= 4);
}

std::string notification_id(std::string_view reservation_id, int64_t seq) {
  return "ntf_" + std::string(reservation_id) + "_" + std::to_string(seq);
}

int64_t notification_retry_delay_ms(int64_t attempts) { return backoff_ms(attempts, kFirstRetryMs, kMaxRetryMs); }

std::string notification_to_storage(const Notification& n) {
  JsonWriter w;
  w.object()
      .field("reservation_id", n.reservation_id)
      .field("seq", n.seq)
      .field("body", n.body)
      .field("first_at", n.first_at)
      .field("attempts", n.attempts)
      .field("next_at", n.next_at)
      .end_object();
  return w.take();
}

std::optional<Notification> notification_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) return std::nullopt;
  // A repeated key counts with its last value.
  const JsonValue *rid = nullptr, *body = nullptr;
  std::optional<int64_t> seq, first, attempts, next;
  for (auto it = j->MemberBegin(); it != j->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    const JsonValue& v = it->value;
    if (k == "reservation_id") rid = v.IsString() ? &v : nullptr;
    else if (k == "body") body = v.IsString() ? &v : nullptr;
    else if (k == "seq") seq = int_of(v);
    else if (k == "first_at") first = int_of(v);
    else if (k == "attempts") attempts = int_of(v);
    else if (k == "next_at") next = int_of(v);
  }
  if (!rid || !body || !seq || !first || !attempts || !next || *seq < 1 || *attempts < 0) return std::nullopt;
  return Notification{std::string(string_of(*rid)), *seq, std::string(string_of(*body)), *first, *attempts, *next};
}

}  // namespace slotguard
