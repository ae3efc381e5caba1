// /v1/experts/{expert_id}/calendars (admin): the iCalendar feeds an expert keeps their
// real schedule in, and their sync. The hosts fetch and expand the feeds (an iCalendar
// library, host-side); the core decides what that means for the expert's time:
//   PUT|GET|DELETE .../calendars           the feed list (booking/calendar_feeds.h)
//   POST .../calendars/{feed_id}/sync      one feed's whole set of busy events, as the
//                                          host read it now; or {"error"}: it could not
//   POST /v1/maintenance/calendars         which feeds to sync, and the window
// A sync applies the difference between the blocks the events become and the blocks
// the feed has: adds, moves and removes blocks whose ids carry the feed's prefix, and
// never touches any other block. Each change is one busy-block transaction
// (busy_blocks.h), checked against the feed list, so a feed removed meanwhile gets no
// block. A sync cut short leaves a mix of old and new blocks, each one whole; the next
// sync finishes it. A failed read ({"error"}) changes nothing: the last good blocks stay.
#include <map>

#include "slotguard/api/busy_blocks.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/calendar_feeds.h"
#include "slotguard/booking/domain.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/ledger/store_txn.h"

namespace slotguard::api {

namespace {

constexpr size_t kListPage = 200;
constexpr size_t kMaxDueListed = 100;
constexpr size_t kMaxErrorBytes = 200;

// The stored feed list: `read` false only when the store failed.
struct StoredFeeds {
  bool read = false;
  uint64_t version = 0;
  std::optional<CalendarFeeds> feeds;
  bool ok() const { return read && (version == 0 || feeds.has_value()); }
};

Co<StoredFeeds> load_feeds(ApiServices& s, const std::string& expert_id) {
  StoredFeeds out;
  ReadResult got = co_await s.store.read_one(keys::calendars(expert_id));
  out.read = got.status == StoreStatus::Ok;
  if (!out.read || !got.items[0].present()) co_return out;
  out.version = got.items[0].version;
  out.feeds = calendar_feeds_from_storage(got.items[0].value);
  co_return out;
}

// The calendar blocks of the expert whose ids start with `id_prefix`, by id (a block
// the app named, whatever its id starts with, is not one); nullopt when the store
// fails or answers a block that does not read.
using BlocksById = std::map<std::string, BusyBlock>;
Co<std::optional<BlocksById>> list_blocks(ApiServices& s, std::string expert_id, std::string id_prefix) {
  const std::string lo = keys::busy_block(expert_id, id_prefix), hi = keys::prefix_end(lo);
  const size_t id_at = keys::busy_block(expert_id, "").size();
  BlocksById out;
  std::string after;
  for (;;) {
    ListResult page = co_await s.store.list(lo, hi, kListPage, after);
    if (page.status != StoreStatus::Ok) co_return std::nullopt;
    for (const auto& item : page.page.items) {
      std::string id = item.key.substr(id_at);
      if (calendar_feed_of_block(id).empty()) continue;
      auto block = busy_from_storage(item.value, id);
      if (!block) co_return std::nullopt;
      out.emplace(std::move(id), std::move(*block));
    }
    if (!page.page.more || page.page.items.empty()) co_return out;
    after = page.page.items.back().key;
  }
}

// One change to a block of the sync; a block already gone counts as removed.
Co<std::optional<HttpResponse>> change_block(ApiServices& s, std::string expert_id, BusyBlock block, bool removing,
                                            KvCheck guard) {
  std::string id = block.id;
  BusyResult result = co_await commit_busy(s, busy_keys(std::move(expert_id), std::move(id)), block, removing, guard);
  HttpResponse* failed = std::get_if<HttpResponse>(&result);
  if (!failed || (removing && failed->status == 404)) co_return std::nullopt;
  co_return std::move(*failed);
}

// Removes every calendar block whose feed `feeds` does not list: the blocks of feeds
// taken out of the list. The count, or the answer saying why not (503).
Co<std::variant<int64_t, HttpResponse>> remove_unlisted_blocks(ApiServices& s, std::string expert_id,
                                                               CalendarFeeds feeds) {
  auto blocks = co_await list_blocks(s, expert_id, std::string(kCalendarBlockIdPrefix));
  if (!blocks) co_return store_unavailable();
  int64_t removed = 0;
  const KvCheck no_guard;  // (g++ 12: no braced temporary inside co_await)
  for (const auto& [id, block] : *blocks) {
    if (find_feed(feeds, calendar_feed_of_block(id))) continue;
    if (auto failed = co_await change_block(s, expert_id, block, true, no_guard)) co_return std::move(*failed);
    ++removed;
  }
  if (removed > 0) s.metrics.add(Metric::calendar_blocks_changed_total, "change=\"removed\"", removed);
  co_return removed;
}

// {"calendars": {"feeds": [...]}, "blocks_removed": n}
HttpResponse calendars_body(int status, const CalendarFeeds& feeds, std::optional<int64_t> removed) {
  JsonWriter body;
  body.object().key("calendars");
  write_calendar_feeds(body, feeds);
  if (removed) body.field("blocks_removed", *removed);
  return json_response(status, body.end_object());
}

// Writes the feed list (none: the key goes, and DELETE answers), then removes the
// blocks of feeds no longer listed. 201 when the expert had no list, else 200.
Co<HttpResponse> replace_feeds(ApiServices& s, std::string expert_id, CalendarFeeds feeds, bool deleting) {
  const std::string key = keys::calendars(expert_id);
  JsonWriter stored;
  write_calendar_feeds(stored, feeds);
  const std::string text = stored.take();
  bool existed = false;
  DecideWrites replace = [&](const ReadResult& snap) -> std::optional<std::vector<KvMutation>> {
    existed = snap.items[0].present();
    return std::vector<KvMutation>{{feeds.empty() ? KvMutation::Op::Delete : KvMutation::Op::Set, key, text}};
  };
  std::vector<std::string> read_keys{key};
  const StoreTxnEnd end = co_await run_store_txn(s, std::move(read_keys), replace);
  if (end == StoreTxnEnd::Busy) co_return contention();
  if (end != StoreTxnEnd::Committed) co_return store_unavailable();
  s.log(LogLevel::Info, "calendars_set", {{"expert_id", expert_id}, {"feeds", static_cast<int64_t>(feeds.size())}});
  auto removed = co_await remove_unlisted_blocks(s, expert_id, feeds);
  if (HttpResponse* failed = std::get_if<HttpResponse>(&removed)) co_return std::move(*failed);
  if (deleting) {
    JsonWriter body;
    co_return json_response(200, body.object().field("deleted", true).field("blocks_removed", std::get<int64_t>(removed)).end_object());
  }
  co_return calendars_body(existed ? 200 : 201, feeds, std::get<int64_t>(removed));
}

// What a sync asks: the feed's events, or the reason the host could not read it.
struct SyncRequest {
  std::optional<std::string> error;
  JsonDoc body;
};
std::optional<SyncRequest> read_sync_request(const HttpRequest& req, HttpResponse& error) {
  auto body = parse_object_body(req, error);
  if (!body) return std::nullopt;
  if (auto unknown = unknown_field(*body, {"events", "error"})) return error = validation_failed(*unknown), std::nullopt;
  const bool has_events = get_member(*body, "events") != nullptr, has_error = get_member(*body, "error") != nullptr;
  if (has_events == has_error)
    return error = validation_failed("a sync carries events (the feed as read now) or error (why it could not be read)"),
           std::nullopt;
  SyncRequest out;
  if (has_error) {
    auto text = get_string(*body, "error");
    if (!text) return error = validation_failed("error must be a string"), std::nullopt;
    out.error = std::string(text->substr(0, kMaxErrorBytes));
  }
  out.body = std::move(*body);
  return out;
}

struct SyncCounts {
  int64_t added = 0, moved = 0, removed = 0, unchanged = 0;
};

// The feed's blocks made `wanted`: each change its own transaction, guarded by the
// feed list's version. The counts, or the answer of the change that failed.
Co<std::variant<SyncCounts, HttpResponse>> apply_blocks(ApiServices& s, std::string expert_id,
                                                        std::vector<FeedBlock> wanted, BlocksById have,
                                                        KvCheck guard) {
  SyncCounts n;
  for (const auto& w : wanted) {
    auto it = have.find(w.id);
    const bool existed = it != have.end();
    if (existed && it->second.start == w.start_ms && it->second.end == w.end_ms) {
      ++n.unchanged;
    } else {
      const BusyBlock block{w.id, w.start_ms, w.end_ms};
      if (auto failed = co_await change_block(s, expert_id, block, false, guard)) co_return std::move(*failed);
      ++(existed ? n.moved : n.added);
    }
    if (existed) have.erase(it);
  }
  for (const auto& [id, block] : have) {
    if (auto failed = co_await change_block(s, expert_id, block, true, guard)) co_return std::move(*failed);
    ++n.removed;
  }
  co_return n;
}

void count_changes(ApiServices& s, const SyncCounts& n) {
  s.metrics.add(Metric::calendar_syncs_total, "outcome=\"applied\"");
  if (n.added) s.metrics.add(Metric::calendar_blocks_changed_total, "change=\"added\"", n.added);
  if (n.moved) s.metrics.add(Metric::calendar_blocks_changed_total, "change=\"moved\"", n.moved);
  if (n.removed) s.metrics.add(Metric::calendar_blocks_changed_total, "change=\"removed\"", n.removed);
}

// {"error"}: nothing changes; the blocks the feed has are kept and counted.
Co<HttpResponse> record_failed_sync(ApiServices& s, std::string expert_id, std::string feed_id, std::string reason) {
  s.metrics.add(Metric::calendar_syncs_total, "outcome=\"failed\"");
  s.log(LogLevel::Warn, "calendar_feed_failed", {{"expert_id", expert_id}, {"feed_id", feed_id}, {"error", reason}});
  auto kept = co_await list_blocks(s, expert_id, calendar_block_prefix(feed_id));
  if (!kept) co_return store_unavailable();
  JsonWriter body;
  body.object().key("sync").object().field("feed_id", feed_id).field("outcome", "failed");
  body.field("kept", static_cast<int64_t>(kept->size())).end_object();
  co_return json_response(200, body.end_object());
}

// The blocks the request's events become, or the 422 refusing them.
Co<std::variant<std::vector<FeedBlock>, HttpResponse>> wanted_blocks(ApiServices& s, const JsonValue& events,
                                                                     std::string expert_id, std::string feed_id) {
  MaybeAvailability hours = co_await load_availability(s, expert_id);
  if (!hours.ok) co_return store_unavailable();
  std::string message;
  auto parsed = feed_events_from_request(events, hours.get(), &message);
  if (!parsed) co_return validation_failed(message);
  const SyncWindow window = calendar_sync_window(s.now(), s.cfg.calendar_horizon_days);
  auto blocks = calendar_blocks(*parsed, feed_id, window, kMaxBusyMs, &message);
  if (!blocks) co_return validation_failed(message);
  co_return std::move(*blocks);
}

}  // namespace

Co<HttpResponse> put_calendars(ApiServices& s, const HttpRequest& req, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return validation_failed("expert id must match [A-Za-z0-9_-]{1,64}");
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  std::string message;
  auto feeds = calendar_feeds_from_request(*body, &message);
  if (!feeds) co_return validation_failed(message);
  co_return co_await replace_feeds(s, expert_id, std::move(*feeds), false);
}

Co<HttpResponse> get_calendars(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::calendars_not_found);
  const StoredFeeds got = co_await load_feeds(s, expert_id);
  if (!got.ok()) co_return store_unavailable();
  if (!got.feeds) co_return not_found(ErrorCode::calendars_not_found);
  co_return calendars_body(200, *got.feeds, std::nullopt);
}

