// SQLite-backed KvStore (Debian libsqlite3, plain C API).
//
// Layout:
//   kv(key BLOB PRIMARY KEY, value BLOB, version INTEGER) WITHOUT ROWID
//   meta(id = 1, counter)  -- the global commit counter.
// Versions come from the counter rather than per-key arithmetic or MAX(version)+1,
// because both of those can hand a deleted-then-recreated key a version a stale
// reader has already seen; a counter that never goes backwards cannot.
//
// Keys and values are always bound as BLOBs with explicit lengths: BLOB comparison is
// memcmp, which is exactly the contract's bytewise order, and embedded NULs survive.
// (Mixing TEXT and BLOB bindings would break ordering: SQLite sorts all TEXT before
// all BLOB.)
#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv_store.h"

namespace slotguard::native {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Statements prepared once per connection; indices into SqliteStore::stmts_.
enum Stmt : size_t {
  kBegin,
  kBeginImmediate,
  kCommit,
  kRollback,
  kGet,
  kList,
  kBumpCounter,
  kUpsert,
  kDelete,
  kStmtCount,
};

constexpr std::array<const char*, kStmtCount> kSql = {
    "BEGIN",
    // IMMEDIATE takes the write lock up front, so the checks and the writes see the
    // same state and a concurrent writer waits (busy_timeout) instead of interleaving.
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SELECT value, version FROM kv WHERE key = ?1",
    "SELECT key, value, version FROM kv WHERE key >= ?1 AND key < ?2 AND key > ?3 "
    "ORDER BY key LIMIT ?4",
    "UPDATE meta SET counter = counter + 1 WHERE id = 1 RETURNING counter",
    "INSERT INTO kv(key, value, version) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version",
    "DELETE FROM kv WHERE key = ?1",
};

// Run under BEGIN IMMEDIATE so two processes creating the same fresh file serialize.
// The counter is seeded from MAX(version) so a kv table that somehow predates meta
// still never sees a version reused, and raised to it on every open, so rows that came
// back without their counter (a restored or copied-in kv table) do not either.
constexpr const char* kSchema =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB NOT NULL,"
    " version INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " counter INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO meta(id, counter) SELECT 1, COALESCE(MAX(version), 0) FROM kv;"
    "UPDATE meta SET counter = (SELECT MAX(version) FROM kv)"
    " WHERE id = 1 AND counter < (SELECT COALESCE(MAX(version), 0) FROM kv);"
    "COMMIT;";

// sqlite3_bind_blob with a null pointer binds SQL NULL, not an empty blob; an empty
// string_view may well have data() == nullptr, so point empty inputs here instead.
constexpr char kEmptyBytes[1] = {0};

bool bind_bytes(sqlite3_stmt* stmt, int index, std::string_view bytes) {
  const char* data = bytes.empty() ? kEmptyBytes : bytes.data();
  // SQLITE_STATIC: every binding is used and reset before the caller's data goes away.
  return sqlite3_bind_blob64(stmt, index, data, bytes.size(), SQLITE_STATIC) == SQLITE_OK;
}

// Column as raw bytes. Blob before bytes is the order SQLite documents as safe.
std::string column_bytes(sqlite3_stmt* stmt, int col) {
  const void* data = sqlite3_column_blob(stmt, col);
  const int size = sqlite3_column_bytes(stmt, col);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

uint64_t column_version(sqlite3_stmt* stmt, int col) {
  return static_cast<uint64_t>(sqlite3_column_int64(stmt, col));
}

// Returns a statement to its reusable state on every exit path, so no statement is
// left mid-step (an active statement would keep its read snapshot open).
class StmtScope {
 public:
  explicit StmtScope(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtScope() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtScope(const StmtScope&) = delete;
  StmtScope& operator=(const StmtScope&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteStore final : public KvStore {
 public:
  static std::unique_ptr<KvStore> open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    // open_v2 may hand back a handle even on failure; it must still be closed.
    std::unique_ptr<SqliteStore> store(new SqliteStore(db));
    if (rc != SQLITE_OK || !store->init()) return nullptr;
    return store;
  }

  ~SqliteStore() override {
    for (sqlite3_stmt* stmt : stmts_) sqlite3_finalize(stmt);  // null is a no-op
    sqlite3_close(db_);                                        // null is a no-op
  }

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::optional<std::vector<KvItem>> read(const std::vector<std::string>& keys) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<KvItem> out;
    if (keys.empty()) return out;
    out.reserve(keys.size());
    // A deferred BEGIN pins the WAL snapshot at the first SELECT; every later SELECT
    // in this transaction sees that same snapshot.
    if (!run(kBegin)) return fail<std::vector<KvItem>>();
    for (const std::string& key : keys) {
      KvItem item;
      item.key = key;
      if (!get(key, &item.value, &item.version)) return fail<std::vector<KvItem>>();
      out.push_back(std::move(item));
    }
    if (!run(kCommit)) return fail<std::vector<KvItem>>();
    return out;
  }

  std::optional<KvListResult> list(std::string_view start, std::string_view end, size_t limit,
                                   std::string_view after) override {
    std::lock_guard<std::mutex> lock(mu_);
    sqlite3_stmt* stmt = stmts_[kList];
    StmtScope scope(stmt);
    // Ask for one row beyond the limit: its presence is what `more` reports. Clamp so
    // a huge limit cannot overflow the signed 64-bit LIMIT.
    constexpr uint64_t kMaxLimit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    const uint64_t want = static_cast<uint64_t>(limit) >= kMaxLimit ? kMaxLimit : limit + 1;
    if (!bind_bytes(stmt, 1, start) || !bind_bytes(stmt, 2, end) || !bind_bytes(stmt, 3, after) ||
        sqlite3_bind_int64(stmt, 4, static_cast<sqlite3_int64>(want)) != SQLITE_OK) {
      return std::nullopt;
    }
    // A single statement in autocommit mode already reads from one snapshot.
    KvListResult result;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return std::nullopt;
      if (result.items.size() == limit) {
        result.more = true;
        break;
      }
      result.items.push_back(
          KvItem{column_bytes(stmt, 0), column_bytes(stmt, 1), column_version(stmt, 2)});
    }
    return result;
  }

  std::optional<CommitOutcome> commit(const std::vector<KvCheck>& checks,
                                      const std::vector<KvMutation>& mutations) override {
    // Nothing to verify or write: no reason to take the write lock.
    if (checks.empty() && mutations.empty()) return CommitOutcome::Committed;
    std::lock_guard<std::mutex> lock(mu_);
    if (!run(kBeginImmediate)) return fail<CommitOutcome>();
    for (const KvCheck& check : checks) {
      uint64_t version = 0;
      if (!get(check.key, nullptr, &version)) return fail<CommitOutcome>();
      if (version != check.version) {
        rollback();
        return CommitOutcome::Conflict;
      }
    }
    if (!mutations.empty()) {
      uint64_t version = 0;
      if (!bump_counter(&version)) return fail<CommitOutcome>();
      // Applied in order, so repeated mutations of one key leave the last one standing.
      for (const KvMutation& m : mutations) {
        const bool ok = m.op == KvMutation::Op::Set ? upsert(m.key, m.value, version)
                                                    : remove(m.key);
        if (!ok) return fail<CommitOutcome>();
      }
    }
    if (!run(kCommit)) return fail<CommitOutcome>();
    return CommitOutcome::Committed;
  }

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}

  bool init() {
    if (db_ == nullptr) return false;
    // Set before anything that may contend for a lock, including the WAL switch.
    if (sqlite3_busy_timeout(db_, kBusyTimeoutMs) != SQLITE_OK) return false;
    if (!exec("PRAGMA busy_timeout=5000")) return false;
    // journal_mode reports the resulting mode instead of failing when it cannot switch,
    // so read it back. ":memory:" databases can only be "memory"; accept that too.
    std::string mode;
    if (!exec("PRAGMA journal_mode=WAL", &mode)) return false;
    if (mode != "wal" && mode != "memory") return false;
    // NORMAL is durable against application crashes under WAL; only a power loss can
    // drop the last commits, never corrupt the database.
    if (!exec("PRAGMA synchronous=NORMAL")) return false;
    if (!exec(kSchema)) {
      if (!sqlite3_get_autocommit(db_)) exec("ROLLBACK");
      return false;
    }
    for (size_t i = 0; i < kStmtCount; ++i) {
      if (sqlite3_prepare_v3(db_, kSql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[i], nullptr) !=
          SQLITE_OK) {
        return false;
      }
    }
    return true;
  }

  // sqlite3_exec for setup SQL; optionally captures the first column of the first row.
  bool exec(const char* sql, std::string* first_value = nullptr) {
    auto capture = [](void* arg, int ncols, char** values, char**) -> int {
      auto* dst = static_cast<std::string*>(arg);
      if (dst != nullptr && dst->empty() && ncols > 0 && values[0] != nullptr) *dst = values[0];
      return 0;
    };
    return sqlite3_exec(db_, sql, capture, first_value, nullptr) == SQLITE_OK;
  }

  // Steps a statement that yields no rows (transaction control).
  bool run(Stmt which) {
    sqlite3_stmt* stmt = stmts_[which];
    StmtScope scope(stmt);
    return sqlite3_step(stmt) == SQLITE_DONE;
  }

  // Ends whatever transaction is open. SQLite may already have rolled back on its own
  // after some errors (e.g. SQLITE_FULL), in which case there is nothing to do.
  void rollback() {
    if (!sqlite3_get_autocommit(db_)) run(kRollback);
  }

  template <typename T>
  std::optional<T> fail() {
    rollback();
    return std::nullopt;
  }

  // One key's value and version; absent keys give version 0. False on SQLite error.
  bool get(std::string_view key, std::string* value, uint64_t* version) {
    sqlite3_stmt* stmt = stmts_[kGet];
    StmtScope scope(stmt);
    if (!bind_bytes(stmt, 1, key)) return false;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      *version = 0;
      return true;
    }
    if (rc != SQLITE_ROW) return false;
    if (value != nullptr) *value = column_bytes(stmt, 0);
    *version = column_version(stmt, 1);
    return true;
  }

