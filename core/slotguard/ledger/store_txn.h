// One optimistic transaction over a few keys, for the records that are not
// reservations (a pack, an expert's hours and calendar feeds, an event type): read the
// keys in one snapshot, decide the writes from it, commit checked against every version
// read, and read and decide again when another commit got there first. Without it each
// of those records carried its own copy of the loop. Reservations go through
// run_reservation_txn instead, which also keeps the slot ledger and the indexes.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slotguard/base/task.h"
#include "slotguard/host/services.h"

namespace slotguard {

// A failed check means another commit on the same keys succeeded meanwhile. Guests
// racing for a seated start may each lose once per seat taken before theirs, so a
// seated claim gets one more attempt per seat (run_reservation_txn).
inline constexpr int kMaxCommitAttempts = 8;

// The writes to commit for a snapshot (item i is keys[i]), or nullopt to end without
// committing: nothing to change, or the snapshot cannot be used (the deciding closure
// keeps which, for its caller).
using DecideWrites = std::function<std::optional<std::vector<KvMutation>>(const ReadResult& snapshot)>;

enum class StoreTxnEnd {
  Committed,   // the last decision's writes are committed
  Stopped,     // the last decision answered nullopt: nothing was written
  Busy,        // every attempt lost to another commit
  StoreError,  // a read or the commit failed
};

Co<StoreTxnEnd> run_store_txn(Services& s, std::vector<std::string> keys, DecideWrites decide);

}  // namespace slotguard
