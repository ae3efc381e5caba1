// GET /v1/events/{id}/slots?from=&to=: offered start times and whether each is free.
// Reads the expert's availability and ledger buckets for the range; never reveals who
// holds a slot (seated events show how many places are left, not whose they are).
#include <algorithm>

#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard::api {

namespace {
constexpr int64_t kMaxRangeDays = 7;
constexpr size_t kListPage = 256;
}  // namespace

Co<HttpResponse> get_slots(ApiServices& s, const HttpRequest& req, std::string event_id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) co_return error_response(ErrorCode::invalid_query, "the query string is malformed");
  TimeRange range;
  if (auto bad = read_time_range(params, kMaxRangeDays, range)) co_return *bad;
  const int64_t from = range.from, to = range.to;
  const EventWithHours found = co_await load_event_with_hours(s, event_id);
  if (!found.event.record) co_return found.event.error;
  const EventType* event = &*found.event.record;
  const MaybeAvailability& hours = found.hours;
  if (!hours.ok) co_return store_unavailable();

  const int64_t now = s.now();
  std::vector<int64_t> starts;
  for (int64_t t : aligned_starts(*event, hours.get(), from, to))
    if (check_slot(*event, hours.get(), t, now) == SlotRule::Offered) starts.push_back(t);

  std::vector<LedgerEntry> entries;  // what holds the range, one entry per reservation
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
    auto decoded = decode_buckets(buckets);
    if (!decoded) co_return store_unavailable();
    entries = std::move(*decoded);
    std::sort(entries.begin(), entries.end(), [](const LedgerEntry& a, const LedgerEntry& b) { return a.rid < b.rid; });
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const LedgerEntry& a, const LedgerEntry& b) { return a.rid == b.rid; }),
                  entries.end());
  }
  JsonWriter body;
  body.object().field("event_id", event_id).key("slots").array();
  for (int64_t t : starts) {
    const std::string group = seat_group(event->id, t, event->seats);
    const Claim claim{{}, group, event->seats};
    const Span span = blocked_span(*event, t);
    const bool available = !span_taken_by(entries, span, now, claim);
    body.object()
        .field("start", format_rfc3339(t))
        .field("end", format_rfc3339(t + event->duration_minutes * kMinuteMs))
        .field("available", available);
    // Seated events say how many places are left (none when anything else blocks it).
    if (event->seats > 1) body.field("seats_left", available ? event->seats - seats_taken(entries, span, now, claim) : 0);
    body.end_object();
  }
  co_return json_response(200, body.end_array().end_object());
}

}  // namespace slotguard::api
