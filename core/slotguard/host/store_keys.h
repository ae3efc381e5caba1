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
//   whevtq/<purge at, 13 digits>/<event id> when a webhook event record may be purged
//   exp/<expert_id>/<start, 13 digits>/<rid>
//                                         reservations of an expert by start, for listing
//   evx/<expert_id>/<event_id>            event types of an expert, for listing
//   guest/<expert_id>/<sha256(e-mail)>    a guest's unpaid holds with one expert: the
//                                         hold limit is decided against it atomically
//   ntf/<rid>/<seq, 6 digits>             a notification not yet delivered (the outbox)
//   ntfq/<next attempt at, 13 digits>/<rid>/<seq, 6 digits>
//                                         the outbox by when to try next
//   avail/<expert_id>                     the expert's working hours (availability.h)
//   busy/<expert_id>/<block_id>           a busy block from the expert's other calendars;
//                                         its span is also in the slot ledger
//   busyx/<expert_id>/<start, 13 digits>/<block_id>
//                                         busy blocks by start, for listing
//   cal/<expert_id>                       the expert's calendar feeds (booking/calendar_feeds.h);
//                                         their blocks are busy blocks "cal-<feed id>-..."
//   purge/<purge at, 13 digits>/<rid>     released and refunded reservations, by when
//                                         retention lets the sweep remove them
//   payouts/<expert_id>                   the connected account an expert is paid through
//   payacct/<account id>                  -> expert id, for account.updated events
//   cap/<expert_id>/<YYYY-MM-DD | YYYY-Www>
//                                         the bookings a cap counts on one local day or
//                                         ISO week of an expert (booking/booking_caps.h)
//   pool/<event_id>                       a pool's turns: whom it gave the last booking, and
//                                         how many each member got (booking/pool.h)
//   pack/<pack_id>                        a prepaid pack and its credits (booking/packs.h)
//   packx/<session expires at, 13 digits>/<pack_id>
//                                         packs bought, by when their checkout expires: the
//                                         sweep settles any still waiting for its payment
//   packpurge/<purge at, 13 digits>/<pack_id>
//                                         lapsed packs, by when retention lets the sweep
//                                         remove them
//   evcursor                              where the events pass goes on in Stripe's
//                                         event list (payments/missed_events.h)
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

std::string webhook_event_purge(int64_t purge_at, std::string_view event_id);
inline constexpr std::string_view kWebhookEventPurgePrefix = "whevtq/";
std::string expert_reservation(std::string_view expert_id, int64_t start, std::string_view rid);
std::string expert_reservations_prefix(std::string_view expert_id);
std::string expert_event(std::string_view expert_id, std::string_view event_id);
std::string expert_events_prefix(std::string_view expert_id);
std::string guest_holds(std::string_view expert_id, std::string_view email);
std::string notification(std::string_view rid, int64_t seq);
std::string notification_queue(int64_t next_attempt_at, std::string_view rid, int64_t seq);
inline constexpr std::string_view kNotificationQueuePrefix = "ntfq/";
std::string purge(int64_t purge_at, std::string_view rid);
std::string availability(std::string_view expert_id);
std::string busy_block(std::string_view expert_id, std::string_view block_id);
std::string busy_index(std::string_view expert_id, int64_t start, std::string_view block_id);
std::string busy_index_prefix(std::string_view expert_id);
std::string calendars(std::string_view expert_id);
inline constexpr std::string_view kCalendarsPrefix = "cal/";
inline constexpr std::string_view kPurgePrefix = "purge/";
std::string stripe_events_cursor();
std::string payouts(std::string_view expert_id);
std::string pool_state(std::string_view event_id);
std::string pack(std::string_view pack_id);
std::string pack_checkout_expiry(int64_t session_expires_at, std::string_view pack_id);
inline constexpr std::string_view kPackCheckoutExpiryPrefix = "packx/";
std::string pack_purge(int64_t purge_at, std::string_view pack_id);
inline constexpr std::string_view kPackPurgePrefix = "packpurge/";
std::string booking_counter(std::string_view expert_id, std::string_view day_or_week);
std::string payouts_account(std::string_view account_id);

// The smallest key greater than every key that starts with `prefix`: a list's end.
std::string prefix_end(std::string_view prefix);

// Fixed-width decimal so that bytewise key order is numeric order.
std::string padded(int64_t v, int width);

}  // namespace slotguard::keys
