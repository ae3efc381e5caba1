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

// A pack whose checkout's expiry has passed, found by the sweep through its entry
// `index_key` (keys::pack_checkout_expiry). Its session's events may never come (a
// webhook lost and a key that may not list events), and a pack must neither wait for
// ever nor lose a payment, so Stripe is asked what became of the session, as before a
// lapsed hold is released (reconcile.h): paid activates the pack as its event would
// (recorded under an id of its own, so the event arriving later pays nothing twice);
// expired, or open and expired now, lapses it. A pack that never linked a session
// lapses: its checkout reached nobody, and can no longer be paid. The entry goes once
// the pack no longer waits.
//   Activated, Lapsed: as said. Settled: nothing left to do (the pack was no longer
//   waiting, or it was linked to another session since: the next sweep looks at that).
//   Keep: Stripe or the store did not answer, or an open session could not be
//   expired: the entry stays, and the next sweep looks again.
enum class LapsedPack { Activated, Lapsed, Settled, Keep };
Co<LapsedPack> settle_lapsed_pack(Services& s, std::string pack_id, std::string index_key);

}  // namespace slotguard
