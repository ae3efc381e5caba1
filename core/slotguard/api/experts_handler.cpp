// /v1/experts/{expert_id}/...: what the app tells slotguard about an expert's time.
//   PUT|GET|DELETE .../availability   working hours in the expert's time zone
//   PUT|DELETE .../busy/{block_id}     an event in the expert's other calendars
//   GET .../busy?from=&to=             the busy blocks starting in a range
// A busy block is an entry of the slot ledger (slot_ledger.h) that never expires, so a
// block and a hold racing for the same time are decided by the same bucket checks as
// two holds: they never both stand. A block that overlaps existing reservations is
// stored anyway (the outside event happened) and the answer names them.
#include <algorithm>
#include <variant>

#include "slotguard/api/busy_blocks.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/ledger/store_txn.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/payments/stripe/form_encoding.h"

namespace slotguard::api {

namespace {

constexpr size_t kMaxBusyListed = 500;

// {"availability": <the stored document>}
HttpResponse availability_body(int status, std::string_view document) {
  JsonWriter body;
  return json_response(status, body.object().key("availability").raw(document).end_object());
}

HttpResponse availability_body(int status, const Availability& a) {
  JsonWriter document;
  write_availability(document, a);
  return availability_body(status, document.take());
}

// The block a PUT asks for, or nothing and the answer refusing it.
std::optional<BusyBlock> read_busy_request(const HttpRequest& req, const std::string& block_id, HttpResponse& error) {
  auto body = parse_object_body(req, error);
  if (!body) return std::nullopt;
  if (auto unknown = unknown_field(*body, {"start", "end"})) return error = validation_failed(*unknown), std::nullopt;
  auto start = get_string(*body, "start"), end = get_string(*body, "end");
  auto s_ms = start ? parse_rfc3339(*start) : std::nullopt, e_ms = end ? parse_rfc3339(*end) : std::nullopt;
  if (!s_ms || !e_ms) return error = validation_failed("start and end are required RFC 3339 timestamps"), std::nullopt;
  const BusyBlock wanted{block_id, *s_ms, *e_ms};
  if (wanted.end <= wanted.start) return error = validation_failed("end must be after start"), std::nullopt;
  if (wanted.end - wanted.start > kMaxBusyMs)
    return error = validation_failed("a busy block may span at most 24 hours; use availability overrides for longer absences"),
           std::nullopt;
  return wanted;
}

}  // namespace

Co<HttpResponse> put_availability(ApiServices& s, const HttpRequest& req, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return validation_failed("expert id must match [A-Za-z0-9_-]{1,64}");
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  std::string message;
  auto doc = availability_from_request(*body, &message);
  if (!doc) co_return validation_failed(message);
  // Stored as GET answers it.
  JsonWriter shape;
  write_availability(shape, *doc);
  const std::string stored = shape.take();
  const std::string key = keys::availability(expert_id);
  bool existed = false;
  DecideWrites replace = [&](const ReadResult& snap) -> std::optional<std::vector<KvMutation>> {
    existed = snap.items[0].present();
    return std::vector<KvMutation>{{KvMutation::Op::Set, key, stored}};
  };
  std::vector<std::string> read_keys{key};
  const StoreTxnEnd end = co_await run_store_txn(s, std::move(read_keys), replace);
  if (end == StoreTxnEnd::Busy) co_return contention();
  if (end != StoreTxnEnd::Committed) co_return store_unavailable();
  s.log(LogLevel::Info, "availability_set", {{"expert_id", expert_id}});
  co_return availability_body(existed ? 200 : 201, stored);
}

Co<HttpResponse> get_availability(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::availability_not_found);
  MaybeAvailability hours = co_await load_availability(s, expert_id);
  if (!hours.ok) co_return store_unavailable();
  if (!hours.document) co_return not_found(ErrorCode::availability_not_found);
  co_return availability_body(200, *hours.document);
}

