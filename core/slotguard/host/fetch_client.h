// The core's side of the HTTP fetch port. Used only for the Stripe API.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "slotguard/base/http_types.h"
#include "slotguard/base/task.h"

namespace slotguard {

struct FetchRequest {
  std::string method;
  std::string url;
  HeaderList headers;
  std::string body;
  int64_t timeout_ms = 10000;
};

struct FetchResponse {
  bool transport_ok = false;  // false: no HTTP answer (refused, timed out, host error)
  int status = 0;
  std::string body;
};

Co<FetchResponse> fetch(TaskContext& ctx, FetchRequest req);

// Wire encoding (wasm/ABI.md), shared with native hosts.
std::string encode_fetch_request(const FetchRequest& req);
std::optional<FetchRequest> decode_fetch_request(std::string_view payload);
std::string encode_fetch_reply(int status, std::string_view body);

}  // namespace slotguard
