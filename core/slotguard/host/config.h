// Start-up configuration handed over by the host (JSON, see wasm/ABI.md), and the one
// schema of its settings. Every host derives its own names from that schema (the Node
// options and environment, the Worker's vars, docs/configuration.md), read from the
// module through sg_describe, so a setting is declared here and nowhere else.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotguard {

// Stripe accepts a Checkout Session expiry up to 24 h ahead; the core adds a minute of
// slack between hold and create (session_expiry_ms), so 1438 is the most.
inline constexpr int64_t kMaxCheckoutMinutes = 24 * 60 - 2;

// Defaults live in the member initialisers; the schema reads them from a default Config.
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
  // Where Checkout sends the guest back when the hold names no URL: the booking page's
  // return route on the host that answered the hold (api/checkout_return.h resolves a
  // path against the request's origin and fills in {RESERVATION_ID}).
  std::string default_success_url = "/return/?reservation={RESERVATION_ID}&outcome=paid";
  std::string default_cancel_url = "/return/?reservation={RESERVATION_ID}&outcome=cancelled";
  // Outbound notifications (see booking/notifications.h): off while notify_url is empty.
  std::string notify_url;
  std::vector<std::string> notify_secrets;  // the first signs; several during rotation
  int64_t notify_retry_hours = 72;          // a notification is retried this long
  // Abuse limits and retention.
  int64_t max_active_holds_per_guest = 2;   // unpaid holds per guest e-mail per expert; 0 = no limit
  int64_t retention_days = 30;              // released and refunded reservations, and lapsed packs, are purged after this
  int64_t calendar_horizon_days = 90;       // how far ahead calendar feeds become busy blocks
  // Origins allowed to call the API from a browser ("*" for any); none by default.
  std::vector<std::string> cors_origins;
};

inline constexpr std::string_view kStripeApiBase = "https://api.stripe.com";

// What a setting holds. Lists travel as one comma-separated string, so the same value
// works as an environment variable, a Worker binding and a JSON field.
enum class SettingType : uint8_t { Text, Integer, List };

// One setting of the configuration: its sg_init field, the environment variable (and
// Worker binding) that sets it, where it lands in Config, its bounds and its meaning.
struct Setting {
  std::string_view field;        // sg_init's JSON field: "checkout_minutes"
  std::string_view env;          // environment variable and Worker binding
  SettingType type;
  bool secret;                   // never printed; a Worker secret rather than a var
  bool required;
  int64_t min, max;              // Integer only
  std::string Config::*text;     // Text
  int64_t Config::*number;       // Integer
  std::vector<std::string> Config::*list;  // List
  std::string_view description;
};

// Every setting, in the order the documentation lists them.
std::span<const Setting> settings();

// The schema as JSON ({"settings": [{field, env, type, secret, required, min?, max?,
// default, description}]}): what sg_describe(SG_DESCRIBE_CONFIG) answers.
std::string settings_schema_json();

// Whether the Stripe account behind this key takes real money (sk_live_, rk_live_).
bool live_mode_key(std::string_view secret_key);

// When a Checkout Session planned at `now_ms` is to expire (ms since the epoch): the
// one rule for a hold's session and a pack's. Stripe counts its 30-minute least lead
// from when it creates the session, so the session gets `checkout_minutes` and one
// minute more for the gap between planning and the create (kMaxCheckoutMinutes leaves
// room for it), rounded up past a whole second because Stripe's expiry is in seconds.
int64_t session_expiry_ms(const Config& cfg, int64_t now_ms);

// nullopt plus a message when a field is unknown, has the wrong type or an
// out-of-range value, or the fields disagree. The message names the field and its
// rule, never its value (values may be secrets).
std::optional<Config> parse_config(std::string_view json, std::string* error);

}  // namespace slotguard
