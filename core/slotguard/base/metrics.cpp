#include "slotguard/base/metrics.h"

#include "slotguard/base/sg_assert.h"

namespace slotguard {

namespace {
struct Help {
  const char* name;
  const char* type;
  const char* text;
};
constexpr Help kHelp[] = {
    {"slotguard_holds_created_total", "counter", "Slot holds committed."},
    {"slotguard_conflicts_total", "counter", "Reservation requests answered 409 slot_unavailable."},
    {"slotguard_holds_refused_total", "counter", "Holds refused before any write, by reason (too_many_holds)."},
    {"slotguard_releases_total", "counter", "Reservations released, by reason."},
    {"slotguard_confirmations_total", "counter", "Reservations confirmed after payment."},
    {"slotguard_refunds_total", "counter", "Payments refunded: their slot was lost, or the guest had cancelled."},
    {"slotguard_orphan_refunds_total", "counter", "Paid Checkout Sessions refunded because no hold stood behind them."},
    {"slotguard_refunds_abandoned_total", "counter",
     "Refunds Stripe refused so often that retrying stopped; each needs a person."},
    {"slotguard_checkout_deferred_total", "counter",
     "Checkout Session creates Stripe did not answer; the hold was kept for a retry."},
    {"slotguard_unlinked_holds_total", "counter",
     "Holds the sweep found without a linked Checkout Session, by outcome (linked, released, kept)."},
    {"slotguard_ledger_refusals_total", "counter",
     "State changes the slot ledger refused (instances disagreeing about a lapse)."},
    {"slotguard_webhook_events_total", "counter", "Stripe webhook events, by type and outcome."},
    {"slotguard_store_commit_retries_total", "counter", "Store commits retried after a failed check."},
    {"slotguard_notifications_delivered_total", "counter", "Notifications the app's endpoint accepted (2xx)."},
    {"slotguard_notification_attempts_failed_total", "counter",
     "Notification deliveries that failed and will be retried."},
    {"slotguard_notifications_failed_total", "counter",
     "Notifications given up after the retry window (notify_retry_hours)."},
    {"slotguard_notifications_pending", "gauge",
     "Notifications waiting in the outbox, as seen by this instance's last delivery run (at most 100)."},
    {"slotguard_purged_total", "counter", "Records removed by retention, by kind."},
    {"slotguard_requests_total", "counter", "HTTP requests handled, by status class."},
};

template <class Map>
bool print_samples(std::string& out, const char* name, const Map& samples) {
  bool any = false;
  for (const auto& [key, value] : samples) {
    if (key.first != name) continue;
    any = true;
    out += key.first;
    if (!key.second.empty()) out += "{" + key.second + "}";
    out += ' ' + std::to_string(value) + '\n';
  }
  return any;
}

bool known(const std::string& name) {
  for (const auto& h : kHelp)
    if (name == h.name) return true;
  return false;
}
}  // namespace

std::string Metrics::prometheus_text() const {
  // A metric missing from kHelp would never be scraped: catch it in every build.
  for (const auto& [key, value] : counters_) SG_ASSERT(known(key.first));
  for (const auto& [key, value] : gauges_) SG_ASSERT(known(key.first));
  std::string out;
  for (const auto& h : kHelp) {
    out += "# HELP ";
    out += h.name;
    out += ' ';
    out += h.text;
    out += "\n# TYPE ";
    out += h.name;
    out += ' ';
    out += h.type;
    out += '\n';
    const bool counted = print_samples(out, h.name, counters_);
    const bool gauged = print_samples(out, h.name, gauges_);
    if (!counted && !gauged) out += std::string(h.name) + " 0\n";
  }
  return out;
}

}  // namespace slotguard
