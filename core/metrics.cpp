#include "metrics.h"

namespace slotguard {

namespace {
struct Help {
  const char* name;
  const char* text;
};
constexpr Help kHelp[] = {
    {"slotguard_holds_created_total", "Slot holds committed."},
    {"slotguard_conflicts_total", "Reservation requests answered 409 slot_unavailable."},
    {"slotguard_releases_total", "Reservations released, by reason."},
    {"slotguard_confirmations_total", "Reservations confirmed after payment."},
    {"slotguard_refunds_total", "Payments refunded: their slot was lost, or the guest had cancelled."},
    {"slotguard_webhook_events_total", "Stripe webhook events, by type and outcome."},
    {"slotguard_store_commit_retries_total", "Store commits retried after a failed check."},
    {"slotguard_requests_total", "HTTP requests handled, by status class."},
};
}  // namespace

std::string Metrics::prometheus_text() const {
  std::string out;
  for (const auto& h : kHelp) {
    out += "# HELP ";
    out += h.name;
    out += ' ';
    out += h.text;
    out += "\n# TYPE ";
    out += h.name;
    out += " counter\n";
    bool any = false;
    for (const auto& [key, value] : counters_) {
      if (key.first != h.name) continue;
      any = true;
      out += key.first;
      if (!key.second.empty()) out += "{" + key.second + "}";
      out += ' ' + std::to_string(value) + '\n';
    }
    if (!any) out += std::string(h.name) + " 0\n";
  }
  return out;
}

}  // namespace slotguard
