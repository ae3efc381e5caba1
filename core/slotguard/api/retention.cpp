#include "slotguard/api/retention.h"

#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/host/store_keys.h"

namespace slotguard::api {

namespace {

constexpr size_t kPurgeBatch = 100;

Co<ListResult> list_due(ApiServices& s, std::string_view prefix, int64_t now_ms) {
  co_return co_await s.store.list(std::string(prefix), std::string(prefix) + keys::padded(now_ms + 1, 13), kPurgeBatch);
}

// The record and everything that points at it, if it is still finished.
Co<bool> purge_reservation(ApiServices& s, std::string purge_key, std::string rid) {
  const std::string rkey = keys::reservation(rid);
  ReadResult snap = co_await s.store.read_one(rkey);
  if (snap.status != StoreStatus::Ok) co_return false;
  const KvItem& item = snap.items[0];
  std::vector<KvCheck> checks{{rkey, item.version}};
  std::vector<KvMutation> writes{{KvMutation::Op::Delete, purge_key, {}}};
  if (item.present()) {
    auto r = reservation_from_storage(item.value);
    if (!r || !r->finished()) co_return false;  // the index is derived from the record: a person must look
    writes.push_back({KvMutation::Op::Delete, rkey, {}});
    writes.push_back({KvMutation::Op::Delete, keys::expert_reservation(r->expert_id, r->start, r->id), {}});
    if (!r->checkout_session_id.empty())
      writes.push_back({KvMutation::Op::Delete, keys::session_index(r->checkout_session_id), {}});
    if (!r->payment_intent_id.empty())
      writes.push_back({KvMutation::Op::Delete, keys::payment_intent_index(r->payment_intent_id), {}});
    if (!r->idempotency_key.empty()) writes.push_back({KvMutation::Op::Delete, r->idempotency_key, {}});
  }
  co_return co_await s.store.commit(std::move(checks), std::move(writes)) == StoreStatus::Ok && item.present();
}

// A lapsed pack and its idempotency key's record. A pack a late payment activated
// since is kept; only its entry goes (its commit removed it already, unless written
// before packs had one).
Co<bool> purge_pack(ApiServices& s, std::string purge_key, std::string pack_id) {
  const std::string pkey = keys::pack(pack_id);
  ReadResult snap = co_await s.store.read_one(pkey);
  if (snap.status != StoreStatus::Ok) co_return false;
  const KvItem& item = snap.items[0];
  std::vector<KvCheck> checks{{pkey, item.version}};
  std::vector<KvMutation> writes{{KvMutation::Op::Delete, purge_key, {}}};
  bool lapsed = false;
  if (item.present()) {
    const std::optional<Pack> p = pack_from_storage(item.value);
    if (!p) co_return false;  // unreadable: a person must look
    lapsed = p->status == PackStatus::Lapsed;
    if (lapsed) writes.push_back({KvMutation::Op::Delete, pkey, {}});
    if (lapsed && !p->idempotency_key.empty()) writes.push_back({KvMutation::Op::Delete, p->idempotency_key, {}});
  }
  co_return co_await s.store.commit(std::move(checks), std::move(writes)) == StoreStatus::Ok && lapsed;
}

}  // namespace

Co<bool> purge_due(ApiServices& s, int64_t now_ms, PurgeCounts& n) {
  ListResult due = co_await list_due(s, keys::kPurgePrefix, now_ms);
  if (due.status != StoreStatus::Ok) co_return false;
  n.more |= due.page.more;
  for (const auto& item : due.page.items) {
    if (co_await purge_reservation(s, item.key, item.value)) {
      ++n.reservations;
      s.metrics.add(Metric::purged_total, "kind=\"reservation\"");
    }
  }

  ListResult packs = co_await list_due(s, keys::kPackPurgePrefix, now_ms);
  if (packs.status != StoreStatus::Ok) co_return false;
  n.more |= packs.page.more;
  for (const auto& item : packs.page.items) {
    if (co_await purge_pack(s, item.key, item.value)) {
      ++n.packs;
      s.metrics.add(Metric::purged_total, "kind=\"pack\"");
    }
  }

  ListResult events = co_await list_due(s, keys::kWebhookEventPurgePrefix, now_ms);
  if (events.status != StoreStatus::Ok) co_return false;
  n.more |= events.page.more;
  if (!events.page.items.empty()) {
    // Nothing rewrites an event record once written, so no checks are needed.
    std::vector<KvMutation> writes;
    for (const auto& item : events.page.items) {
      writes.push_back({KvMutation::Op::Delete, item.key, {}});
      writes.push_back({KvMutation::Op::Delete, keys::webhook_event(item.value), {}});
    }
    if (co_await s.store.commit({}, std::move(writes)) != StoreStatus::Ok) co_return false;
    n.webhook_events += static_cast<int>(events.page.items.size());
    s.metrics.add(Metric::purged_total, "kind=\"webhook_event\"", events.page.items.size());
  }
  co_return true;
}

}  // namespace slotguard::api
