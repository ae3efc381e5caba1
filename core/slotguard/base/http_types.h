// The HTTP request a host hands to the core, and the response it gets back.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slotguard/base/json.h"

namespace slotguard {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // without the '?'
  HeaderList headers;
  std::string body;   // raw bytes, as received (webhook signatures need them unchanged)

  // Case-insensitive; the first match.
  const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
};

HttpResponse json_response(int status, std::string json_text);
inline HttpResponse json_response(int status, JsonWriter& body) { return json_response(status, body.take()); }
// {"error": {"code": code, "message": message}}
HttpResponse error_response(int status, std::string_view code, std::string_view message);

bool iequals(std::string_view a, std::string_view b);

}  // namespace slotguard
