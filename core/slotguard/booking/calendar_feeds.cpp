// Calendar feeds and the blocks their events become (calendar_feeds.h).
#include "slotguard/booking/calendar_feeds.h"

#include <algorithm>
#include <set>

#include "slotguard/base/sha256.h"
#include "slotguard/base/utf8.h"
#include "slotguard/booking/domain.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard {
namespace {

constexpr size_t kFeedIdHex = 8;
constexpr size_t kBlockHashHex = 24;  // "cal-" + 8 + "-" + 24 = 37 bytes: a valid block id

bool fail(std::string* message, std::string_view text) {
  if (message) *message = std::string(text);
  return false;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// An absolute http(s) URL with a host, in printable ASCII (a URL's other bytes are
// percent-encoded), or the reason it is not.
std::optional<std::string_view> url_problem(std::string_view url) {
  if (url.size() > kMaxFeedUrlBytes) return "feeds[].url may be at most 2048 bytes";
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return "feeds[].url must be printable ASCII without spaces (percent-encode the rest)";
  size_t after = 0;
  if (starts_with_ci(url, "https://")) after = 8;
  else if (starts_with_ci(url, "http://")) after = 7;
  else return "feeds[].url must be an http or https URL";
  const size_t host_end = url.find_first_of("/?#", after);
  if ((host_end == std::string_view::npos ? url.size() : host_end) == after) return "feeds[].url must name a host";
  return std::nullopt;
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string block_id(std::string_view feed_id, std::string_view key, int64_t piece) {
  std::string material(key);
  material.append("\n").append(std::to_string(piece));
  return calendar_block_prefix(feed_id) + to_hex(sha256(material)).substr(0, kBlockHashHex);
}

// Local midnight of `days` in the expert's zone; a midnight a clock change skips is
// the first instant of that day that exists.
int64_t day_start(const Availability* hours, int64_t days) {
  const int64_t wall = days * kDayMs;
  if (!hours) return wall;
  for (int64_t later = 0; later <= 120 * kMinuteMs; later += 15 * kMinuteMs)
    if (auto at = first_instant_of(*hours, wall + later)) return *at;
  return wall - utc_offset_s(hours->rule, wall) * 1000;
}

std::optional<FeedEvent> one_event(const JsonValue& e, const Availability* hours, std::string* message) {
  if (!e.IsObject()) return fail(message, "events must be a list of objects"), std::nullopt;
  if (auto unknown = unknown_field(e, {"key", "start", "end", "start_date", "end_date"}, "events[]."))
    return fail(message, *unknown), std::nullopt;
  auto key = get_string(e, "key");
  if (!key || key->empty() || key->size() > kMaxFeedEventKeyBytes)
    return fail(message, "events[].key is required, 1 to 512 bytes"), std::nullopt;
  FeedEvent out{std::string(*key), 0, 0};
  const bool dated = get_member(e, "start_date") || get_member(e, "end_date");
  if (dated && (get_member(e, "start") || get_member(e, "end")))
    return fail(message, "an event has start and end, or start_date and end_date, not both"), std::nullopt;
  if (dated) {
    auto from = parse_date(get_member(e, "start_date")), to = parse_date(get_member(e, "end_date"));
    if (!from || !to) return fail(message, "events[].start_date and end_date must be real dates, YYYY-MM-DD"), std::nullopt;
    out.start_ms = day_start(hours, *from);
    out.end_ms = day_start(hours, *to);
  } else {
    auto start = get_string(e, "start"), end = get_string(e, "end");
    auto s_ms = start ? parse_rfc3339(*start) : std::nullopt, e_ms = end ? parse_rfc3339(*end) : std::nullopt;
    if (!s_ms || !e_ms) return fail(message, "events[].start and end must be RFC 3339 timestamps"), std::nullopt;
    out.start_ms = *s_ms;
    out.end_ms = *e_ms;
  }
  if (out.end_ms <= out.start_ms) return fail(message, "events[]: the end must be after the start"), std::nullopt;
  return out;
}

}  // namespace

std::string calendar_feed_id(std::string_view url) { return to_hex(sha256(url)).substr(0, kFeedIdHex); }

bool valid_calendar_feed_id(std::string_view id) { return id.size() == kFeedIdHex && is_hex(id); }

std::optional<CalendarFeeds> calendar_feeds_from_request(const JsonValue& body, std::string* message) {
  if (auto unknown = unknown_field(body, {"feeds"})) return fail(message, *unknown), std::nullopt;
  const JsonValue* list = get_array(body, "feeds");
  if (!list) return fail(message, "feeds is required: a list of {url}"), std::nullopt;
  if (list->Size() > kMaxCalendarFeeds) return fail(message, "an expert may have at most 5 calendar feeds"), std::nullopt;
  CalendarFeeds out;
  for (const auto& f : list->GetArray()) {
    if (!f.IsObject()) return fail(message, "feeds must be a list of {url}"), std::nullopt;
    if (auto unknown = unknown_field(f, {"url"}, "feeds[].")) return fail(message, *unknown), std::nullopt;
    auto url = get_string(f, "url");
    if (!url) return fail(message, "feeds[].url is required"), std::nullopt;
    if (auto problem = url_problem(*url)) return fail(message, *problem), std::nullopt;
    CalendarFeed feed{calendar_feed_id(*url), std::string(*url)};
    if (find_feed(out, feed.id)) return fail(message, "feeds[].url appears twice"), std::nullopt;
    out.push_back(std::move(feed));
  }
  return out;
}

void write_calendar_feeds(JsonWriter& w, const CalendarFeeds& feeds) {
  w.object().key("feeds").array();
  for (const auto& f : feeds) w.object().field("id", f.id).field("url", f.url).end_object();
  w.end_array().end_object();
}

std::optional<CalendarFeeds> calendar_feeds_from_storage(std::string_view text) {
  auto doc = parse_json(text, 4);
  const JsonValue* list = doc ? get_array(*doc, "feeds") : nullptr;
  if (!list) return std::nullopt;
  CalendarFeeds out;
  for (const auto& f : list->GetArray()) {
    auto id = get_string(f, "id"), url = get_string(f, "url");
    if (!id || !url || !valid_calendar_feed_id(*id)) return std::nullopt;
    out.push_back({std::string(*id), std::string(*url)});
  }
  return out;
}

const CalendarFeed* find_feed(const CalendarFeeds& feeds, std::string_view id) {
  for (const auto& f : feeds)
    if (f.id == id) return &f;
  return nullptr;
}

std::string calendar_block_prefix(std::string_view feed_id) {
  return std::string(kCalendarBlockIdPrefix).append(feed_id).append("-");
}

std::string_view calendar_feed_of_block(std::string_view block_id) {
  const size_t at = kCalendarBlockIdPrefix.size(), hash_at = at + kFeedIdHex + 1;
  if (block_id.size() != hash_at + kBlockHashHex || block_id.substr(0, at) != kCalendarBlockIdPrefix) return {};
  if (block_id[hash_at - 1] != '-' || !is_hex(block_id.substr(at, kFeedIdHex)) || !is_hex(block_id.substr(hash_at))) return {};
  return block_id.substr(at, kFeedIdHex);
}

SyncWindow calendar_sync_window(int64_t now_ms, int64_t horizon_days) {
  const int64_t today = (now_ms >= 0 ? now_ms : now_ms - kDayMs + 1) / kDayMs * kDayMs;
  return {today, today + horizon_days * kDayMs};
}

std::optional<std::vector<FeedEvent>> feed_events_from_request(const JsonValue& events, const Availability* hours,
                                                               std::string* message) {
  if (!events.IsArray()) return fail(message, "events must be a list"), std::nullopt;
  if (events.Size() > kMaxFeedEvents) return fail(message, "a sync may carry at most 2000 events"), std::nullopt;
  std::vector<FeedEvent> out;
  for (const auto& e : events.GetArray()) {
    auto one = one_event(e, hours, message);
    if (!one) return std::nullopt;
    out.push_back(std::move(*one));
  }
  return out;
}

std::optional<std::vector<FeedBlock>> calendar_blocks(const std::vector<FeedEvent>& events, std::string_view feed_id,
                                                      SyncWindow window, int64_t max_piece_ms, std::string* message) {
  std::vector<FeedBlock> out;
  std::set<std::string_view> keys;
  for (const auto& e : events) {
    if (!keys.insert(e.key).second)
      return fail(message, "two events share the key " + quoted_name(e.key, 80)), std::nullopt;
    if (e.end_ms <= window.from_ms || e.start_ms >= window.to_ms) continue;
    // The first piece that reaches into the window, then on while pieces start in it.
    int64_t piece = e.start_ms < window.from_ms ? (window.from_ms - e.start_ms) / max_piece_ms : 0;
    for (;; ++piece) {
      const int64_t start = e.start_ms + piece * max_piece_ms;
      if (start >= e.end_ms || start >= window.to_ms) break;
      const int64_t end = std::min(e.end_ms, start + max_piece_ms);
      if (end <= window.from_ms) continue;
      if (out.size() == kMaxFeedBlocks)
        return fail(message, "a feed's events may make at most 2000 busy blocks in the sync window"), std::nullopt;
      out.push_back({block_id(feed_id, e.key, piece), start, end});
    }
  }
  return out;
}

}  // namespace slotguard
