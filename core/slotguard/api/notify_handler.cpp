// POST /v1/maintenance/notify (admin): delivers the outbox (notifications.h). The hosts
// only keep time: they call this on an interval and right after requests that may have
// changed something. Every step is a conditional commit on the notification's record,
// so runs may overlap on one instance or many; an overlap can deliver a notification
// twice (the app drops repeats by id), never out of order: the next notification of a
// reservation goes only once the one before it is gone from the outbox.
#include "slotguard/host/fetch_client.h"
#include "slotguard/api/handlers.h"
#include "slotguard/booking/notifications.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/stripe/webhook_signature.h"

#include <algorithm>
#include <set>

namespace slotguard::api {

namespace {

constexpr size_t kOutboxPage = 100;
constexpr int kMaxDeliveriesPerRun = 50;
// An endpoint that failed this often in one run is likely down: the rest wait for the
// next run instead of each waiting out a timeout now.
constexpr int kMaxFailuresPerRun = 3;

struct QueueEntry {
  int64_t next_at = 0;
  std::string rid;
  int64_t seq = 0;
};

std::optional<int64_t> digits(std::string_view s) {
  if (s.empty() || s.size() > 13) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "ntfq/<13 digits>/<rid>/<6 digits>"
std::optional<QueueEntry> parse_queue_key(std::string_view key) {
  key.remove_prefix(keys::kNotificationQueuePrefix.size());
  const size_t a = key.find('/'), b = key.rfind('/');
  if (a == std::string_view::npos || b == a) return std::nullopt;
  auto at = digits(key.substr(0, a)), seq = digits(key.substr(b + 1));
  if (!at || !seq) return std::nullopt;
  return QueueEntry{*at, std::string(key.substr(a + 1, b - a - 1)), *seq};
}

struct Counts {
  int delivered = 0, failed = 0, deferred = 0, failures = 0;
  bool more = false;
};

// Moves a notification to a new time in the queue (a failed attempt, or waiting for the
// one before it), conditional on the record being as read.
Co<StoreStatus> reschedule(ApiServices& s, const KvItem& record, Notification n, std::string queue_key) {
  std::vector<KvCheck> checks{{record.key, record.version}};
  std::vector<KvMutation> writes{{KvMutation::Op::Delete, std::move(queue_key), {}},
                                 {KvMutation::Op::Set, keys::notification_queue(n.next_at, n.reservation_id, n.seq), ""},
                                 {KvMutation::Op::Set, record.key, notification_to_storage(n)}};
  co_return co_await s.store.commit(std::move(checks), std::move(writes));
}

Co<StoreStatus> remove(ApiServices& s, const KvItem& record, std::string queue_key) {
  std::vector<KvCheck> checks{{record.key, record.version}};
  std::vector<KvMutation> writes{{KvMutation::Op::Delete, std::move(queue_key), {}}};
  if (record.present()) writes.push_back({KvMutation::Op::Delete, record.key, {}});
  co_return co_await s.store.commit(std::move(checks), std::move(writes));
}

Co<bool> send(ApiServices& s, const Notification& n, int64_t now) {
  FetchRequest req;
  req.method = "POST";
  req.url = s.cfg.notify_url;
  req.body = n.body;
  req.timeout_ms = s.cfg.http_timeout_ms;
  req.headers = {{"Content-Type", "application/json"},
                 {"Slotguard-Signature", stripe_signature_header(s.cfg.notify_secrets.front(), now / 1000, n.body)}};
  FetchResponse res = co_await fetch(s.ctx, std::move(req));
  const bool ok = res.transport_ok && res.status >= 200 && res.status < 300;
  // The status is null when nothing answered.
  if (!ok && res.transport_ok)
    s.log(LogLevel::Warn, "notification_attempt_failed",
          {{"notification_id", notification_id(n.reservation_id, n.seq)}, {"status", res.status}, {"attempt", n.attempts + 1}});
  else if (!ok)
    s.log(LogLevel::Warn, "notification_attempt_failed",
          {{"notification_id", notification_id(n.reservation_id, n.seq)}, {"status", nullptr}, {"attempt", n.attempts + 1}});
  co_return ok;
}

// One due queue entry: deliver it, or decide why not yet. (Returns true: Co has no void.)
Co<bool> handle_entry(ApiServices& s, const KvItem& queue_item, const QueueEntry& e, int64_t now, Counts& n,
                      std::set<std::string>& held_back) {
  std::vector<std::string> wanted{keys::notification(e.rid, e.seq)};
  if (e.seq > 1) wanted.push_back(keys::notification(e.rid, e.seq - 1));
  ReadResult snap = co_await s.store.read(std::move(wanted));
  if (snap.status != StoreStatus::Ok) {
    n.more = true;
    co_return true;
  }
  const KvItem& record = snap.items[0];
  auto parsed = record.present() ? notification_from_storage(record.value) : std::nullopt;
  if (!parsed) {
    // Delivered or given up by another run (or unreadable): the entry is stale.
    co_await remove(s, record, queue_item.key);
    co_return true;
  }
  Notification note = std::move(*parsed);
  if (snap.items.size() > 1 && snap.items[1].present()) {
    // The one before it is still in the outbox: wait until just after its next try.
    auto before = notification_from_storage(snap.items[1].value);
    note.next_at = std::max(now, before ? before->next_at : now) + 1;
    held_back.insert(e.rid);
    ++n.deferred;
    co_await reschedule(s, record, std::move(note), queue_item.key);
    co_return true;
  }
  if (now - note.first_at > s.cfg.notify_retry_hours * 3'600'000) {
    if (co_await remove(s, record, queue_item.key) == StoreStatus::Ok) {
      ++n.failed;
      s.metrics.add(Metric::notifications_failed_total);
      s.log(LogLevel::Error, "notification_failed",
            {{"notification_id", notification_id(note.reservation_id, note.seq)}, {"attempts", note.attempts}});
    }
    co_return true;
  }
  if (co_await send(s, note, now)) {
    if (co_await remove(s, record, queue_item.key) == StoreStatus::Ok) {
      ++n.delivered;
      s.metrics.add(Metric::notifications_delivered_total);
    }
    co_return true;
  }
  ++n.failures;
  ++n.deferred;
  held_back.insert(e.rid);
  s.metrics.add(Metric::notification_attempts_failed_total);
  note.attempts += 1;
  note.next_at = now + notification_retry_delay_ms(note.attempts);
  co_await reschedule(s, record, std::move(note), queue_item.key);
  co_return true;
}

}  // namespace

Co<HttpResponse> deliver_notifications(ApiServices& s) {
  Counts n;
  if (!s.cfg.notify_url.empty()) {
    const std::string prefix(keys::kNotificationQueuePrefix);
    ListResult page = co_await s.store.list(prefix, keys::prefix_end(prefix), kOutboxPage);
    if (page.status != StoreStatus::Ok) co_return store_unavailable();
    s.metrics.set(Metric::notifications_pending, static_cast<int64_t>(page.page.items.size()));
    const int64_t now = s.now();
    std::set<std::string> held_back;  // reservations with an earlier notification waiting
    int attempted = 0;
    bool reached_later = false;
    for (const auto& item : page.page.items) {
      auto e = parse_queue_key(item.key);
      if (!e) continue;  // not written by this code; leave it for a person
      if (e->next_at > now) {
        reached_later = true;  // ordered by time: nothing after it is due
        break;
      }
      if (held_back.count(e->rid)) continue;
      if (attempted == kMaxDeliveriesPerRun || n.failures == kMaxFailuresPerRun) {
        n.more = true;
        break;
      }
      ++attempted;
      co_await handle_entry(s, item, *e, now, n, held_back);
    }
    if (page.page.more && !reached_later) n.more = true;  // due entries beyond this page
  }
  JsonWriter body;
  body.object()
      .field("delivered", n.delivered)
      .field("failed", n.failed)
      .field("deferred", n.deferred)
      .field("more", n.more)
      .end_object();
  co_return json_response(200, body);
}

}  // namespace slotguard::api
