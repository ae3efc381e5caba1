#include "slotguard/booking/notifications.h"

#include <limits>

#include "slotguard/base/backoff.h"
#include "slotguard/base/json.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

namespace slotguard {
namespace {

constexpr int64_t kFirstRetryMs = 10'000;
constexpr int64_t kMaxRetryMs = 3'600'000;

bool live(ReservationStatus s) {
  return s == ReservationStatus::PendingPayment || s == ReservationStatus::Confirmed ||
         s == ReservationStatus::AwaitingApproval;
}

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
  const bool was_awaiting = before && before->status == ReservationStatus::AwaitingApproval;
  if (after.status == ReservationStatus::AwaitingApproval && !was_awaiting)
    add(after, now_ms, NotificationType::awaiting_approval, mutations);
  if (was_awaiting && after.status == ReservationStatus::Confirmed) add(after, now_ms, NotificationType::approved, mutations);
  if (was_awaiting && !live(after.status)) add(after, now_ms, NotificationType::declined, mutations);
  if (before && before->start != after.start) add(after, now_ms, NotificationType::rescheduled, mutations);
  // Leaving pending or confirmed for good, whether released outright or refunded
  // because the slot was lost: the booking no longer stands.
  if (before && live(before->status) && !live(after.status)) add(after, now_ms, NotificationType::released, mutations);
  // Refunded once Stripe confirms the refund: the money is on its way back.
  if (!after.refund_id.empty() && (!before || before->refund_id.empty()))
    add(after, now_ms, NotificationType::refunded, mutations);
  SG_ASSERT(after.notify_seq - seq_before <= 5);
}

std::string notification_id(std::string_view reservation_id, int64_t seq) {
  return "ntf_" + std::string(reservation_id) + "_" + std::to_string(seq);
}

int64_t notification_retry_delay_ms(int64_t attempts) { return backoff_ms(attempts, kFirstRetryMs, kMaxRetryMs); }

namespace {

using fields::Presence;
constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max();

// Every member is written and required: an entry is written whole, once, by this code.
constexpr fields::Row<Notification> kNotificationRows[] = {
    fields::member<&Notification::reservation_id>("reservation_id", Presence::Required),
    fields::bounded<&Notification::seq>("seq", 1, kMaxCount, Presence::Required),
    fields::member<&Notification::body>("body", Presence::Required),
    fields::member<&Notification::first_at>("first_at", Presence::Required),
    fields::bounded<&Notification::attempts>("attempts", 0, kMaxCount, Presence::Required),
    fields::member<&Notification::next_at>("next_at", Presence::Required),
};
static_assert(fields::covers<Notification>(kNotificationRows));

}  // namespace

fields::Rows<Notification> notification_rows() { return kNotificationRows; }

std::string notification_to_storage(const Notification& n) {
  JsonWriter w;
  fields::write_record<Notification>(kNotificationRows, w, n);
  return w.take();
}

std::optional<Notification> notification_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  Notification n;
  if (!j || !fields::read_record<Notification>(kNotificationRows, n, *j)) return std::nullopt;
  return n;
}

}  // namespace slotguard
