// The key-value table both stores use (D1 and the Durable Object's SQLite), and the
// conflict guard of the D1 commit. migrations/*.sql (shipped in the package) hold the same
// statements, in order, for `wrangler d1 migrations apply`; tests check that they agree.
//
//   kv          one row per live key. TEXT compares with SQLite's BINARY collation,
//               i.e. memcmp over UTF-8: exactly the bytewise key order of wasm/ABI.md.
//   kv_counter  one row; bumped once per commit, and every key a commit sets gets the
//               new value as its version. A key's versions therefore only grow and are
//               never reused, even after a delete (the counter does not go back).
//               The bump starts from the larger of the counter and the highest version
//               in kv, so rows that arrived without a commit (a restore, an import)
//               never make it hand out a version a reader has already seen (ABA).
//   kv_version  index on kv.version: the highest version is one lookup, not a scan.
//   kv_guard    stays empty forever. A D1 commit check that fails inserts a row, which
//               its CHECK constraint refuses, which fails the statement, which makes D1
//               roll back the whole batch (see d1-store.js).

export const CONFLICT_CONSTRAINT = 'slotguard_conflict';

export const SCHEMA_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0)
)`,
  `CREATE TABLE IF NOT EXISTS kv_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
)`,
  `INSERT OR IGNORE INTO kv_counter (id, version) VALUES (1, 0)`,
  `CREATE TABLE IF NOT EXISTS kv_guard (
  conflict INTEGER,
  CONSTRAINT ${CONFLICT_CONSTRAINT} CHECK (conflict IS NULL)
)`,
  // 0002_kv_version_index.sql
  'CREATE INDEX IF NOT EXISTS kv_version ON kv (version)',
];

/** Statement texts shared by both stores. `?` placeholders only (both bind positionally). */
export const SQL = {
  // One statement = one snapshot. SQLite allows 100 bound parameters per statement on
  // D1, so callers chunk larger reads (and run the chunks in one batch on D1).
  readKeys: (n) => `SELECT key, value, version FROM kv WHERE key IN (${new Array(n).fill('?').join(', ')})`,
  // start <= key < end, key > after, ascending bytewise; the caller asks limit + 1 rows
  // to learn whether more remain.
  list: 'SELECT key, value, version FROM kv WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?',
  // D1 commit check: inserts a row (refused by the CHECK constraint, failing the batch)
  // exactly when the key's current version (0 when absent) differs from the expected one.
  guard: `INSERT INTO kv_guard (conflict) SELECT 1 WHERE COALESCE((SELECT version FROM kv WHERE key = ?), 0) <> ?`,
  // Durable Object commit check: reads the version; the object compares in JS.
  version: 'SELECT version FROM kv WHERE key = ?',
  // Above both the counter and every row (see kv_counter above); kv_version makes the
  // MAX a single index lookup.
  bump: 'UPDATE kv_counter SET version = MAX(version, COALESCE((SELECT MAX(version) FROM kv), 0)) + 1 WHERE id = 1',
  set: `INSERT INTO kv (key, value, version) VALUES (?, ?, (SELECT version FROM kv_counter WHERE id = 1))
ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version`,
  delete: 'DELETE FROM kv WHERE key = ?',
};

/** @typedef {import('../../js-bridge/src/host-calls.js').StoreItem} StoreItem */

/** Max keys per read statement (D1 allows 100 bound parameters per query). */
export const READ_CHUNK = 100;

/** Throws unless every mutation is well formed: a bad one must not leave half a commit.
 * @param {readonly any[]} checks  @param {readonly any[]} mutations  as the store received them */
export function validateCommit(checks, mutations) {
  if (!Array.isArray(checks) || !Array.isArray(mutations)) throw new TypeError('checks and mutations must be arrays');
  for (const c of checks) {
    if (typeof c?.key !== 'string') throw new TypeError('a check needs a string key');
    if (!Number.isSafeInteger(c.version) || c.version < 0) throw new TypeError('a check needs a version >= 0');
  }
  for (const m of mutations) {
    if (typeof m?.key !== 'string') throw new TypeError('a mutation needs a string key');
    if (m.op === 'set') {
      if (typeof m.value !== 'string') throw new TypeError('set needs a string value');
    } else if (m.op !== 'delete') {
      throw new TypeError(`unknown mutation op: ${m?.op}`);
    }
  }
}

/** Rows in any order -> items in the order asked (version 0 = absent).
 * @param {string[]} keys  @param {any[]} rows  @returns {StoreItem[]} */
export function itemsInOrder(keys, rows) {
  const byKey = new Map();
  for (const r of rows) byKey.set(r.key, r);
  return keys.map((key) => {
    const r = byKey.get(key);
    return r ? { key, value: r.value, version: Number(r.version) } : { key, version: 0 };
  });
}

/** @param {any[]} rows  @param {number} limit  @returns {{items: StoreItem[], more: boolean}} */
export function listPage(rows, limit) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map((r) => ({ key: r.key, value: r.value, version: Number(r.version) }));
  return { items, more };
}
