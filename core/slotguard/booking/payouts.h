// An expert paid through Stripe Connect: a marketplace takes its platform fee and sends
// the rest of each booking's payment to the expert's connected account (a destination
// charge). The record says which account, what fee, and what Stripe last said of the
// account; a hold fixes the destination and the fee on its reservation, so a later
// change applies to new bookings only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slotguard/base/json.h"

namespace slotguard {

// A connected account's charges are looked at again when Stripe last said so this long
// ago: an account.updated event that never reached this store is learnt at a new hold
// at most this late.
inline constexpr int64_t kAccountRecheckMs = 10 * 60'000;

struct Payouts {
  std::string stripe_account;          // acct_...
  std::optional<int64_t> fee_percent;  // of the price, 0..100, rounded down; or
  std::optional<int64_t> fee_amount;   // a fixed amount in the price's minor units
  bool on_behalf_of = false;           // the connected account is the settlement merchant
  std::optional<bool> charges_enabled;  // what Stripe last said; nullopt: not asked yet
  int64_t checked_at = 0;               // ms, when Stripe said it

  // The platform's fee on a price: never more than the price.
  int64_t application_fee(int64_t price) const;
  // Whether a new hold must ask Stripe about the account first.
  bool needs_check(int64_t now_ms) const { return !charges_enabled || now_ms - checked_at >= kAccountRecheckMs; }
};

bool valid_account_id(std::string_view id);  // acct_ then 1..100 of [A-Za-z0-9]

// From a PUT body: {"stripe_account", "platform_fee": {"percent"} | {"amount"},
// "on_behalf_of"?}. Nullopt with `error` naming the field otherwise.
std::optional<Payouts> payouts_from_request(const JsonValue& body, std::string* error);
void write_payouts(JsonWriter& w, const Payouts& p);  // the API's shape, also what storage keeps
std::string payouts_to_storage(const Payouts& p);
std::optional<Payouts> payouts_from_storage(std::string_view text);

}  // namespace slotguard
