#include "config.h"

#include "json.h"

namespace slotguard {
namespace {

bool read_string(const Json& j, const char* key, std::string& out, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    if (error) *error = std::string(key) + " must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool read_int(const Json& j, const char* key, int64_t lo, int64_t hi, int64_t& out, std::string* error) {
  if (j.find(key) == j.end() || j[key].is_null()) return true;
  auto v = get_int(j, key);
  if (!v || *v < lo || *v > hi) {
    if (error) *error = std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return false;
  }
  out = *v;
  return true;
}

}  // namespace

std::optional<Config> parse_config(std::string_view text, std::string* error) {
  auto j = parse_json(text, 4);
  if (!j || !j->is_object()) {
    if (error) *error = "configuration is not a JSON object";
    return std::nullopt;
  }
  Config c;
  std::string secrets;
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
            read_int(*j, "http_timeout_ms", 100, 120000, c.http_timeout_ms, error);
  if (!ok) return std::nullopt;
  while (!c.stripe_api_base.empty() && c.stripe_api_base.back() == '/') c.stripe_api_base.pop_back();
  // "whsec_a,whsec_b": every listed secret verifies, so endpoints can rotate.
  size_t pos = 0;
  while (pos <= secrets.size() && !secrets.empty()) {
    size_t comma = secrets.find(',', pos);
    std::string s = secrets.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (!s.empty()) c.webhook_secrets.push_back(s);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (c.admin_token.size() < 16) {
    if (error) *error = "admin_token must be at least 16 characters";
    return std::nullopt;
  }
  return c;
}

}  // namespace slotguard
