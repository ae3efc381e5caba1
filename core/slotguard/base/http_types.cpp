#include "slotguard/base/http_types.h"

namespace slotguard {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

HttpResponse json_response(int status, std::string json_text) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = std::move(json_text);
  return r;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  JsonWriter body;
  body.object().key("error").object().field("code", code).field("message", message).end_object().end_object();
  return json_response(status, body);
}

}  // namespace slotguard
