// The durable store: SQLite through better-sqlite3, keeping the store contract of
// wasm/ABI.md. Keys are BLOBs so SQLite orders them bytewise (memcmp), which is the
// order the contract asks for. One global counter in `meta` hands out versions, so a
// key that is deleted and set again never repeats a version. Opening a file raises the
// counter to the highest version in `kv` if it is below it (rows restored from a
// backup, copied in from another file, or a `meta` lost or never made): a version
// handed out again would let a check by a reader that saw the older row pass (ABA).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULT_DB_PATH = './data/slotguard.db';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kv (
    key BLOB PRIMARY KEY,
    value BLOB NOT NULL,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
`;
// In one IMMEDIATE transaction, so two processes opening one file cannot interleave.
const RAISE_COUNTER = `
  INSERT OR IGNORE INTO meta (name, value) VALUES ('version_counter', 0);
  UPDATE meta SET value = (SELECT MAX(version) FROM kv)
    WHERE name = 'version_counter' AND value < (SELECT COALESCE(MAX(version), 0) FROM kv);
`;

const key = (k) => Buffer.from(k, 'utf8');
const row = (r) => ({ key: r.key.toString('utf8'), value: r.value.toString('utf8'), version: r.version });

/**
 * @param {{path?: string, busyTimeoutMs?: number}} [options]
 */
export function createSqliteStore({ path = DEFAULT_DB_PATH, busyTimeoutMs = 5000 } = {}) {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  // WAL lets readers proceed during a commit; NORMAL is durable across application
  // crashes (a power loss may drop the last commits, never corrupt the file).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.exec(SCHEMA);
  db.transaction(() => db.exec(RAISE_COUNTER)).immediate();

  const getOne = db.prepare('SELECT key, value, version FROM kv WHERE key = ?');
  const getVersion = db.prepare('SELECT version FROM kv WHERE key = ?').pluck();
  const range = db.prepare(
    'SELECT key, value, version FROM kv WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?',
  );
  const upsert = db.prepare(
    'INSERT INTO kv (key, value, version) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version',
  );
  const remove = db.prepare('DELETE FROM kv WHERE key = ?');
  const getCounter = db.prepare("SELECT value FROM meta WHERE name = 'version_counter'").pluck();
  const setCounter = db.prepare("UPDATE meta SET value = ? WHERE name = 'version_counter'");

  // Reads run in a (deferred) transaction: several keys come from one snapshot even
  // if another process writes the file in between.
  const readTxn = db.transaction((keys) =>
    keys.map((k) => {
      const r = getOne.get(key(k));
      return r ? row(r) : { key: k, version: 0 };
    }),
  );

  const listTxn = db.transaction((start, end, limit, after) => {
    // One extra row tells whether more remain.
    const rows = range.all(key(start), key(end), key(after), limit + 1);
    return { items: rows.slice(0, limit).map(row), more: rows.length > limit };
  });

  const commitTxn = db.transaction((checks, mutations) => {
    for (const c of checks) {
      if ((getVersion.get(key(c.key)) ?? 0) !== c.version) return { outcome: 'conflict' };
    }
    let counter = getCounter.get();
    for (const m of mutations) {
      if (m.op === 'set') upsert.run(key(m.key), Buffer.from(m.value, 'utf8'), ++counter);
      else if (m.op === 'delete') remove.run(key(m.key));
      else throw new Error(`unknown mutation op: ${m.op}`); // rolls the whole commit back
    }
    setCounter.run(counter);
    return { outcome: 'committed' };
  });

  let closed = false;
  return {
    kind: 'sqlite',
    path,
    async read(keys) {
      return { items: readTxn(keys) };
    },
    async list(start, end, limit, after = '') {
      return listTxn(start, end, limit, after);
    },
    async commit(checks, mutations) {
      // IMMEDIATE takes the write lock up front, so the checks and the writes see the
      // same state even with other processes on the file.
      return commitTxn.immediate(checks, mutations);
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
