// Buying a prepaid pack (booking/packs.h) through Checkout, and what Stripe's session
// events do to it. A pack holds nothing scarce while it waits for its payment, so its
// flow is simpler than a hold's: a paid session always activates its pending pack
// (never refunded for lack of room), an expired one lapses it, and a session the core
// could not open leaves the pack waiting for a retry under the same Idempotency-Key.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slotguard/booking/packs.h"
#include "slotguard/host/services.h"
#include "slotguard/payments/stripe/checkout_session.h"

namespace slotguard {

// One optimistic transaction over a pack record: read it with `extra_keys`, decide,
// commit checked against every version read; read and decide again after a conflict.
struct PackPlan {
  enum class Kind { NoChange, Write, ExtrasOnly } kind = Kind::NoChange;
  Pack next;  // for Write
  std::vector<KvMutation> extra_mutations;
};
using DecidePack = std::function<PackPlan(const std::optional<Pack>& current, const ReadResult& snapshot, int64_t now)>;

struct PackOutcome {
  // Unreadable: the stored pack does not read (nothing was decided).
  enum class Kind { Written, NoChange, Busy, StoreError, Unreadable } kind = Kind::StoreError;
  std::optional<Pack> pack;  // after the transaction (or as last read)
};
Co<PackOutcome> run_pack_txn(Services& s, std::string pack_id, std::vector<std::string> extra_keys, DecidePack decide);

// How opening a pack's checkout ended.
struct PackCheckout {
  enum class Kind {
    Linked,      // the pack has its session: `pack`
    Deferred,    // Stripe's answer may be transient: the pack waits for a retry
    Refused,     // Stripe refused for good: the pack lapsed
    StoreError,  // the store failed or was too contended
  } kind = Kind::StoreError;
  std::optional<Pack> pack;
};
Co<PackCheckout> open_pack_checkout(Services& s, Pack pending);

// The effect of a checkout.session.* event (`what`: completed, expired, ...) on the
// pack its metadata names, recorded under the event's id with the effect.
Co<EffectResult> apply_pack_event(Services& s, EventRef ev, std::string what, SessionState session);

}  // namespace slotguard
