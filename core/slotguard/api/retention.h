// Retention: what the sweep removes once nobody can need it. Released and refunded
// reservations (with their indexes and idempotency key) go Config::retention_days after
// their last change, and so do lapsed packs (never paid: nothing and nobody refers to
// them); webhook event records go once Stripe can no longer retry them
// (payment_effects.cpp). Confirmed reservations, refunds still owed and paid packs are
// never purged. Each removal is one commit conditional on the record as read.
#pragma once
#include "slotguard/api/api_services.h"

namespace slotguard::api {

struct PurgeCounts {
  int reservations = 0, webhook_events = 0, packs = 0;
  bool more = false;  // more is due than one run removes
};

// Removes what is due at now_ms, a bounded batch of each kind. False when the store
// failed (what was removed stays removed).
Co<bool> purge_due(ApiServices& s, int64_t now_ms, PurgeCounts& n);

}  // namespace slotguard::api
