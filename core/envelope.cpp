#include "envelope.h"

#include <cstdint>

namespace slotguard {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool split(std::string_view bytes, std::string_view& head, std::string_view& body) {
  if (bytes.size() < 4) return false;
  uint32_t n = static_cast<uint8_t>(bytes[0]) | (static_cast<uint8_t>(bytes[1]) << 8) |
               (static_cast<uint8_t>(bytes[2]) << 16) | (static_cast<uint32_t>(static_cast<uint8_t>(bytes[3])) << 24);
  if (n > kMaxHead || n > bytes.size() - 4) return false;
  head = bytes.substr(4, n);
  body = bytes.substr(4 + n);
  return true;
}

std::string join(const std::string& head, std::string_view body) {
  std::string out;
  out.reserve(4 + head.size() + body.size());
  uint32_t n = static_cast<uint32_t>(head.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += head;
  out.append(body.data(), body.size());
  return out;
}

bool read_headers(const Json& head, HeaderList& out) {
  auto it = head.find("headers");
  if (it == head.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& h : *it) {
    if (!h.is_array() || h.size() != 2 || !h[0].is_string() || !h[1].is_string()) return false;
    out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  }
  return true;
}

Json write_headers(const HeaderList& headers) {
  Json arr = Json::array();
  for (const auto& [k, v] : headers) arr.push_back(Json::array({k, v}));
  return arr;
}

}  // namespace

std::optional<HttpRequest> decode_request_envelope(std::string_view bytes) {
  std::string_view head_text, body;
  if (!split(bytes, head_text, body)) return std::nullopt;
  auto head = parse_json(head_text, 4);
  if (!head || !head->is_object()) return std::nullopt;
  HttpRequest req;
  const std::string* method = get_string(*head, "method");
  const std::string* path = get_string(*head, "path");
  if (!method || !path) return std::nullopt;
  req.method = *method;
  req.path = *path;
  if (const std::string* q = get_string(*head, "query")) req.query = *q;
  if (!read_headers(*head, req.headers)) return std::nullopt;
  req.body.assign(body.data(), body.size());
  return req;
}

std::string encode_request_envelope(const HttpRequest& req) {
  Json head = {{"method", req.method}, {"path", req.path}, {"query", req.query},
               {"headers", write_headers(req.headers)}};
  return join(dump_json(head), req.body);
}

std::optional<HttpResponse> decode_response_envelope(std::string_view bytes) {
  std::string_view head_text, body;
  if (!split(bytes, head_text, body)) return std::nullopt;
  auto head = parse_json(head_text, 4);
  if (!head || !head->is_object()) return std::nullopt;
  auto status = get_int(*head, "status");
  if (!status) return std::nullopt;
  HttpResponse res;
  res.status = static_cast<int>(*status);
  if (!read_headers(*head, res.headers)) return std::nullopt;
  res.body.assign(body.data(), body.size());
  return res;
}

std::string encode_response_envelope(const HttpResponse& res) {
  Json head = {{"status", res.status}, {"headers", write_headers(res.headers)}};
  return join(dump_json(head), res.body);
}

}  // namespace slotguard
