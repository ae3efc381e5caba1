#include "slotguard/payments/connect.h"

#include "slotguard/booking/payouts.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"

namespace slotguard {

namespace {

// Records what Stripe said of the account on the expert's record, if the record still
// names that account. `also`: written in the same commit (an event's record).
Co<StoreStatus> record_charges(Services& s, std::string expert_id, std::string account_id, bool enabled,
                               std::vector<KvMutation> also, std::vector<KvCheck> checks) {
  const std::string key = keys::payouts(expert_id);
  ReadResult got = co_await s.store.read_one(key);
  if (got.status != StoreStatus::Ok) co_return StoreStatus::Error;
  std::optional<Payouts> p = got.items[0].present() ? payouts_from_storage(got.items[0].value) : std::nullopt;
  if (p && p->stripe_account == account_id) {
    p->charges_enabled = enabled;
    p->checked_at = s.now();
    also.push_back({KvMutation::Op::Set, key, payouts_to_storage(*p)});
  }
  checks.push_back({key, got.items[0].version});
  const StoreStatus committed = co_await s.store.commit(std::move(checks), std::move(also));
  co_return committed;
}

}  // namespace

Co<bool> refresh_connected_account(Services& s, std::string expert_id) {
  ReadResult got = co_await s.store.read_one(keys::payouts(expert_id));
  if (got.status != StoreStatus::Ok || !got.items[0].present()) co_return false;
  const std::optional<Payouts> p = payouts_from_storage(got.items[0].value);
  if (!p) co_return false;
  StripeApi stripe(s);
  StripeResult account = co_await stripe.get("/v1/accounts/" + percent_encode(p->stripe_account));
  // An account Stripe does not know (deleted, or of another platform) takes no charges.
  const bool missing = account.kind == StripeResult::Kind::ApiError && account.http_status == 404;
  if (!account.ok() && !missing) co_return false;
  const bool enabled = account.ok() && get_bool(account.object, "charges_enabled").value_or(false);
  s.log(LogLevel::Info, "connected_account_checked", {{"expert_id", expert_id}, {"charges_enabled", enabled}});
  const StoreStatus st = co_await record_charges(s, expert_id, p->stripe_account, enabled, {}, {});
  co_return st == StoreStatus::Ok;
}

Co<EffectResult> apply_account_update(Services& s, EventRef ev, std::string account_id, bool charges_enabled) {
  EffectResult res;
  ReadResult idx = co_await s.store.read_one(keys::payouts_account(account_id));
  if (idx.status != StoreStatus::Ok) co_return res;  // StoreError
  if (!idx.items[0].present()) {
    res.kind = EffectResult::Kind::NotFound;
    res.outcome = "unknown_account";
    co_return res;
  }
  std::vector<KvMutation> record;
  record_event_mutations(ev, "", charges_enabled ? "charges_enabled" : "charges_disabled", s.now(), record);
  std::vector<KvCheck> checks{{keys::webhook_event(ev.id), 0}};
  const StoreStatus st =
      co_await record_charges(s, idx.items[0].value, account_id, charges_enabled, std::move(record), std::move(checks));
  res.kind = st == StoreStatus::Ok         ? EffectResult::Kind::Applied
             : st == StoreStatus::Conflict ? EffectResult::Kind::Busy
                                           : EffectResult::Kind::StoreError;
  res.outcome = charges_enabled ? "charges_enabled" : "charges_disabled";
  co_return res;
}

}  // namespace slotguard
