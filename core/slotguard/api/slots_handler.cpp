// GET /v1/events/{id}/slots?from=&to=: offered start times and whether each is free.
// Reads the expert's availability and ledger buckets for the range; never reveals who
// holds a slot (seated events show how many places are left, not whose they are).
#include <algorithm>
#include <map>

#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/booking_caps.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard::api {

namespace {
constexpr int64_t kMaxRangeDays = 7;
constexpr size_t kListPage = 256;

// Every ledger entry that touches the starts' spans, one per reservation; nullopt when
// the store fails or a bucket cannot be read.
Co<std::optional<std::vector<LedgerEntry>>> entries_around(ApiServices& s, const EventType& event,
                                                           const std::vector<int64_t>& starts) {
  std::vector<LedgerEntry> entries;
  if (starts.empty()) co_return entries;
  Span whole{blocked_span(event, starts.front()).start, blocked_span(event, starts.back()).end};
  std::string lo = keys::slot_bucket(event.expert_id, first_bucket(whole));
  std::string hi = keys::slot_bucket(event.expert_id, end_bucket(whole));
  std::vector<KvItem> buckets;
  std::string after;
  for (;;) {
    ListResult page = co_await s.store.list(lo, hi, kListPage, after);
    if (page.status != StoreStatus::Ok) co_return std::nullopt;
    if (page.page.items.empty()) break;  // "more" with nothing in hand cannot progress
    for (auto& it : page.page.items) buckets.push_back(std::move(it));
    if (!page.page.more) break;
    after = buckets.back().key;
  }
  // Decode every bucket once; a span is spread over several buckets, so drop the
  // repeats before checking each candidate against what is left.
  auto decoded = decode_buckets(buckets);
  if (!decoded) co_return std::nullopt;
  entries = std::move(*decoded);
  std::sort(entries.begin(), entries.end(), [](const LedgerEntry& a, const LedgerEntry& b) { return a.rid < b.rid; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const LedgerEntry& a, const LedgerEntry& b) { return a.rid == b.rid; }),
                entries.end());
  co_return entries;
}

// The starts whose day or week is full under the caps (booking/booking_caps.h), read
// from the counters of every day and week the starts fall in; nullopt when the store
// fails or a counter cannot be read.
Co<std::optional<std::vector<int64_t>>> capped_starts(ApiServices& s, const EventType& event, const Availability* hours,
                                                      const std::vector<int64_t>& starts, int64_t now) {
  std::vector<int64_t> full;
  const BookingLimits expert_caps = hours ? hours->limits : BookingLimits{};
  if (starts.empty() || (!event.limits.any() && !expert_caps.any())) co_return full;
  std::vector<std::string> wanted;
  for (int64_t t : starts)
    for (auto& k : counter_keys(event.expert_id, hours, t))
      if (std::find(wanted.begin(), wanted.end(), k) == wanted.end()) wanted.push_back(std::move(k));
  const ReadResult counters = co_await s.store.read(wanted);
  if (counters.status != StoreStatus::Ok) co_return std::nullopt;
  for (int64_t t : starts) {
    const CapReached cap = cap_reached(counters, counter_keys(event.expert_id, hours, t), event.limits, expert_caps,
                                       event.id, {}, now);
    if (cap == CapReached::Unreadable) co_return std::nullopt;
    if (cap != CapReached::None) full.push_back(t);
  }
  co_return full;
}

struct SlotView {
  int64_t start = 0;
  bool available = false;
  int64_t seats_left = 0;
};

// The event's offered starts in the range for its expert (event.expert_id), with
// whether each is free and under the caps; nullopt when the store fails.
Co<std::optional<std::vector<SlotView>>> expert_slots(ApiServices& s, const EventType& event, const Availability* hours,
                                                      TimeRange range, int64_t now) {
  std::vector<int64_t> starts;
  for (int64_t t : aligned_starts(event, hours, range.from, range.to))
    if (check_slot(event, hours, t, now) == SlotRule::Offered) starts.push_back(t);
  const std::optional<std::vector<LedgerEntry>> entries = co_await entries_around(s, event, starts);
  if (!entries) co_return std::nullopt;
  const std::optional<std::vector<int64_t>> full = co_await capped_starts(s, event, hours, starts, now);
  if (!full) co_return std::nullopt;
  std::vector<SlotView> out;
  for (int64_t t : starts) {
    const std::string group = seat_group(event.id, t, event.seats);
    const Claim claim{{}, group, event.seats};
    const Span span = blocked_span(event, t);
    const bool capped = std::find(full->begin(), full->end(), t) != full->end();
    const bool available = !capped && !span_taken_by(*entries, span, now, claim);
    // Seated events say how many places are left (none when anything else blocks it).
    out.push_back({t, available, available ? event.seats - seats_taken(*entries, span, now, claim) : 0});
  }
  co_return out;
}

// A pool's starts: every member's, a start free when any member can take it (with the
// places its freest member has left). A collective meeting's: the starts every member
// offers, free when every member can take it.
Co<std::optional<std::vector<SlotView>>> pool_slots(ApiServices& s, const EventType& event, TimeRange range, int64_t now) {
  const bool all = event.pool->collective();
  std::map<int64_t, SlotView> merged;
  std::map<int64_t, size_t> offered_by;
  for (const std::string& expert : event.pool->experts) {
    EventType member = event;
    member.expert_id = expert;
    const MaybeAvailability hours = co_await load_availability(s, expert);
    if (!hours.ok) co_return std::nullopt;
    std::optional<std::vector<SlotView>> slots = co_await expert_slots(s, member, hours.get(), range, now);
    if (!slots) co_return std::nullopt;
    for (const SlotView& v : *slots) {
      auto [it, first] = merged.try_emplace(v.start, v);
      SlotView& m = it->second;
      ++offered_by[v.start];
      if (first) continue;
      m.available = all ? m.available && v.available : m.available || v.available;
      m.seats_left = all ? std::min(m.seats_left, v.seats_left) : std::max(m.seats_left, v.seats_left);
    }
  }
  std::vector<SlotView> out;
  for (const auto& [start, v] : merged)
    if (!all || offered_by[start] == event.pool->experts.size()) out.push_back(v);
  co_return out;
}

}  // namespace

Co<HttpResponse> get_slots(ApiServices& s, const HttpRequest& req, std::string event_id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_query(req.query, params)) co_return error_response(ErrorCode::invalid_query, "the query string is malformed");
  TimeRange range;
  if (auto bad = read_time_range(params, kMaxRangeDays, range)) co_return *bad;
  const EventWithHours found = co_await load_event_with_hours(s, event_id);
  if (!found.event.record) co_return found.event.error;
  const EventType& event = *found.event.record;
  if (!found.hours.ok) co_return store_unavailable();
  const int64_t now = s.now();
  std::optional<std::vector<SlotView>> slots;
  if (event.pool) slots = co_await pool_slots(s, event, range, now);
  else slots = co_await expert_slots(s, event, found.hours.get(), range, now);
  if (!slots) co_return store_unavailable();
  JsonWriter body;
  body.object().field("event_id", event_id).key("slots").array();
  for (const SlotView& v : *slots) {
    body.object()
        .field("start", format_rfc3339(v.start))
        .field("end", format_rfc3339(v.start + event.duration_minutes * kMinuteMs))
        .field("available", v.available);
    if (event.seats > 1) body.field("seats_left", v.seats_left);
    body.end_object();
  }
  co_return json_response(200, body.end_array().end_object());
}

}  // namespace slotguard::api
