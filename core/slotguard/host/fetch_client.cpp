#include "slotguard/host/fetch_client.h"

#include <cstdint>

#include "slotguard/host/store_client.h"

namespace slotguard {

// The wire of http_fetch (ABI 2, wasm/ABI.md): request = method, url, header count,
// (name, value) pairs, body, u32 timeout_ms; answer = u32 status, body.
std::string encode_fetch_request(const FetchRequest& req) {
  wire::Writer w;
  size_t n = 24 + req.method.size() + req.url.size() + req.body.size();
  for (const auto& [k, v] : req.headers) n += 8 + k.size() + v.size();
  w.out.reserve(n);
  w.str(req.method);
  w.str(req.url);
  w.u32(static_cast<uint32_t>(req.headers.size()));
  for (const auto& [k, v] : req.headers) {
    w.str(k);
    w.str(v);
  }
  w.str(req.body);
  w.u32(static_cast<uint32_t>(req.timeout_ms < 0 ? 0 : req.timeout_ms > INT32_MAX ? INT32_MAX : req.timeout_ms));
  return std::move(w.out);
}

std::optional<FetchRequest> decode_fetch_request(std::string_view payload) {
  wire::Reader r{payload};
  std::string_view m, u, b;
  uint32_t nh = 0, timeout = 0;
  if (!r.str(m) || !r.str(u) || !r.count(nh, 8)) return std::nullopt;
  FetchRequest out{std::string(m), std::string(u), {}, {}, 10000};
  out.headers.reserve(nh);
  for (uint32_t i = 0; i < nh; ++i) {
    std::string_view k, v;
    if (!r.str(k) || !r.str(v)) return std::nullopt;
    out.headers.emplace_back(std::string(k), std::string(v));
  }
  // The core never asks for more than INT32_MAX ms (encode clamps): more is not its.
  if (!r.str(b) || !r.u32(timeout) || !r.done() || timeout > INT32_MAX) return std::nullopt;
  out.body.assign(b.data(), b.size());
  out.timeout_ms = timeout;
  return out;
}

std::string encode_fetch_reply(int status, std::string_view body) {
  wire::Writer w;
  w.out.reserve(8 + body.size());
  w.u32(static_cast<uint32_t>(status));
  w.str(body);
  return std::move(w.out);
}

Co<FetchResponse> fetch(TaskContext& ctx, FetchRequest req) {
  HostReply reply = co_await ctx.call(HostOp::HttpFetch, encode_fetch_request(req));
  FetchResponse out;
  if (reply.status != 0) co_return out;
  wire::Reader r{reply.payload};
  uint32_t status = 0;
  std::string_view body;
  if (!r.u32(status) || !r.str(body) || !r.done() || status < 100 || status > 599) co_return out;
  out.transport_ok = true;
  out.status = static_cast<int>(status);
  out.body.assign(body.data(), body.size());
  co_return out;
}

}  // namespace slotguard
