-- slotguard's store on D1: one key-value table with versions (see
-- host-shims/cloudflare/README.md and wasm/ABI.md, "Store contract").
-- Apply with: wrangler d1 migrations apply slotguard --remote

-- One row per live key. TEXT compares bytewise over UTF-8 (SQLite's BINARY
-- collation), which is the key order the core expects from list.
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0)
);

-- The version counter: bumped once per commit; the keys a commit sets take its new
-- value, so versions only grow and are never reused after a delete.
CREATE TABLE IF NOT EXISTS kv_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT OR IGNORE INTO kv_counter (id, version) VALUES (1, 0);

-- Always empty. A commit check that fails tries to insert a row here; the CHECK
-- constraint refuses it, the statement fails, and D1 rolls back the whole batch.
-- The Worker recognises the conflict by the constraint's name in the error.
CREATE TABLE IF NOT EXISTS kv_guard (
  conflict INTEGER,
  CONSTRAINT slotguard_conflict CHECK (conflict IS NULL)
);
