// The outbox. An app that adopts slotguard must hear about every change to a
// reservation it cares about, and must never hear about one that did not happen. So
// each notification is written by run_reservation_txn in the same store commit as the
// change it reports, and delivered later (api/notify_handler.cpp) until the app's
// endpoint answers 2xx: a crash between the commit and the delivery delays it, never
// drops it. A reservation's notifications carry consecutive numbers and are delivered
// in that order; every attempt sends the same id, so the app can drop duplicates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/host/config.h"
#include "slotguard/booking/domain.h"
#include "slotguard/host/store_types.h"

namespace slotguard {

// What a notification reports: one enumerator per line of notification_types.def.
enum class NotificationType {
#define SG_NOTIFICATION_TYPE(id, when) id,
#include "slotguard/booking/notification_types.def"
#undef SG_NOTIFICATION_TYPE
};

inline constexpr std::string_view kNotificationTypeNames[] = {
#define SG_NOTIFICATION_TYPE(id, when) "reservation." #id,
#include "slotguard/booking/notification_types.def"
#undef SG_NOTIFICATION_TYPE
};

// The type as the app receives it: "reservation.held", ...
constexpr std::string_view notification_type_name(NotificationType t) {
  return kNotificationTypeNames[static_cast<std::size_t>(t)];
}

struct Notification {
  std::string reservation_id;
  int64_t seq = 0;
  std::string body;       // the exact bytes every attempt sends (and signs)
  int64_t first_at = 0;   // committed at; retried until first_at + notify_retry_hours
  int64_t attempts = 0;   // failed deliveries so far
  int64_t next_at = 0;    // when to try next

  bool operator==(const Notification&) const = default;
};

// The notifications a change from `before` to `after` calls for, as mutations of the
// same commit. Numbers them from after.notify_seq, which it advances. Nothing when
// notifications are off (Config::notify_url empty).
void plan_notifications(const Config& cfg, const std::optional<Reservation>& before, Reservation& after, int64_t now_ms,
                        std::vector<KvMutation>& mutations);

// "ntf_<reservation id>_<seq>": stable across attempts.
std::string notification_id(std::string_view reservation_id, int64_t seq);

// Wait before the next attempt after `attempts` failures: 10 s doubling to 1 h.
int64_t notification_retry_delay_ms(int64_t attempts);

// Its stored fields, one row per member (notifications.cpp).
fields::Rows<Notification> notification_rows();
std::string notification_to_storage(const Notification& n);
std::optional<Notification> notification_from_storage(std::string_view text);

}  // namespace slotguard
