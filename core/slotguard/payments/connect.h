// Stripe Connect, as the core uses it: what Stripe says of an expert's connected
// account, kept on the expert's payouts record (booking/payouts.h). Learnt two ways: a
// retrieve before a hold when the record has not been checked lately, and the
// account.updated events Stripe sends when the account changes.
#pragma once
#include <string>

#include "slotguard/host/services.h"
#include "slotguard/payments/payment_effects.h"

namespace slotguard {

// Asks Stripe about the expert's connected account (GET /v1/accounts/{id}) and records
// whether it can take charges. False when Stripe did not answer or the store failed:
// nothing was recorded, and a hold cannot be decided yet.
Co<bool> refresh_connected_account(Services& s, std::string expert_id);

// An account.updated event: the charges_enabled it carries is recorded on the payouts
// record of the expert the account pays, with the event. NotFound when no expert of
// this store is paid through that account.
Co<EffectResult> apply_account_update(Services& s, EventRef ev, std::string account_id, bool charges_enabled);

}  // namespace slotguard