// Idempotent, like the availability's DELETE: it also removes blocks a cut-short
// earlier removal left.
Co<HttpResponse> delete_calendars(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::calendars_not_found);
  const CalendarFeeds none;  // (g++ 12: no braced temporary inside co_await)
  co_return co_await replace_feeds(s, expert_id, none, true);
}

// Applies one feed's events (or records that it could not be read).
Co<HttpResponse> sync_calendar(ApiServices& s, const HttpRequest& req, std::string expert_id, std::string feed_id) {
  if (!valid_client_id(expert_id)) co_return validation_failed("expert id must match [A-Za-z0-9_-]{1,64}");
  if (!valid_calendar_feed_id(feed_id)) co_return not_found(ErrorCode::calendar_feed_not_found);
  HttpResponse error;
  auto sync = read_sync_request(req, error);
  if (!sync) co_return error;
  const StoredFeeds listed = co_await load_feeds(s, expert_id);
  if (!listed.ok()) co_return store_unavailable();
  if (!listed.feeds || !find_feed(*listed.feeds, feed_id)) co_return not_found(ErrorCode::calendar_feed_not_found);
  if (sync->error) co_return co_await record_failed_sync(s, expert_id, feed_id, *sync->error);
  auto wanted = co_await wanted_blocks(s, *get_member(sync->body, "events"), expert_id, feed_id);
  if (HttpResponse* refused = std::get_if<HttpResponse>(&wanted)) co_return std::move(*refused);
  auto have = co_await list_blocks(s, expert_id, calendar_block_prefix(feed_id));
  if (!have) co_return store_unavailable();
  const KvCheck guard{keys::calendars(expert_id), listed.version};
  auto applied = co_await apply_blocks(s, expert_id, std::move(std::get<std::vector<FeedBlock>>(wanted)),
                                       std::move(*have), guard);
  if (HttpResponse* failed = std::get_if<HttpResponse>(&applied)) co_return std::move(*failed);
  const SyncCounts n = std::get<SyncCounts>(applied);
  count_changes(s, n);
  s.log(LogLevel::Info, "calendar_synced", {{"expert_id", expert_id}, {"feed_id", feed_id}, {"added", n.added},
                                            {"moved", n.moved}, {"removed", n.removed}});
  JsonWriter body;
  body.object().key("sync").object().field("feed_id", feed_id).field("outcome", "applied");
  body.field("added", n.added).field("moved", n.moved).field("removed", n.removed).field("unchanged", n.unchanged);
  co_return json_response(200, body.end_object().end_object());
}

