#include "slotguard/api/checkout_return.h"

namespace slotguard {
namespace {

// The first value of a header a proxy may have repeated ("a, b"), without spaces.
std::string first_value(const std::string& v) {
  std::string out = v.substr(0, v.find(','));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

// A host[:port] as Host carries it: letters, digits, '.', '-', ':' and the brackets of
// an IPv6 literal. Anything else could smuggle a path or a userinfo into the URL.
bool plausible_host(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char ch : h)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
          ch == ':' || ch == '[' || ch == ']'))
      return false;
  return true;
}

bool loopback(std::string_view host) {
  const std::string_view name = host.front() == '[' ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
  return name == "localhost" || name == "[::1]" || name.rfind("127.", 0) == 0 || name.ends_with(".localhost");
}

}  // namespace

std::string request_origin(const HttpRequest& req) {
  const std::string* forwarded = req.header("x-forwarded-host");
  const std::string* plain = req.header("host");
  std::string host = forwarded ? first_value(*forwarded) : plain ? first_value(*plain) : "";
  if (!plausible_host(host)) return "http://localhost";
  std::string scheme = loopback(host) ? "http" : "https";
  if (const std::string* proto = req.header("x-forwarded-proto")) {
    const std::string p = first_value(*proto);
    if (p == "http" || p == "https") scheme = p;
  }
  return scheme + "://" + host;
}

std::string checkout_return_url(std::string_view setting, std::string_view origin, std::string_view reservation_id) {
  static constexpr std::string_view kPlaceholder = "{RESERVATION_ID}";
  std::string out;
  if (setting.rfind('/', 0) == 0) out = origin;
  for (size_t at = 0;;) {
    const size_t found = setting.find(kPlaceholder, at);
    out += setting.substr(at, found - at);
    if (found == std::string_view::npos) break;
    out += reservation_id;
    at = found + kPlaceholder.size();
  }
  return out;
}

}  // namespace slotguard
