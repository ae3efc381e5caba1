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

#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"
#include "slotguard/payments/stripe/form_encoding.h"

namespace slotguard::api {

namespace {

constexpr int kMaxAttempts = 8;
// Longer absences are availability overrides; a block this long touches 96 buckets.
constexpr int64_t kMaxBusyMs = kDayMs;
constexpr size_t kMaxBusyListed = 500;

struct BusyBlock {
  std::string id;
  int64_t start = 0, end = 0;
};

void write_busy_block(JsonWriter& w, const BusyBlock& b) {
  w.object().field("id", b.id).field("start", format_rfc3339(b.start)).field("end", format_rfc3339(b.end)).end_object();
}

std::optional<BusyBlock> busy_from_storage(std::string_view text, std::string id) {
  auto j = parse_json(text, 4);
  if (!j) return std::nullopt;
  auto s = get_int(*j, "start"), e = get_int(*j, "end");
  if (!s || !e || *s >= *e) return std::nullopt;
  return BusyBlock{std::move(id), *s, *e};
}

std::string busy_to_storage(const BusyBlock& b) {
  JsonWriter w;
  return w.object().field("start", b.start).field("end", b.end).end_object().take();
}

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

// A busy block's keys: its record and its entry in the ledger.
struct BusyKeys {
  std::string expert_id, block_id;
  std::string record, self;
};

BusyKeys busy_keys(std::string expert_id, std::string block_id) {
  BusyKeys k;
  k.record = keys::busy_block(expert_id, block_id);
  k.self = busy_entry_id(block_id);
  k.expert_id = std::move(expert_id);
  k.block_id = std::move(block_id);
  return k;
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

// The buckets of the block's old span, its new one, or both.
std::vector<std::string> busy_buckets(const std::string& expert_id, const std::optional<BusyBlock>& old,
                                      const std::optional<BusyBlock>& wanted) {
  if (old && wanted) return bucket_keys_of_both(expert_id, {old->start, old->end}, {wanted->start, wanted->end});
  if (old) return bucket_keys(expert_id, {old->start, old->end});
  return bucket_keys(expert_id, {wanted->start, wanted->end});
}

// The ledger entry and the record with its index: set to `wanted`, or (absent) removed.
// False when the ledger's buckets cannot be planned.
bool plan_busy_writes(const BusyKeys& k, const std::optional<BusyBlock>& old, const std::optional<BusyBlock>& wanted,
                      const std::vector<KvItem>& buckets, int64_t now, std::vector<KvCheck>& checks,
                      std::vector<KvMutation>& writes) {
  std::optional<LedgerEntry> entry;
  if (wanted) entry = LedgerEntry{k.self, wanted->start, wanted->end, 0};
  if (!plan_ledger_update(buckets, k.self, entry, now, checks, writes, LedgerWrite::MayOverlap)) return false;
  if (old) writes.push_back({KvMutation::Op::Delete, keys::busy_index(k.expert_id, old->start, k.block_id), {}});
  if (!wanted) {
    writes.push_back({KvMutation::Op::Delete, k.record, {}});
    return true;
  }
  writes.push_back({KvMutation::Op::Set, k.record, busy_to_storage(*wanted)});
  writes.push_back({KvMutation::Op::Set, keys::busy_index(k.expert_id, wanted->start, k.block_id), k.block_id});
  return true;
}

// Reservations the block overlaps: it is stored anyway; the app decides what to do.
// Nothing when a bucket cannot be read.
std::optional<std::vector<std::string>> overlapping_reservations(const std::vector<KvItem>& buckets, const BusyKeys& k,
                                                                 const BusyBlock& wanted, int64_t now) {
  auto entries = decode_buckets(buckets);
  if (!entries) return std::nullopt;
  std::vector<std::string> overlapping;
  for (const auto& e : *entries) {
    if (e.rid == k.self || e.rid.rfind("busy:", 0) == 0 || !e.active_at(now)) continue;
    if (!overlaps({e.start, e.end}, {wanted.start, wanted.end})) continue;
    if (std::find(overlapping.begin(), overlapping.end(), e.rid) != overlapping.end()) continue;
    overlapping.push_back(e.rid);
  }
  return overlapping;
}

// What a committed busy write changed: the block as it was (if it was), and the
// reservations a new block overlaps.
struct BusyWritten {
  std::optional<BusyBlock> old;
  std::vector<std::string> overlapping;
};
// Committed, or the answer saying why not (404, 503).
using BusyResult = std::variant<BusyWritten, HttpResponse>;

// One transaction over the block's record and the ledger buckets of its old and new
// spans: a PUT replaces the block with `wanted`, a DELETE (`removing`) takes it out.
// (A flag, not an optional `wanted`: g++ 12 mis-copies optional coroutine arguments.)
Co<BusyResult> commit_busy(ApiServices& s, BusyKeys k, BusyBlock block, bool removing) {
  const std::optional<BusyBlock> wanted = removing ? std::nullopt : std::optional<BusyBlock>(block);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ReadResult first = co_await s.store.read_one(k.record);
    if (first.status != StoreStatus::Ok) co_return store_unavailable();
    std::optional<BusyBlock> old;
    if (first.items[0].present()) {
      old = busy_from_storage(first.items[0].value, k.block_id);
      if (!old) co_return store_unavailable();
    }
    if (!wanted && !old) co_return not_found(ErrorCode::busy_block_not_found);
    std::vector<std::string> read_keys{k.record};
    for (auto& bucket : busy_buckets(k.expert_id, old, wanted)) read_keys.push_back(std::move(bucket));
    ReadResult snap = co_await s.store.read(read_keys);
    if (snap.status != StoreStatus::Ok) co_return store_unavailable();
    if (snap.items[0].version != first.items[0].version) continue;  // changed between the reads
    std::vector<KvItem> buckets(snap.items.begin() + 1, snap.items.end());
    const int64_t now = s.now();
    std::vector<KvCheck> checks{{k.record, snap.items[0].version}};
    std::vector<KvMutation> writes;
    if (!plan_busy_writes(k, old, wanted, buckets, now, checks, writes)) co_return store_unavailable();
    BusyWritten done{old, {}};
    if (wanted) {
      auto overlapping = overlapping_reservations(buckets, k, *wanted, now);
      if (!overlapping) co_return store_unavailable();
      done.overlapping = std::move(*overlapping);
    }
    StoreStatus st = co_await s.store.commit(std::move(checks), std::move(writes));
    if (st == StoreStatus::Error) co_return store_unavailable();
    if (st == StoreStatus::Ok) co_return done;
    s.metrics.add(Metric::store_commit_retries_total);
  }
  co_return contention();
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
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ReadResult snap = co_await s.store.read_one(key);
    if (snap.status != StoreStatus::Ok) co_return store_unavailable();
    std::vector<KvCheck> checks{{key, snap.items[0].version}};
    std::vector<KvMutation> writes{{KvMutation::Op::Set, key, stored}};
    StoreStatus st = co_await s.store.commit(std::move(checks), std::move(writes));
    if (st == StoreStatus::Error) co_return store_unavailable();
    if (st == StoreStatus::Ok) {
      s.log(LogLevel::Info, "availability_set", {{"expert_id", expert_id}});
      co_return availability_body(snap.items[0].present() ? 200 : 201, stored);
    }
  }
  co_return contention();
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
  BusyResult result = co_await commit_busy(s, busy_keys(expert_id, block_id), *wanted, false);
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
  BusyResult result = co_await commit_busy(s, busy_keys(expert_id, block_id), none, true);
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
