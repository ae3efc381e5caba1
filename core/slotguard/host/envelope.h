// The byte layout of requests and responses crossing the host boundary:
//
//   u32 little-endian head length | head (JSON text) | body (raw bytes, to the end)
//
// Request head:  {"method": "POST", "path": "/v1/x", "query": "a=1",
//                 "headers": [["name", "value"], ...]}
// Response head: {"status": 201, "headers": [["name", "value"], ...]}
// The body stays raw so binary-unsafe input (and webhook signatures over exact bytes)
// survive the trip.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "slotguard/base/http_types.h"

namespace slotguard {

std::optional<HttpRequest> decode_request_envelope(std::string_view bytes);
std::string encode_request_envelope(const HttpRequest& req);
std::optional<HttpResponse> decode_response_envelope(std::string_view bytes);
std::string encode_response_envelope(const HttpResponse& res);

}  // namespace slotguard
