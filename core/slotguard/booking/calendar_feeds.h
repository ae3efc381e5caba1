// Calendar feeds: the iCalendar URLs an expert keeps their real schedule in, and the
// rules that turn a feed's busy events into busy blocks. The hosts fetch the feeds and
// expand them (recurrences, time zones: an iCalendar library, host-side); what the
// expanded events become is decided here, once:
//   - which feeds an expert may have (http or https, at most kMaxCalendarFeeds, length
//     limits, no duplicates), and each feed's id, derived from its URL;
//   - the window a sync covers (from today's UTC midnight, calendar_horizon_days long);
//   - the ids of a feed's blocks: "cal-<feed id>-<hash of the event's key and piece>",
//     so a block the sync made is recognisable and one the app wrote never is;
//   - how an event longer than a busy block may be is cut into pieces, counted from the
//     event's own start so that a piece keeps its id while the window moves;
//   - all-day events (dates, not times) cover whole days in the expert's time zone.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/booking/availability.h"

namespace slotguard {

inline constexpr size_t kMaxCalendarFeeds = 5;
inline constexpr size_t kMaxFeedUrlBytes = 2048;
inline constexpr size_t kMaxFeedEvents = 2000;      // events in one sync
inline constexpr size_t kMaxFeedBlocks = 2000;      // blocks one feed's events become
inline constexpr size_t kMaxFeedEventKeyBytes = 512;

struct CalendarFeed {
  std::string id;   // calendar_feed_id(url)
  std::string url;
};
using CalendarFeeds = std::vector<CalendarFeed>;

// 8 lower-case hex digits of the URL's SHA-256.
std::string calendar_feed_id(std::string_view url);
bool valid_calendar_feed_id(std::string_view id);

// {"feeds": [{"url"}]} -> the feeds, or nullopt and the problem in `message`.
std::optional<CalendarFeeds> calendar_feeds_from_request(const JsonValue& body, std::string* message);
// {"feeds": [{"id", "url"}]}: stored as the API shows it.
void write_calendar_feeds(JsonWriter& w, const CalendarFeeds& feeds);
std::optional<CalendarFeeds> calendar_feeds_from_storage(std::string_view text);
const CalendarFeed* find_feed(const CalendarFeeds& feeds, std::string_view id);

// Every block a sync makes is "cal-<feed id, 8 hex>-<24 hex>". The app names its own
// blocks: only ids of exactly this shape are ever removed by a sync or by a change of
// the feed list, so an app's block is never touched unless the app mints such an id.
inline constexpr std::string_view kCalendarBlockIdPrefix = "cal-";
std::string calendar_block_prefix(std::string_view feed_id);
// The feed id in a calendar block's id; "" for any other id.
std::string_view calendar_feed_of_block(std::string_view block_id);

struct SyncWindow {
  int64_t from_ms = 0, to_ms = 0;
};
// From the UTC midnight at or before now, horizon_days long.
SyncWindow calendar_sync_window(int64_t now_ms, int64_t horizon_days);

// One busy event of a feed, as the host expanded it: `key` names the event (its UID,
// and for an occurrence of a recurring event, which occurrence).
struct FeedEvent {
  std::string key;
  int64_t start_ms = 0, end_ms = 0;
};
// {"events": [{"key", "start", "end"} | {"key", "start_date", "end_date"}]}: times in
// RFC 3339, or dates (YYYY-MM-DD, the end excluded, as iCalendar's DTEND) read as
// midnights in the expert's time zone (`hours`; UTC when null). Nullopt and the
// problem in `message` for anything malformed.
std::optional<std::vector<FeedEvent>> feed_events_from_request(const JsonValue& events, const Availability* hours,
                                                               std::string* message);

struct FeedBlock {
  std::string id;
  int64_t start_ms = 0, end_ms = 0;
};
// The blocks a feed's events become: each event cut into pieces of at most
// max_piece_ms from its start, those that overlap the window kept. Nullopt and the
// problem in `message` when two events share a key or the blocks are too many.
std::optional<std::vector<FeedBlock>> calendar_blocks(const std::vector<FeedEvent>& events, std::string_view feed_id,
                                                      SyncWindow window, int64_t max_piece_ms, std::string* message);

}  // namespace slotguard
