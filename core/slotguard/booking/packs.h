// Prepaid packs: several sessions of one event type bought at once through Checkout,
// then spent one credit per booking. A booking on a pack takes its credit in the
// hold's own commit, checked against the version of the pack it read, so two holds
// racing for the last credit cannot both have it, and no Stripe call is made. A
// cancellation the booking's terms refund in full gives the credit back; any other
// leaves it spent, and a pack past its expiry gives nothing.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slotguard/base/json.h"
#include "slotguard/base/record_fields.h"
#include "slotguard/booking/domain.h"

namespace slotguard {

// pending_payment: its Checkout Session is open (or being opened); active: paid, its
// credits usable until expires_at; lapsed: its checkout expired unpaid.
enum class PackStatus { PendingPayment, Active, Lapsed };
const char* pack_status_name(PackStatus s);

struct Pack {
  std::string id;  // "pak_" + hex, minted by the core
  std::string event_id, expert_id;
  Guest guest;
  int64_t sessions = 0;  // credits bought
  int64_t used = 0;      // credits spent: by bookings that stand, or cancelled too late for the credit
  Price price;           // what the pack costs
  int64_t valid_days = 0;
  PackStatus status = PackStatus::PendingPayment;
  int64_t created_at = 0, updated_at = 0;
  int64_t session_expires_at = 0;  // what Stripe is told
  int64_t paid_at = 0, expires_at = 0;  // active: the credits are usable before expires_at
  std::string checkout_session_id, checkout_url, payment_intent_id;
  std::string success_url, cancel_url;
  std::string idempotency_key;  // the store key of the request's Idempotency-Key, if any

  bool operator==(const Pack&) const = default;
  int64_t credits_left() const { return sessions - used; }
};

fields::Rows<Pack> pack_rows();
std::string pack_to_storage(const Pack& p);
std::optional<Pack> pack_from_storage(std::string_view text);
void write_pack_view(JsonWriter& w, const Pack& p);

// Why a pack cannot pay for a booking of `event_id` by `guest_email` at `now_ms`.
enum class CreditRefusal { None, NotPaid, Lapsed, Expired, UsedUp, OtherEvent, OtherGuest };
CreditRefusal credit_refusal(const Pack& p, std::string_view event_id, std::string_view guest_email, int64_t now_ms);
std::string_view credit_refusal_message(CreditRefusal why);

// The pack once its payment is in: active from `now_ms` for its valid_days.
Pack activated(Pack p, std::string_view payment_intent, int64_t now_ms);

}  // namespace slotguard
