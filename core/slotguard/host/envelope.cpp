#include "slotguard/host/envelope.h"

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

// `headers` is nullptr when absent.
bool read_headers(const JsonValue* headers, HeaderList& out) {
  if (!headers) return true;
  if (!headers->IsArray()) return false;
  for (const auto& h : headers->GetArray()) {
    if (!h.IsArray() || h.Size() != 2) return false;
    const JsonValue* pair = h.Begin();
    if (!pair[0].IsString() || !pair[1].IsString()) return false;
    out.emplace_back(string_of(pair[0]), string_of(pair[1]));
  }
  return true;
}

void write_headers(JsonWriter& w, const HeaderList& headers) {
  w.key("headers").array();
  for (const auto& [k, v] : headers) w.array().value(k).value(v).end_array();
  w.end_array();
}

}  // namespace

std::optional<HttpRequest> decode_request_envelope(std::string_view bytes) {
  std::string_view head_text, body;
  if (!split(bytes, head_text, body)) return std::nullopt;
  auto head = parse_json(head_text, 4);
  if (!head || !head->IsObject()) return std::nullopt;
  // A repeated key counts with its last value.
  const JsonValue *method = nullptr, *path = nullptr, *query = nullptr, *headers = nullptr;
  for (auto it = head->MemberBegin(); it != head->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "method") method = &it->value;
    else if (k == "path") path = &it->value;
    else if (k == "query") query = &it->value;
    else if (k == "headers") headers = &it->value;
  }
  if (!method || !method->IsString() || !path || !path->IsString()) return std::nullopt;
  HttpRequest req;
  req.method = string_of(*method);
  req.path = string_of(*path);
  if (query && query->IsString()) req.query = string_of(*query);
  if (!read_headers(headers, req.headers)) return std::nullopt;
  req.body.assign(body.data(), body.size());
  return req;
}

std::string encode_request_envelope(const HttpRequest& req) {
  JsonWriter head;
  head.object().field("method", req.method).field("path", req.path).field("query", req.query);
  write_headers(head, req.headers);
  return join(head.end_object().take(), req.body);
}

std::optional<HttpResponse> decode_response_envelope(std::string_view bytes) {
  std::string_view head_text, body;
  if (!split(bytes, head_text, body)) return std::nullopt;
  auto head = parse_json(head_text, 4);
  if (!head || !head->IsObject()) return std::nullopt;
  std::optional<int64_t> status;
  const JsonValue* headers = nullptr;
  for (auto it = head->MemberBegin(); it != head->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "status") status = int_of(it->value);
    else if (k == "headers") headers = &it->value;
  }
  if (!status) return std::nullopt;
  HttpResponse res;
  res.status = static_cast<int>(*status);
  if (!read_headers(headers, res.headers)) return std::nullopt;
  res.body.assign(body.data(), body.size());
  return res;
}

std::string encode_response_envelope(const HttpResponse& res) {
  JsonWriter head;
  head.object().field("status", res.status);
  write_headers(head, res.headers);
  return join(head.end_object().take(), res.body);
}

}  // namespace slotguard
