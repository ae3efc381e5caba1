#include "slotguard/payments/pack_checkout.h"

#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/ledger/reservation_txn.h"
#include "slotguard/ledger/store_txn.h"
#include "slotguard/payments/checkout_link.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/payments/stripe/stripe_api.h"

namespace slotguard {

namespace {

using Kind = PackCheckout::Kind;

PackPlan write(Pack next, int64_t now) {
  PackPlan plan;
  plan.kind = PackPlan::Kind::Write;
  next.updated_at = now;
  plan.next = std::move(next);
  return plan;
}

// Links the session to the pack while it waits for it.
Co<PackCheckout> link_pack_session(Services& s, const Pack& pending, std::string sid, std::string url) {
  DecidePack decide = [&sid, &url](const std::optional<Pack>& cur, const ReadResult&, int64_t now) {
    if (!cur || cur->status != PackStatus::PendingPayment || !cur->checkout_session_id.empty()) return PackPlan();
    Pack next = *cur;
    next.checkout_session_id = sid;
    next.checkout_url = url;
    return write(std::move(next), now);
  };
  std::vector<std::string> no_extra;
  PackOutcome out = co_await run_pack_txn(s, pending.id, std::move(no_extra), decide);
  if (out.kind != PackOutcome::Kind::Written && out.kind != PackOutcome::Kind::NoChange) co_return PackCheckout{};
  co_return PackCheckout{Kind::Linked, out.pack};
}

// Stripe refused the session for good: the pack lapses, so it is not left waiting.
Co<PackCheckout> lapse_unlinked(Services& s, const Pack& pending) {
  DecidePack decide = [](const std::optional<Pack>& cur, const ReadResult&, int64_t now) {
    if (!cur || cur->status != PackStatus::PendingPayment || !cur->checkout_session_id.empty()) return PackPlan();
    Pack next = *cur;
    next.status = PackStatus::Lapsed;
    return write(std::move(next), now);
  };
  std::vector<std::string> no_extra;
  PackOutcome out = co_await run_pack_txn(s, pending.id, std::move(no_extra), decide);
  if (out.kind == PackOutcome::Kind::NoChange && out.pack && !out.pack->checkout_session_id.empty())
    co_return PackCheckout{Kind::Linked, out.pack};  // a twin linked one meanwhile
  co_return PackCheckout{out.kind == PackOutcome::Kind::Written ? Kind::Refused : Kind::StoreError, std::nullopt};
}

// What a session event asks of the pack, as of the snapshot; `outcome` names it.
PackPlan pack_effect(const std::string& what, const SessionState& session, const Pack& cur, int64_t now,
                     std::string& outcome) {
  const SessionFacts& f = session.facts;
  const bool own = cur.checkout_session_id.empty() || cur.checkout_session_id == f.id;
  const bool paid = (what == "completed" && session.paid()) || what == "async_payment_succeeded";
  outcome = "ignored";
  if (!own) return PackPlan();
  if (paid && cur.status != PackStatus::Active) {
    if (f.amount_total != cur.price.amount || f.currency != cur.price.currency) return PackPlan();
    // Paid after its checkout lapsed (a delayed payment): the guest paid, so the pack
    // stands; a pack holds nothing anyone else could have taken meanwhile.
    Pack next = activated(cur, f.payment_intent, now);
    next.checkout_session_id = f.id;
    outcome = "pack_activated";
    return write(std::move(next), now);
  }
  const bool ended = what == "expired" || what == "async_payment_failed";
  if (ended && cur.status == PackStatus::PendingPayment) {
    Pack next = cur;
    next.status = PackStatus::Lapsed;
    outcome = "pack_lapsed";
    return write(std::move(next), now);
  }
  return PackPlan();
}

// What Stripe says became of a pending pack's session once its expiry passed.
enum class SessionEnd { Paid, Ended, Unknown };

// Unknown: Stripe did not answer, answered about another session, or the session
// completed unpaid (a pack's card checkout never should): nothing is decided.
Co<SessionEnd> look_at_session(Services& s, const Pack& p, SessionState& session) {
  StripeApi stripe(s);
  const StripeResult got = co_await stripe.get("/v1/checkout/sessions/" + percent_encode(p.checkout_session_id));
  if (!got.ok()) co_return got.transient() ? SessionEnd::Unknown : SessionEnd::Ended;
  session = read_session(got.object);
  if (session.facts.id != p.checkout_session_id || session.facts.metadata_pack_id != p.id) co_return SessionEnd::Unknown;
  if (session.status == "complete") co_return session.paid() ? SessionEnd::Paid : SessionEnd::Unknown;
  if (session.status != "open") co_return SessionEnd::Ended;
  // Open past its expiry: closed first, so nobody pays a pack that lapsed. A failure
  // may be the guest paying this very moment: the next sweep looks again.
  const bool closed = co_await expire_checkout(s, p.checkout_session_id);
  co_return closed ? SessionEnd::Ended : SessionEnd::Unknown;
}

// The waiting pack lapses unless Stripe said its session was paid (`paid`: the payment
// was applied as its event would be, and whatever that decided stands), and the entry
// goes; nothing, while it waits on a session other than `looked_at`.
DecidePack lapse_unless_paid(const std::string& looked_at, bool paid, const std::string& index_key) {
  return [&looked_at, paid, &index_key](const std::optional<Pack>& cur, const ReadResult&, int64_t now) {
    const bool waiting = cur && cur->status == PackStatus::PendingPayment;
    if (waiting && cur->checkout_session_id != looked_at) return PackPlan();
    PackPlan plan;
    plan.kind = PackPlan::Kind::ExtrasOnly;
    if (waiting && !paid) {
      Pack next = *cur;
      next.status = PackStatus::Lapsed;
      plan = write(std::move(next), now);
    }
    plan.extra_mutations.push_back({KvMutation::Op::Delete, index_key, {}});
    return plan;
  };
}

// A lapsed pack, like a released hold, is kept for the retention period and then
// removed by the sweep (api/retention.h): its entry is derived here from the before and
// after states, so it commits with every lapse and goes when a late payment activates it.
void retention_entry(const Services& s, const std::optional<Pack>& before, const Pack& after,
                     std::vector<KvMutation>& writes) {
  const bool was = before && before->status == PackStatus::Lapsed, is = after.status == PackStatus::Lapsed;
  const int64_t retention_ms = s.cfg.retention_days * kDayMs;
  const std::string old_key = was ? keys::pack_purge(before->updated_at + retention_ms, before->id) : std::string();
  const std::string new_key = is ? keys::pack_purge(after.updated_at + retention_ms, after.id) : std::string();
  if (was && old_key != new_key) writes.push_back({KvMutation::Op::Delete, old_key, {}});
  if (is && old_key != new_key) writes.push_back({KvMutation::Op::Set, new_key, after.id});
}

}  // namespace

Co<PackOutcome> run_pack_txn(Services& s, std::string pack_id, std::vector<std::string> extra_keys, DecidePack decide) {
  const std::string key = keys::pack(pack_id);
  std::vector<std::string> read_keys{key};
  read_keys.insert(read_keys.end(), extra_keys.begin(), extra_keys.end());
  std::optional<Pack> current;
  PackPlan plan;
  bool unreadable = false;
  DecideWrites writes_for = [&](const ReadResult& snap) -> std::optional<std::vector<KvMutation>> {
    current.reset();
    if (snap.items[0].present() && !(current = pack_from_storage(snap.items[0].value))) {
      unreadable = true;
      return std::nullopt;
    }
    plan = decide(current, snap, s.now());
    if (plan.kind == PackPlan::Kind::NoChange) return std::nullopt;
    std::vector<KvMutation> writes = std::move(plan.extra_mutations);
    if (plan.kind == PackPlan::Kind::Write) {
      SG_ASSERT(plan.next.id == pack_id && plan.next.used >= 0 && plan.next.used <= plan.next.sessions);
      writes.push_back({KvMutation::Op::Set, key, pack_to_storage(plan.next)});
      retention_entry(s, current, plan.next, writes);
    }
    return writes;
  };
  switch (co_await run_store_txn(s, std::move(read_keys), writes_for)) {
    case StoreTxnEnd::Committed:
      if (plan.kind == PackPlan::Kind::Write) co_return PackOutcome{PackOutcome::Kind::Written, std::move(plan.next)};
      co_return PackOutcome{PackOutcome::Kind::NoChange, std::move(current)};
    case StoreTxnEnd::Stopped:
      if (unreadable) co_return PackOutcome{PackOutcome::Kind::Unreadable, std::nullopt};
      co_return PackOutcome{PackOutcome::Kind::NoChange, std::move(current)};
    case StoreTxnEnd::Busy: co_return PackOutcome{PackOutcome::Kind::Busy, std::nullopt};
    case StoreTxnEnd::StoreError: break;
  }
  co_return PackOutcome{};
}

Co<PackCheckout> open_pack_checkout(Services& s, Pack pending) {
  if (!pending.checkout_session_id.empty()) co_return PackCheckout{Kind::Linked, pending};
  StripeApi stripe(s);
  StripeResult res = co_await stripe.post("/v1/checkout/sessions", pack_session_form(pending), "slotguard-pack-" + pending.id);
  if (std::optional<CreatedSession> created = created_session(res))
    co_return co_await link_pack_session(s, pending, std::move(created->id), std::move(created->url));
  s.log(LogLevel::Warn, "pack_checkout_failed", {{"pack_id", pending.id}, {"stripe_status", res.http_status}});
  // No answer, 409 or 429: the same key may still create it, and a retry links what it
  // created. After a 5xx Stripe replays that answer to the key, so the pack lapses
  // (nothing was charged) and the guest buys again.
  if (res.transient() && !res.key_spent()) co_return PackCheckout{Kind::Deferred, std::nullopt};
  co_return co_await lapse_unlinked(s, pending);
}

Co<EffectResult> apply_pack_event(Services& s, EventRef ev, std::string what, SessionState session) {
  const std::string seen_key = keys::webhook_event(ev.id);
  const std::string pack_id = session.facts.metadata_pack_id;
  std::string outcome;
  bool duplicate = false;
  DecidePack decide = [&](const std::optional<Pack>& cur, const ReadResult& snap, int64_t now) {
    duplicate = snap.items[1].present();
    if (duplicate || !cur) return PackPlan();
    PackPlan plan = pack_effect(what, session, *cur, now, outcome);
    if (plan.kind == PackPlan::Kind::NoChange) plan.kind = PackPlan::Kind::ExtrasOnly;
    record_event_mutations(ev, pack_id, outcome, now, plan.extra_mutations);
    return plan;
  };
  std::vector<std::string> extra{seen_key};
  const PackOutcome out = co_await run_pack_txn(s, pack_id, std::move(extra), decide);
  EffectResult res;
  res.outcome = outcome;
  switch (out.kind) {
    case PackOutcome::Kind::Written: res.kind = EffectResult::Kind::Applied; break;
    case PackOutcome::Kind::NoChange:
      res.kind = duplicate ? EffectResult::Kind::Duplicate : out.pack ? EffectResult::Kind::Applied : EffectResult::Kind::NotFound;
      if (!out.pack && !duplicate) res.outcome = "unknown_pack";
      break;
    case PackOutcome::Kind::Busy: res.kind = EffectResult::Kind::Busy; break;
    default: res.kind = EffectResult::Kind::StoreError; break;
  }
  if (res.kind == EffectResult::Kind::Applied && outcome == "pack_activated")
    s.log(LogLevel::Info, "pack_activated", {{"pack_id", pack_id}});
  co_return res;
}

Co<LapsedPack> settle_lapsed_pack(Services& s, std::string pack_id, std::string index_key) {
  ReadResult got = co_await s.store.read_one(keys::pack(pack_id));
  if (got.status != StoreStatus::Ok) co_return LapsedPack::Keep;
  std::optional<Pack> p;
  if (got.items[0].present() && !(p = pack_from_storage(got.items[0].value))) co_return LapsedPack::Keep;
  std::string looked_at;  // the session Stripe was asked about (empty: none was linked)
  bool paid = false, activated = false;  // Stripe said paid; the payment activated it now
  if (p && p->status == PackStatus::PendingPayment && !p->checkout_session_id.empty()) {
    SessionState session;
    const SessionEnd end = co_await look_at_session(s, *p, session);
    if (end == SessionEnd::Unknown) co_return LapsedPack::Keep;
    looked_at = p->checkout_session_id;
    paid = end == SessionEnd::Paid;
    if (paid) {
      // (Named locals: g++ 12 mis-copies some temporaries into a coroutine.)
      const EventRef ev{"reconciled_paid_" + looked_at, "checkout.session.completed"};
      const std::string what = "completed";
      const EffectResult res = co_await apply_pack_event(s, ev, what, session);
      if (res.kind != EffectResult::Kind::Applied && res.kind != EffectResult::Kind::Duplicate) co_return LapsedPack::Keep;
      activated = res.kind == EffectResult::Kind::Applied && res.outcome == "pack_activated";
      if (activated) s.log(LogLevel::Warn, "payment_reconciled", {{"pack_id", pack_id}, {"session_id", looked_at}, {"source", "sweep"}});
    }
  }
  const bool was_waiting = p && p->status == PackStatus::PendingPayment;
  std::vector<std::string> extra{index_key};
  DecidePack decide = lapse_unless_paid(looked_at, paid, index_key);
  const PackOutcome out = co_await run_pack_txn(s, pack_id, std::move(extra), decide);
  if (out.kind != PackOutcome::Kind::Written && out.kind != PackOutcome::Kind::NoChange) co_return LapsedPack::Keep;
  if (activated) co_return LapsedPack::Activated;
  if (paid || out.kind != PackOutcome::Kind::Written || !was_waiting) co_return LapsedPack::Settled;
  s.log(LogLevel::Info, "pack_lapsed", {{"pack_id", pack_id}});
  co_return LapsedPack::Lapsed;
}

}  // namespace slotguard
