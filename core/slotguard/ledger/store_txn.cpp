#include "slotguard/ledger/store_txn.h"

namespace slotguard {

Co<StoreTxnEnd> run_store_txn(Services& s, std::vector<std::string> keys, DecideWrites decide) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    const ReadResult snap = co_await s.store.read(keys);
    if (snap.status != StoreStatus::Ok) co_return StoreTxnEnd::StoreError;
    std::optional<std::vector<KvMutation>> writes = decide(snap);
    if (!writes) co_return StoreTxnEnd::Stopped;
    std::vector<KvCheck> checks;
    for (const KvItem& item : snap.items) checks.push_back({item.key, item.version});
    const StoreStatus st = co_await s.store.commit(std::move(checks), std::move(*writes));
    if (st == StoreStatus::Ok) co_return StoreTxnEnd::Committed;
    if (st != StoreStatus::Conflict) co_return StoreTxnEnd::StoreError;
  }
  co_return StoreTxnEnd::Busy;
}

}  // namespace slotguard
