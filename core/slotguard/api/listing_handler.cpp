// GET /v1/events?expert_id= and GET /v1/reservations?expert_id=&from=&to=...: what an
// app lists to build its pages and to reconcile its records with slotguard's. Both
// read one expert's index range (keys::expert_event, keys::expert_reservation) and
// then the records it names in one read: never a scan of the store.
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard::api {

namespace {

constexpr size_t kMaxEventsListed = 200;
constexpr int64_t kMaxListRangeDays = 92;
constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 100;
// With a status filter a page of the index may hold few matches; read a few pages
// before answering with what was found and a cursor.
constexpr int kMaxIndexPages = 4;

struct ListQuery {
  std::string expert_id;
  int64_t from = 0, to = 0;
  std::optional<ReservationStatus> status;
  int64_t limit = kDefaultLimit;
  std::string after;  // the index key the previous page ended on
};

constexpr char kHex[] = "0123456789abcdef";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The cursor is the last index key, hex-encoded: opaque to clients, and checked on the
// way back in, so a cursor can only move forward inside the range it was made for.
std::string encode_cursor(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() % 2 || text.size() > 400) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::optional<int64_t> parse_limit(std::string_view v) {
  if (v.empty() || v.size() > 3) return std::nullopt;
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > kMaxLimit) return std::nullopt;
  return n;
}

std::optional<HttpResponse> read_list_query(const HttpRequest& req, ListQuery& q) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) return error_response(ErrorCode::invalid_query, "the query string is malformed");
  std::string cursor;
  for (const auto& [k, v] : params) {
    if (k == "expert_id") q.expert_id = v;
    else if (k == "cursor") cursor = v;
    else if (k == "status") {
      q.status = parse_status(v);
      if (!q.status) return validation_failed("status must be pending_payment, confirmed, released or refunded");
    } else if (k == "limit") {
      auto n = parse_limit(v);
      if (!n) return validation_failed("limit must be an integer from 1 to 100");
      q.limit = *n;
    }
  }
  if (!valid_client_id(q.expert_id)) return validation_failed("expert_id is required");
  TimeRange range;
  if (auto bad = read_time_range(params, kMaxListRangeDays, range)) return bad;
  q.from = range.from;
  q.to = range.to;
  if (!cursor.empty()) {
    auto key = decode_cursor(cursor);
    const std::string lo = keys::expert_reservation(q.expert_id, q.from, "");
    const std::string hi = keys::expert_reservation(q.expert_id, q.to, "");
    if (!key || *key < lo || *key >= hi) return validation_failed("cursor does not belong to this listing");
    q.after = *key;
  }
  return std::nullopt;
}

}  // namespace

Co<HttpResponse> list_events(ApiServices& s, const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) co_return error_response(ErrorCode::invalid_query, "the query string is malformed");
  std::string expert_id;
  for (const auto& [k, v] : params)
    if (k == "expert_id") expert_id = v;
  if (!valid_client_id(expert_id)) co_return validation_failed("expert_id is required");
  const std::string prefix = keys::expert_events_prefix(expert_id);
  ListResult index = co_await s.store.list(prefix, keys::prefix_end(prefix), kMaxEventsListed);
  if (index.status != StoreStatus::Ok) co_return store_unavailable();
  std::vector<std::string> wanted;
  for (const auto& item : index.page.items) wanted.push_back(keys::event(item.value));
  ReadResult records;
  if (!wanted.empty()) {
    records = co_await s.store.read(std::move(wanted));
    if (records.status != StoreStatus::Ok) co_return store_unavailable();
  }
  JsonWriter body;
  body.object().key("events").array();
  for (const auto& item : records.items) {
    if (!item.present()) continue;  // removed since it was indexed
    auto event = event_from_storage(item.value);
    if (!event) co_return store_unavailable();
    if (event->expert_id == expert_id) write_event(body, *event);
  }
  co_return json_response(200, body.end_array().end_object());
}

Co<HttpResponse> list_reservations(ApiServices& s, const HttpRequest& req) {
  ListQuery q;
  if (auto bad = read_list_query(req, q)) co_return *bad;
  const std::string lo = keys::expert_reservation(q.expert_id, q.from, "");
  const std::string hi = keys::expert_reservation(q.expert_id, q.to, "");

  JsonWriter body;
  body.object().key("reservations").array();
  int64_t listed = 0;
  std::string after = q.after;
  bool more = true;
  for (int page = 0; page < kMaxIndexPages && more && listed < q.limit; ++page) {
    const size_t want = static_cast<size_t>(q.limit - listed);
    ListResult index = co_await s.store.list(lo, hi, want, after);
    if (index.status != StoreStatus::Ok) co_return store_unavailable();
    more = index.page.more && !index.page.items.empty();
    if (index.page.items.empty()) break;
    after = index.page.items.back().key;
    std::vector<std::string> wanted;
    for (const auto& item : index.page.items) wanted.push_back(keys::reservation(item.value));
    ReadResult records = co_await s.store.read(std::move(wanted));
    if (records.status != StoreStatus::Ok) co_return store_unavailable();
    for (const auto& item : records.items) {
      if (!item.present()) continue;  // purged since it was indexed
      auto r = reservation_from_storage(item.value);
      if (!r) co_return store_unavailable();
      if (q.status && r->status != *q.status) continue;
      write_reservation_view(body, *r);
      ++listed;
    }
  }
  body.end_array().key("next_cursor");
  if (more) body.value(encode_cursor(after));
  else body.value(nullptr);
  co_return json_response(200, body.end_object());
}

}  // namespace slotguard::api