Co<HttpResponse> delete_availability(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::availability_not_found);
  const std::string key = keys::availability(expert_id);
  std::vector<KvMutation> writes{{KvMutation::Op::Delete, key, {}}};
  if (co_await s.store.commit({}, std::move(writes)) != StoreStatus::Ok) co_return store_unavailable();
  JsonWriter body;
  co_return json_response(200, body.object().field("deleted", true).end_object());
}

// PUT creates (201) or replaces (200) a block and names the reservations it overlaps.
Co<HttpResponse> put_busy(ApiServices& s, const HttpRequest& req, std::string expert_id, std::string block_id) {
  if (!valid_client_id(expert_id) || !valid_client_id(block_id))
    co_return validation_failed("expert and block ids must match [A-Za-z0-9_-]{1,64}");
  HttpResponse error;
  const std::optional<BusyBlock> wanted = read_busy_request(req, block_id, error);
  if (!wanted) co_return error;
  const KvCheck no_guard;
  BusyResult result = co_await commit_busy(s, busy_keys(expert_id, block_id), *wanted, false, no_guard);
  if (HttpResponse* failed = std::get_if<HttpResponse>(&result)) co_return std::move(*failed);
  const BusyWritten& done = std::get<BusyWritten>(result);
  s.log(LogLevel::Info, "busy_set", {{"expert_id", expert_id}, {"block_id", block_id}});
  JsonWriter body;
  body.object().key("busy");
  write_busy_block(body, *wanted);
  body.key("overlapping_reservations").array();
  for (const auto& rid : done.overlapping) body.value(rid);
  body.end_array();
  co_return json_response(done.old ? 200 : 201, body.end_object());
}

// DELETE takes a block out and answers with the block as it was.
Co<HttpResponse> delete_busy(ApiServices& s, std::string expert_id, std::string block_id) {
  if (!valid_client_id(expert_id) || !valid_client_id(block_id)) co_return not_found(ErrorCode::busy_block_not_found);
  const BusyBlock none{block_id, 0, 0};  // (g++ 12: no braced list inside co_await)
  const KvCheck no_guard;
  BusyResult result = co_await commit_busy(s, busy_keys(expert_id, block_id), none, true, no_guard);
  if (HttpResponse* failed = std::get_if<HttpResponse>(&result)) co_return std::move(*failed);
  const BusyWritten& done = std::get<BusyWritten>(result);
  s.log(LogLevel::Info, "busy_removed", {{"expert_id", expert_id}, {"block_id", block_id}});
  JsonWriter body;
  body.object().key("busy");
  write_busy_block(body, *done.old);
  co_return json_response(200, body.end_object());
}

Co<HttpResponse> list_busy(ApiServices& s, const HttpRequest& req, std::string expert_id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) co_return error_response(ErrorCode::invalid_query, "the query string is malformed");
  if (!valid_client_id(expert_id)) co_return validation_failed("expert id must match [A-Za-z0-9_-]{1,64}");
  TimeRange range;
  if (auto bad = read_time_range(params, 92, range)) co_return *bad;
  const int64_t from = range.from, to = range.to;
  // Blocks are indexed by start and last at most a day: one started a day before
  // `from` may still reach into the range.
  ListResult index = co_await s.store.list(keys::busy_index(expert_id, from - kMaxBusyMs, ""),
                                           keys::busy_index(expert_id, to, ""), kMaxBusyListed);
  if (index.status != StoreStatus::Ok) co_return store_unavailable();
  std::vector<std::string> wanted;
  for (const auto& item : index.page.items) wanted.push_back(keys::busy_block(expert_id, item.value));
  ReadResult records;
  if (!wanted.empty()) {
    records = co_await s.store.read(wanted);
    if (records.status != StoreStatus::Ok) co_return store_unavailable();
  }
  JsonWriter body;
  body.object().key("busy").array();
  for (size_t i = 0; i < records.items.size(); ++i) {
    if (!records.items[i].present()) continue;
    auto b = busy_from_storage(records.items[i].value, index.page.items[i].value);
    if (!b) co_return store_unavailable();
    if (b->end > from && b->start < to) write_busy_block(body, *b);
  }
  co_return json_response(200, body.end_array().field("more", index.page.more).end_object());
}

}  // namespace slotguard::api
