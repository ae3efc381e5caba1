#include "slotguard/payments/missed_events.h"

#include <utility>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/base/planted_defects.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/reconcile.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/session_events.h"
#include "slotguard/payments/stripe/stripe_api.h"

namespace slotguard {

namespace {

constexpr int64_t kFirstLookbackS = 3 * 24 * 3600;
constexpr const char* kPageSize = "100";  // Stripe's largest page
// The event types a webhook endpoint for slotguard subscribes to.
constexpr const char* kTypes =
    "&types%5B%5D=checkout.session.completed&types%5B%5D=checkout.session.async_payment_succeeded"
    "&types%5B%5D=checkout.session.async_payment_failed&types%5B%5D=checkout.session.expired";

struct Cursor {
  std::string after;     // the newest event applied: list the ones after it
  std::string before;    // searching back: the oldest event seen so far
  int64_t since_s = 0;   // searching back: created at or after (Stripe's clock)
  uint64_t version = 0;  // of the stored cursor; 0: none stored yet
  bool forward() const { return !after.empty(); }
};

std::string cursor_json(const Cursor& c) {
  JsonWriter w;
  w.object().field("after", c.after).field("before", c.before).field("since", c.since_s).end_object();
  return w.take();
}

// Nullopt when the store did not answer. A stored value that does not read (written by
// nothing this version knows) starts over from the first run's lookback.
Co<std::optional<Cursor>> load_cursor(Services& s) {
  ReadResult got = co_await s.store.read_one(keys::stripe_events_cursor());
  if (got.status != StoreStatus::Ok) co_return std::nullopt;
  Cursor c;
  c.version = got.items[0].version;
  c.since_s = s.now() / 1000 - kFirstLookbackS;
  auto doc = c.version ? parse_json(got.items[0].value) : std::nullopt;
  if (doc && doc->IsObject()) {
    c.after = std::string(get_string(*doc, "after").value_or(""));
    c.before = std::string(get_string(*doc, "before").value_or(""));
    c.since_s = get_int(*doc, "since").value_or(c.since_s);
  }
  co_return c;
}

// A conflict means another sweep moved the cursor meanwhile: its position wins, and
// what this run applied is recorded, so the next run skips it.
Co<StoreStatus> save_cursor(Services& s, const Cursor& c) {
  std::vector<KvCheck> checks{KvCheck{keys::stripe_events_cursor(), c.version}};
  std::vector<KvMutation> sets{KvMutation{KvMutation::Op::Set, keys::stripe_events_cursor(), cursor_json(c)}};
  const StoreStatus saved = co_await s.store.commit(std::move(checks), std::move(sets));
  co_return saved;
}

struct ListedEvent {
  SessionEvent event;
  int64_t created_s = 0;
};

struct Page {
  enum class Status { Ok, Gone, Failed } status = Status::Failed;
  std::vector<ListedEvent> newest_first;  // as Stripe lists them
  bool more = false;
};

Page read_page(const StripeResult& res) {
  Page page;
  const JsonValue* data = get_array(res.object, "data");
  if (!data) return page;
  for (const JsonValue& item : data->GetArray()) {
    std::optional<SessionEvent> ev = read_session_event(item);
    if (!ev) continue;  // not an event: nothing to apply
    page.newest_first.push_back({std::move(*ev), item.IsObject() ? get_int(item, "created").value_or(0) : 0});
  }
  page.more = get_bool(res.object, "has_more").value_or(false);
  page.status = Page::Status::Ok;
  return page;
}

Co<Page> fetch_page(Services& s, const Cursor& c) {
  std::string query = std::string("/v1/events?limit=") + kPageSize + kTypes;
  if (c.forward()) query += "&ending_before=" + percent_encode(c.after);
  else query += "&created%5Bgte%5D=" + std::to_string(c.since_s);
  if (!c.forward() && !c.before.empty()) query += "&starting_after=" + percent_encode(c.before);
  StripeApi stripe(s);
  StripeResult res = co_await stripe.get(query);
  Page page;
  // The cursor's event is gone (aged out of Stripe's 30 days): search back instead.
  const bool missing = res.kind == StripeResult::Kind::ApiError &&
                       (res.http_status == 404 || res.error_code == "resource_missing");
  if (missing && (c.forward() || !c.before.empty()))
    page.status = Page::Status::Gone;
  else if (res.ok())
    page = read_page(res);
  if (page.status == Page::Status::Failed)
    s.log(LogLevel::Warn, "events_pass_failed", {{"http_status", res.http_status}, {"stripe_error", res.error_code}});
  co_return page;
}

// Applies one listed event as its webhook would. False: it could not be applied now
// (the store or Stripe did not answer, or the ledger refused): the pass stops before it.
Co<bool> replay_one(Services& s, const SessionEvent& ev, EventsPass& pass) {
  if (!ev.about_session) co_return true;
  ReadResult seen = co_await s.store.read_one(keys::webhook_event(ev.ref.id));
  if (seen.status != StoreStatus::Ok) co_return false;
  if (seen.items[0].present()) co_return true;  // its webhook came, or an earlier pass
  const EffectResult res = co_await apply_session_event(s, ev);
  using Kind = EffectResult::Kind;
  const bool done = res.kind == Kind::Applied || res.kind == Kind::Duplicate || res.kind == Kind::NotFound;
  if (!done) s.log(LogLevel::Warn, "events_pass_stalled", {{"event_id", ev.ref.id}, {"outcome", res.outcome}});
  if (res.kind == Kind::Applied && settles_booking(res.outcome)) {
    ++pass.applied;
    const std::string rid = ev.session.facts.metadata_reservation_id.empty() ? ev.session.client_reference_id
                                                                             : ev.session.facts.metadata_reservation_id;
    report_reconciled(s, "events", res.outcome, rid, {"event_id", ev.ref.id});
  }
  co_return done;
}

// Applies a page's events oldest first, moving the cursor past each one applied.
Co<bool> replay_page(Services& s, const Page& page, Cursor& c, EventsPass& pass) {
  for (size_t i = page.newest_first.size(); i-- > 0;) {
    const ListedEvent& listed = page.newest_first[i];
    const bool applied = co_await replay_one(s, listed.event, pass);
    if (!applied && !planted(Defect::events_cursor_skips)) co_return false;
    c.after = listed.event.ref.id;
    c.before.clear();
    c.since_s = listed.created_s;  // where to search from should this event age out
  }
  co_return true;
}

}  // namespace

Co<EventsPass> replay_missed_events(Services& s) {
  EventsPass pass;
  std::optional<Cursor> loaded = co_await load_cursor(s);
  if (!loaded) co_return EventsPass{0, false, true};
  Cursor c = *loaded;
  const std::string stored = c.version ? cursor_json(c) : std::string();
  for (int n = 0; n < kEventPagesPerPass && !pass.failed; ++n) {
    const Page page = co_await fetch_page(s, c);
    pass.failed = page.status == Page::Status::Failed;
    if (page.status == Page::Status::Gone) {
      c.after.clear();
      c.before.clear();
    }
    if (page.status != Page::Status::Ok) continue;
    const bool searching = !c.forward();
    if (searching && page.newest_first.empty()) {
      // Searched back to nothing older than `before`: what was behind it aged out since
      // the last page. The search ends at `before`, and the pass goes on after it.
      std::swap(c.after, c.before);
      pass.more = c.forward();
      if (!pass.more) break;  // no event at all since the search's start
      continue;
    }
    // Searching back with more behind this page: go further back first.
    if (searching && page.more) {
      c.before = page.newest_first.back().event.ref.id;
      pass.more = true;
      continue;
    }
    pass.failed = !co_await replay_page(s, page, c, pass);
    // After the search's oldest page, the events after it are listed forward.
    pass.more = page.more || searching;
    if (!pass.more) break;
  }
  if (cursor_json(c) != stored) co_await save_cursor(s, c);
  co_return pass;
}

}  // namespace slotguard