// The feeds to sync, a page of experts at a time ({"after": <the last expert listed>}),
// and the window their events are read for.
Co<HttpResponse> calendars_due(ApiServices& s, const HttpRequest& req) {
  std::string after;
  if (!req.body.empty()) {
    HttpResponse error;
    auto body = parse_object_body(req, error);
    if (!body) co_return error;
    if (auto unknown = unknown_field(*body, {"after"})) co_return validation_failed(*unknown);
    if (const JsonValue* a = get_member(*body, "after")) {
      if (!a->IsString() || !valid_client_id(string_of(*a))) co_return validation_failed("after must be an expert id");
      after = keys::calendars(string_of(*a));
    }
  }
  const std::string lo = keys::calendars(""), hi = keys::prefix_end(lo);
  ListResult page = co_await s.store.list(lo, hi, kMaxDueListed, after);
  if (page.status != StoreStatus::Ok) co_return store_unavailable();
  const SyncWindow window = calendar_sync_window(s.now(), s.cfg.calendar_horizon_days);
  JsonWriter body;
  body.object().field("from", format_rfc3339(window.from_ms)).field("to", format_rfc3339(window.to_ms));
  body.key("feeds").array();
  std::string last;
  for (const auto& item : page.page.items) {
    auto feeds = calendar_feeds_from_storage(item.value);
    if (!feeds) co_return store_unavailable();
    last = item.key.substr(lo.size());
    for (const auto& f : *feeds)
      body.object().field("expert_id", last).field("feed_id", f.id).field("url", f.url).end_object();
  }
  body.end_array().field("more", page.page.more && !last.empty());
  if (page.page.more && !last.empty()) body.field("after", last);
  co_return json_response(200, body.end_object());
}

}  // namespace slotguard::api
