// The key layout. Every lookup the API needs is a point read of one of these keys;
// ranges are only used by the sweep and the availability query.
//
//   event/<event_id>                      event type
//   rsv/<reservation_id>                  reservation
//   cs/<checkout_session_id>              -> reservation id
//   pi/<payment_intent_id>                -> reservation id
//   idem/<sha256(idempotency key)>        {fingerprint, reservation id}
//   slot/<expert_id>/<bucket, 10 digits>  spans of active reservations in a 15-minute
//                                         bucket (see slot_ledger.h)
//   hold/<expires_at, 13 digits>/<rid>    pending holds ordered by expiry, for the sweep
//   unlinked/<created_at, 13 digits>/<rid> pending holds whose Checkout Session is not
//                                         linked yet (a crash between hold and link)
//   refundq/<next attempt at, 13 digits>/<rid>
//                                         refunds decided but not yet confirmed by Stripe,
//                                         ordered by when to try next: an entry that keeps
//                                         failing moves back and never starves the rest
//   whevt/<stripe event id>               webhook events already applied
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace slotguard::keys {

std::string event(std::string_view id);
std::string reservation(std::string_view id);
std::string session_index(std::string_view session_id);
std::string payment_intent_index(std::string_view pi_id);
std::string idempotency(std::string_view client_key);
std::string slot_bucket(std::string_view expert_id, int64_t bucket);
std::string slot_prefix(std::string_view expert_id);
std::string hold(int64_t expires_at, std::string_view rid);
inline constexpr std::string_view kHoldPrefix = "hold/";
std::string webhook_event(std::string_view event_id);
std::string unlinked(int64_t created_at, std::string_view rid);
inline constexpr std::string_view kUnlinkedPrefix = "unlinked/";
std::string refund_queue(int64_t next_attempt_at, std::string_view rid);
inline constexpr std::string_view kRefundQueuePrefix = "refundq/";

// Fixed-width decimal so that bytewise key order is numeric order.
std::string padded(int64_t v, int width);

}  // namespace slotguard::keys
