#include "fetch_client.h"

namespace slotguard {

std::string encode_fetch_request(const FetchRequest& req) {
  Json headers = Json::array();
  for (const auto& [k, v] : req.headers) headers.push_back(Json::array({k, v}));
  return dump_json(Json{{"method", req.method}, {"url", req.url}, {"headers", headers},
                        {"body", req.body}, {"timeout_ms", req.timeout_ms}});
}

std::optional<FetchRequest> decode_fetch_request(std::string_view payload) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const std::string *m = get_string(*j, "method"), *u = get_string(*j, "url"), *b = get_string(*j, "body");
  const Json* h = get_array(*j, "headers");
  if (!m || !u || !b || !h) return std::nullopt;
  FetchRequest r{*m, *u, {}, *b, get_int(*j, "timeout_ms").value_or(10000)};
  for (const auto& pair : *h) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) return std::nullopt;
    r.headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return r;
}

std::string encode_fetch_reply(int status, std::string_view body) {
  return dump_json(Json{{"status", status}, {"body", body}});
}

Co<FetchResponse> fetch(TaskContext& ctx, FetchRequest req) {
  HostReply reply = co_await ctx.call(HostOp::HttpFetch, encode_fetch_request(req));
  FetchResponse out;
  if (reply.status != 0) co_return out;
  auto j = parse_json(reply.payload, 4);
  if (!j) co_return out;
  auto status = get_int(*j, "status");
  const std::string* body = get_string(*j, "body");
  if (!status || !body || *status < 100 || *status > 599) co_return out;
  out.transport_ok = true;
  out.status = static_cast<int>(*status);
  out.body = *body;
  co_return out;
}

}  // namespace slotguard