  bool bump_counter(uint64_t* version) {
    sqlite3_stmt* stmt = stmts_[kBumpCounter];
    StmtScope scope(stmt);
    if (sqlite3_step(stmt) != SQLITE_ROW) return false;  // no row: meta is missing
    *version = column_version(stmt, 0);
    // Finish the statement so the UPDATE is complete before later writes.
    return sqlite3_step(stmt) == SQLITE_DONE;
  }

  bool upsert(std::string_view key, std::string_view value, uint64_t version) {
    sqlite3_stmt* stmt = stmts_[kUpsert];
    StmtScope scope(stmt);
    if (!bind_bytes(stmt, 1, key) || !bind_bytes(stmt, 2, value) ||
        sqlite3_bind_int64(stmt, 3, static_cast<sqlite3_int64>(version)) != SQLITE_OK) {
      return false;
    }
    return sqlite3_step(stmt) == SQLITE_DONE;
  }

  bool remove(std::string_view key) {
    sqlite3_stmt* stmt = stmts_[kDelete];
    StmtScope scope(stmt);
    if (!bind_bytes(stmt, 1, key)) return false;
    return sqlite3_step(stmt) == SQLITE_DONE;
  }

  sqlite3* db_ = nullptr;
  std::array<sqlite3_stmt*, kStmtCount> stmts_{};
  // One connection cannot run two transactions at once; the mutex makes sharing one
  // store object between threads safe (separate objects give real concurrency).
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<KvStore> make_sqlite_store(const std::string& path) {
  return SqliteStore::open(path);
}

}  // namespace slotguard::native
