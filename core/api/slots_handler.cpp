// GET /v1/events/{id}/slots?from=&to=: offered start times and whether each is free.
// Reads the expert's ledger buckets for the range; never reveals who holds a slot.
#include <algorithm>

#include "form_encoding.h"
#include "handlers.h"
#include "records.h"
#include "responses.h"
#include "slot_ledger.h"
#include "store_keys.h"
#include "time_rfc3339.h"

namespace slotguard::api {

namespace {
constexpr int64_t kMaxRangeMs = 7 * kDayMs;
constexpr size_t kListPage = 256;
}  // namespace

Co<HttpResponse> get_slots(Services& s, const HttpRequest& req, std::string event_id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) co_return error_response(400, "invalid_query", "the query string is malformed");
  std::optional<int64_t> from, to;
  for (const auto& [k, v] : params) {
    if (k == "from") from = parse_rfc3339(v);
    if (k == "to") to = parse_rfc3339(v);
  }
  if (!from || !to) co_return validation_failed("from and to are required RFC 3339 timestamps");
  if (*to <= *from) co_return validation_failed("to must be after from");
  if (*to - *from > kMaxRangeMs) co_return validation_failed("the range may span at most 7 days");
  Loaded<EventType> loaded = co_await load_event(s, event_id);
  if (!loaded.record) co_return loaded.error;
  const EventType* event = &*loaded.record;

  const int64_t now = s.now();
  const int64_t step = event->slot_step_minutes * kMinuteMs;
  // Candidates: aligned to the step counted from each UTC midnight, inside [from, to).
  std::vector<int64_t> starts;
  for (int64_t day = *from - (((*from % kDayMs) + kDayMs) % kDayMs); day < *to; day += kDayMs)
    for (int64_t t = day; t < day + kDayMs && t < *to; t += step)
      if (t >= *from && check_slot(*event, t, now) == SlotRule::Offered) starts.push_back(t);

  Json slots = Json::array();
  if (!starts.empty()) {
    Span whole{blocked_span(*event, starts.front()).start, blocked_span(*event, starts.back()).end};
    std::string lo = keys::slot_bucket(event->expert_id, first_bucket(whole));
    std::string hi = keys::slot_bucket(event->expert_id, end_bucket(whole));
    std::vector<KvItem> buckets;
    std::string after;
    for (;;) {
      ListResult page = co_await s.store.list(lo, hi, kListPage, after);
      if (page.status != StoreStatus::Ok) co_return store_unavailable();
      if (page.page.items.empty()) break;  // "more" with nothing in hand cannot progress
      for (auto& it : page.page.items) buckets.push_back(std::move(it));
      if (!page.page.more) break;
      after = buckets.back().key;
    }
    // Decode every bucket once; a span is spread over several buckets, so drop the
    // repeats before checking each candidate against what is left.
    auto entries = decode_buckets(buckets);
    if (!entries) co_return store_unavailable();
    std::sort(entries->begin(), entries->end(), [](const LedgerEntry& a, const LedgerEntry& b) {
      return a.rid < b.rid;
    });
    entries->erase(std::unique(entries->begin(), entries->end(),
                               [](const LedgerEntry& a, const LedgerEntry& b) { return a.rid == b.rid; }),
                   entries->end());
    for (int64_t t : starts) {
      slots.push_back({{"start", format_rfc3339(t)},
                       {"end", format_rfc3339(t + event->duration_minutes * kMinuteMs)},
                       {"available", !span_taken_by(*entries, blocked_span(*event, t), now, {})}});
    }
  }
  co_return json_response(200, Json{{"event_id", event_id}, {"slots", std::move(slots)}});
}

}  // namespace slotguard::api
