// Start-up configuration handed over by the host (JSON, see wasm/ABI.md).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotguard {

// Stripe accepts a Checkout Session expiry up to 24 h ahead; the core adds a minute of
// slack between hold and create (see reservations_handler.cpp), so 1438 is the most.
inline constexpr int64_t kMaxCheckoutMinutes = 24 * 60 - 2;

struct Config {
  std::string admin_token;
  std::string stripe_secret_key;
  std::string stripe_api_base = "https://api.stripe.com";  // kStripeApiBase
  std::vector<std::string> webhook_secrets;  // several during rotation
  int64_t webhook_tolerance_s = 300;
  int64_t checkout_minutes = 30;              // 30 .. kMaxCheckoutMinutes
  int64_t hold_grace_minutes = 5;             // hold outlives its session by this much
  int64_t multibanco_default_hold_minutes = 3 * 24 * 60;
  int64_t http_timeout_ms = 10000;
  std::string default_success_url = "http://localhost:8787/booking/success";
  std::string default_cancel_url = "http://localhost:8787/booking/cancel";
  // Outbound notifications (see api/notifications.h): off while notify_url is empty.
  std::string notify_url;
  std::vector<std::string> notify_secrets;  // the first signs; several during rotation
  int64_t notify_retry_hours = 72;          // a notification is retried this long
  // Abuse limits and retention.
  int64_t max_active_holds_per_guest = 2;   // unpaid holds per guest e-mail per expert; 0 = no limit
  int64_t retention_days = 30;              // released and refunded reservations are purged after this
  // Origins allowed to call the API from a browser ("*" for any); none by default.
  std::vector<std::string> cors_origins;
};

inline constexpr std::string_view kStripeApiBase = "https://api.stripe.com";

// Whether the Stripe account behind this key takes real money (sk_live_, rk_live_).
bool live_mode_key(std::string_view secret_key);

// nullopt plus a message when a field has the wrong type or an out-of-range value.
std::optional<Config> parse_config(std::string_view json, std::string* error);

}  // namespace slotguard
