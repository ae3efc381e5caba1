#include "slotguard/host/config.h"

#include <array>

#include "slotguard/base/json.h"
#include "slotguard/base/utf8.h"

namespace slotguard {
namespace {

constexpr int64_t kDay = 24 * 60;

constexpr Setting text(std::string_view field, std::string_view env, std::string Config::*m, bool secret,
                       bool required, std::string_view description) {
  return {field, env, SettingType::Text, secret, required, 0, 0, m, nullptr, nullptr, description};
}
constexpr Setting integer(std::string_view field, std::string_view env, int64_t Config::*m, int64_t min,
                          int64_t max, std::string_view description) {
  return {field, env, SettingType::Integer, false, false, min, max, nullptr, m, nullptr, description};
}
constexpr Setting list(std::string_view field, std::string_view env, std::vector<std::string> Config::*m,
                       bool secret, std::string_view description) {
  return {field, env, SettingType::List, secret, false, 0, 0, nullptr, nullptr, m, description};
}

// The one list of settings. A new setting is a member of Config and a line here.
const std::array kSettings = {
    text("admin_token", "SLOTGUARD_ADMIN_TOKEN", &Config::admin_token, true, true,
         "Bearer token for the admin routes (events, availability, busy blocks, listings, maintenance); at least 16 characters."),
    text("stripe_secret_key", "STRIPE_SECRET_KEY", &Config::stripe_secret_key, true, false,
         "Stripe secret or restricted key, bare (sk_ or rk_, test_ or live_, then letters, digits and underscores). A live key "
         "is refused unless stripe_api_base is Stripe's own. A restricted key needs write access to Checkout Sessions, "
         "PaymentIntents (capture and cancel, for bookings an expert approves) and Refunds, and read access to Events (the "
         "sweep lists events whose webhooks never came) and, for Connect payouts, to connected accounts."),
    text("stripe_api_base", "STRIPE_API_BASE", &Config::stripe_api_base, false, false,
         "Base URL of the Stripe API; point it at the emulator for local runs."),
    list("stripe_webhook_secret", "STRIPE_WEBHOOK_SECRET", &Config::webhook_secrets, true,
         "Webhook endpoint secrets (whsec_...), comma-separated: every listed secret verifies, so an endpoint can rotate."),
    integer("webhook_tolerance_seconds", "SLOTGUARD_WEBHOOK_TOLERANCE_SECONDS", &Config::webhook_tolerance_s, 1, 24 * 3600,
            "How far a webhook's signed timestamp may be from the clock before it is refused."),
    integer("checkout_minutes", "SLOTGUARD_CHECKOUT_MINUTES", &Config::checkout_minutes, 30, kMaxCheckoutMinutes,
            "Lifetime of a Checkout Session, and so of the hold that waits for its payment."),
    integer("hold_grace_minutes", "SLOTGUARD_HOLD_GRACE_MINUTES", &Config::hold_grace_minutes, 1, kDay,
            "How long a hold outlives its Checkout Session, so a payment made in the session's last second still finds it."),
    integer("multibanco_default_hold_minutes", "SLOTGUARD_MULTIBANCO_HOLD_MINUTES",
            &Config::multibanco_default_hold_minutes, 30, 30 * kDay,
            "How long a slot stays held for an unpaid voucher when Stripe does not say when the voucher expires."),
    integer("http_timeout_ms", "SLOTGUARD_HTTP_TIMEOUT_MS", &Config::http_timeout_ms, 100, 120000,
            "Timeout of each call to Stripe and of each notification delivery."),
    text("default_success_url", "SLOTGUARD_DEFAULT_SUCCESS_URL", &Config::default_success_url, false, false,
         "Where Checkout sends a guest after paying, when the hold names no success_url: an http(s) URL, or a path "
         "on the origin that answered the hold (the booking page's return route by default). {RESERVATION_ID} is "
         "replaced by the reservation's id."),
    text("default_cancel_url", "SLOTGUARD_DEFAULT_CANCEL_URL", &Config::default_cancel_url, false, false,
         "Where Checkout sends a guest who goes back, when the hold names no cancel_url: an http(s) URL or a path, as "
         "default_success_url."),
    text("notify_url", "SLOTGUARD_NOTIFY_URL", &Config::notify_url, false, false,
         "The app's endpoint for signed notifications of reservation changes; empty turns notifications off."),
    list("notify_secret", "SLOTGUARD_NOTIFY_SECRET", &Config::notify_secrets, true,
         "Secrets that sign notifications, comma-separated, each at least 16 characters: the first signs, all are listed for rotation."),
    integer("notify_retry_hours", "SLOTGUARD_NOTIFY_RETRY_HOURS", &Config::notify_retry_hours, 1, 30 * 24,
            "How long an undelivered notification is retried."),
    integer("max_active_holds_per_guest", "SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST", &Config::max_active_holds_per_guest, 0,
            100, "Unpaid holds one guest e-mail may have with one expert at a time; 0 means no limit."),
    integer("retention_days", "SLOTGUARD_RETENTION_DAYS", &Config::retention_days, 1, 3650,
            "Released and refunded reservations, and lapsed packs, are purged this many days after they ended."),
    integer("calendar_horizon_days", "SLOTGUARD_CALENDAR_HORIZON_DAYS", &Config::calendar_horizon_days, 1, 730,
            "How far ahead, from today's UTC midnight, the events of experts' calendar feeds become busy blocks."),
    list("cors_origins", "SLOTGUARD_CORS_ORIGINS", &Config::cors_origins, false,
         "Origins allowed to call the API from a browser, comma-separated http(s) origins or *; none by default."),
};

// "a,b , c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

const Setting* find_setting(std::string_view field) {
  for (const Setting& s : kSettings)
    if (s.field == field) return &s;
  return nullptr;
}

// Absent or null keeps the default.
bool read_setting(const Setting& s, const JsonValue& v, Config& c, std::string* error) {
  if (v.IsNull()) return true;
  const std::string key(s.field);
  if (s.type == SettingType::Integer) {
    auto n = int_of(v);
    if (!n || *n < s.min || *n > s.max)
      return fail(error, key + " must be an integer in [" + std::to_string(s.min) + ", " + std::to_string(s.max) + "]");
    c.*s.number = *n;
    return true;
  }
  if (!v.IsString()) return fail(error, key + " must be a string");
  if (s.type == SettingType::Text) c.*s.text = string_of(v);
  else c.*s.list = split_list(string_of(v));
  return true;
}

bool http_url(std::string_view url) {
  return (url.rfind("https://", 0) == 0 && url.size() > 8) || (url.rfind("http://", 0) == 0 && url.size() > 7);
}

// sk_ or rk_, test_ or live_, then letters, digits and underscores: the whole value.
// A key with anything around it (a space, quotes, a newline from a pasted secret) is
// refused rather than trimmed, so a live key can never pass the live-key rule below
// in disguise.
bool bare_key(std::string_view key) {
  if (key.size() < 9 || (key.substr(0, 3) != "sk_" && key.substr(0, 3) != "rk_")) return false;
  const std::string_view mode = key.substr(3, 5);
  if (mode != "test_" && mode != "live_") return false;
  for (char ch : key.substr(8))
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  return true;
}

// Rules that involve more than one field, checked after every field parsed.
bool consistent(const Config& c, std::string* error) {
  if (c.admin_token.empty()) return fail(error, "admin_token is not set (a secret of at least 16 characters)");
  if (c.admin_token.size() < 16) return fail(error, "admin_token must be at least 16 characters");
  if (!c.stripe_secret_key.empty() && !bare_key(c.stripe_secret_key))
    return fail(error, "stripe_secret_key must be a bare Stripe key: sk_ or rk_, then test_ or live_, then letters, digits "
                       "and underscores, with nothing around it");
  // A live key must never travel to a stand-in for Stripe (an emulator, a proxy).
  if (live_mode_key(c.stripe_secret_key) && c.stripe_api_base != kStripeApiBase)
    return fail(error, "stripe_secret_key is a live key, so stripe_api_base must be " + std::string(kStripeApiBase) +
                           " (it is " + c.stripe_api_base + ")");
  if (!c.notify_url.empty() && !http_url(c.notify_url))
    return fail(error, "notify_url must be an http:// or https:// URL");
  if (!c.notify_url.empty() && c.notify_secrets.empty())
    return fail(error, "notify_secret is required when notify_url is set");
  for (const auto& secret : c.notify_secrets)
    if (secret.size() < 16) return fail(error, "each notify_secret must be at least 16 characters");
  for (const auto& [name, url] : {std::pair{"default_success_url", &c.default_success_url},
                                  std::pair{"default_cancel_url", &c.default_cancel_url}})
    if (!http_url(*url) && url->rfind('/', 0) != 0)
      return fail(error, std::string(name) + " must be an http:// or https:// URL or a path starting with /");
  for (const auto& origin : c.cors_origins)
    if (origin != "*" && !http_url(origin)) return fail(error, "cors_origins must list http(s) origins or *");
  return true;
}

std::string_view type_name(SettingType t) {
  switch (t) {
    case SettingType::Text: return "string";
    case SettingType::Integer: return "integer";
    case SettingType::List: return "list";
  }
  return "string";
}

void write_default(JsonWriter& w, const Setting& s, const Config& defaults) {
  w.key("default");
  if (s.type == SettingType::Integer) w.value(defaults.*s.number);
  else if (s.type == SettingType::Text) w.value(defaults.*s.text);
  else w.value(std::string());
}

}  // namespace

std::span<const Setting> settings() { return kSettings; }

std::string settings_schema_json() {
  const Config defaults;
  JsonWriter w;
  w.object().key("settings").array();
  for (const Setting& s : kSettings) {
    w.object().field("field", s.field).field("env", s.env).field("type", type_name(s.type));
    w.field("secret", s.secret).field("required", s.required);
    if (s.type == SettingType::Integer) w.field("min", s.min).field("max", s.max);
    write_default(w, s, defaults);
    w.field("description", s.description).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

bool live_mode_key(std::string_view secret_key) {
  return secret_key.rfind("sk_live_", 0) == 0 || secret_key.rfind("rk_live_", 0) == 0;
}

int64_t session_expiry_ms(const Config& cfg, int64_t now_ms) {
  constexpr int64_t minute_ms = 60'000, second_ms = 1000;
  return ((now_ms + (cfg.checkout_minutes + 1) * minute_ms) / second_ms + 1) * second_ms;
}

std::optional<Config> parse_config(std::string_view text, std::string* error) {
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) {
    fail(error, "configuration is not a JSON object");
    return std::nullopt;
  }
  Config c;
  for (auto it = j->MemberBegin(); it != j->MemberEnd(); ++it) {
    const std::string_view field(it->name.GetString(), it->name.GetStringLength());
    const Setting* s = find_setting(field);
    // Refused, not ignored: a misspelt setting would otherwise silently keep its default.
    if (!s) {
      fail(error, "unknown setting " + quoted_name(field, 64) + " (see the configuration schema)");
      return std::nullopt;
    }
    if (!read_setting(*s, it->value, c, error)) return std::nullopt;
  }
  while (!c.stripe_api_base.empty() && c.stripe_api_base.back() == '/') c.stripe_api_base.pop_back();
  if (!consistent(c, error)) return std::nullopt;
  return c;
}

}  // namespace slotguard
