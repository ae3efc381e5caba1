#include "slotguard/host/config.h"

#include "slotguard/base/json.h"

namespace slotguard {
namespace {

// Absent or null keeps the default.
bool read_string(const JsonValue& j, const char* key, std::string& out, std::string* error) {
  const JsonValue* v = get_member(j, key);
  if (!v || v->IsNull()) return true;
  if (!v->IsString()) {
    if (error) *error = std::string(key) + " must be a string";
    return false;
  }
  out = string_of(*v);
  return true;
}

bool read_int(const JsonValue& j, const char* key, int64_t lo, int64_t hi, int64_t& out, std::string* error) {
  const JsonValue* v = get_member(j, key);
  if (!v || v->IsNull()) return true;
  auto n = int_of(*v);
  if (!n || *n < lo || *n > hi) {
    if (error) *error = std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return false;
  }
  out = *n;
  return true;
}

// "a,b , c" -> {"a", "b", "c"}: lists travel as one comma-separated string so that the
// same value works as an environment variable, a Worker binding and a JSON field.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    std::string_view part = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

bool http_url(std::string_view url) {
  return (url.rfind("https://", 0) == 0 && url.size() > 8) || (url.rfind("http://", 0) == 0 && url.size() > 7);
}

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// Rules that involve more than one field, checked after every field parsed.
bool consistent(const Config& c, std::string* error) {
  if (c.admin_token.size() < 16) return fail(error, "admin_token must be at least 16 characters");
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
  for (const auto& origin : c.cors_origins)
    if (origin != "*" && !http_url(origin)) return fail(error, "cors_origins must list http(s) origins or *");
  return true;
}

}  // namespace

bool live_mode_key(std::string_view secret_key) {
  return secret_key.rfind("sk_live_", 0) == 0 || secret_key.rfind("rk_live_", 0) == 0;
}

std::optional<Config> parse_config(std::string_view text, std::string* error) {
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) {
    if (error) *error = "configuration is not a JSON object";
    return std::nullopt;
  }
  Config c;
  std::string secrets, notify_secrets, cors_origins;
  bool ok = read_string(*j, "admin_token", c.admin_token, error) &&
            read_string(*j, "stripe_secret_key", c.stripe_secret_key, error) &&
            read_string(*j, "stripe_api_base", c.stripe_api_base, error) &&
            read_string(*j, "stripe_webhook_secret", secrets, error) &&
            read_string(*j, "default_success_url", c.default_success_url, error) &&
            read_string(*j, "default_cancel_url", c.default_cancel_url, error) &&
            read_int(*j, "checkout_minutes", 30, kMaxCheckoutMinutes, c.checkout_minutes, error) &&
            read_int(*j, "hold_grace_minutes", 1, 24 * 60, c.hold_grace_minutes, error) &&
            read_int(*j, "multibanco_default_hold_minutes", 30, 30 * 24 * 60, c.multibanco_default_hold_minutes, error) &&
            read_int(*j, "webhook_tolerance_seconds", 1, 24 * 3600, c.webhook_tolerance_s, error) &&
            read_int(*j, "http_timeout_ms", 100, 120000, c.http_timeout_ms, error) &&
            read_string(*j, "notify_url", c.notify_url, error) &&
            read_string(*j, "notify_secret", notify_secrets, error) &&
            read_int(*j, "notify_retry_hours", 1, 30 * 24, c.notify_retry_hours, error) &&
            read_int(*j, "max_active_holds_per_guest", 0, 100, c.max_active_holds_per_guest, error) &&
            read_int(*j, "retention_days", 1, 3650, c.retention_days, error) &&
            read_string(*j, "cors_origins", cors_origins, error);
  if (!ok) return std::nullopt;
  while (!c.stripe_api_base.empty() && c.stripe_api_base.back() == '/') c.stripe_api_base.pop_back();
  // "whsec_a,whsec_b": every listed secret verifies, so endpoints can rotate.
  c.webhook_secrets = split_list(secrets);
  c.notify_secrets = split_list(notify_secrets);
  c.cors_origins = split_list(cors_origins);
  if (!consistent(c, error)) return std::nullopt;
  return c;
}

}  // namespace slotguard
