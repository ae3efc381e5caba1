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

/** @param {string} k */
const key = (k) => Buffer.from(k, 'utf8');
const row = (r) => ({ key: r.key.toString('utf8'), value: r.value.toString('utf8'), version: r.version });

/**
 * @param {{path?: string, busyTimeoutMs?: number}} [options]
 * @returns {import('../../js-bridge/src/host-calls.js').StoreAdapter & {readonly kind: 'sqlite', readonly path: string}}
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

  // Rows as arrays, not objects: a read is the hottest call of every request.
  const getOne = db.prepare('SELECT value, version FROM kv WHERE key = ?').raw(true);
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

  // Group commit. Calls that arrive together (the tasks in flight resume in one turn
  // of the event loop) are carried out together, in a microtask queued by the first
  // (setImmediate batched no more at 32 in flight and cost a loop turn per call at 1):
  // - reads: one deferred transaction for the whole batch. Each read still sees one
  //   consistent snapshot (the batch's), which is all the contract asks of a read.
  // - commits: one IMMEDIATE transaction for the whole batch, each commit in a
  //   savepoint of its own, in arrival order. A commit's checks are judged against
  //   the state the earlier commits of the batch left; a commit that fails its checks
  //   writes nothing, and one that throws (a bad mutation) is rolled back to its
  //   savepoint; neither touches the others. Every caller gets its own outcome. If the
  //   transaction itself cannot begin or commit, every commit of the batch fails (none
  //   was applied), and each caller gets the error: what one failing commit got before.
  // One transaction per batch instead of one per call is where the time goes back.
  const stmt = (sql) => db.prepare(sql);
  const BEGIN_READ = stmt('BEGIN');
  const BEGIN_WRITE = stmt('BEGIN IMMEDIATE');
  const COMMIT = stmt('COMMIT');
  const ROLLBACK = stmt('ROLLBACK');
  const SAVEPOINT = stmt('SAVEPOINT sg_commit');
  const RELEASE = stmt('RELEASE sg_commit');
  const ROLLBACK_TO = stmt('ROLLBACK TO sg_commit');

  let reads = []; // {keys, resolve, reject}
  let lists = []; // {start, end, limit, after, resolve, reject}
  let commits = []; // {checks, mutations, resolve, reject}
  let scheduled = false;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  }

  function readOne(keys) {
    return keys.map((k) => {
      const r = getOne.get(key(k));
      return r ? { key: k, value: r[0].toString('utf8'), version: r[1] } : { key: k, version: 0 };
    });
  }

  function listOne(start, end, limit, after) {
    // One extra row tells whether more remain.
    const rows = range.all(key(start), key(end), key(after), limit + 1);
    return { items: rows.slice(0, limit).map(row), more: rows.length > limit };
  }

  /** Runs `each` for every queued call inside one transaction begun with `begin`;
   * `last` runs just before COMMIT.
   * @param {{run(): unknown}} begin  @param {any[]} batch  @param {(call: any) => unknown} each
   * @param {(() => void) | null} [last] */
  function inTransaction(begin, batch, each, last = null) {
    try {
      begin.run();
    } catch (error) {
      for (const c of batch) c.reject(error);
      return;
    }
    const outcomes = [];
    for (const c of batch) {
      try {
        outcomes.push({ ok: true, value: each(c) });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    try {
      last?.();
      COMMIT.run();
    } catch (error) {
      if (db.inTransaction) ROLLBACK.run();
      for (const c of batch) c.reject(error);
      return;
    }
    batch.forEach((c, i) => (outcomes[i].ok ? c.resolve(outcomes[i].value) : c.reject(outcomes[i].error)));
  }

  function judge(counter, { checks, mutations }) {
    for (const c of checks) {
      if ((getVersion.get(key(c.key)) ?? 0) !== c.version) return { outcome: 'conflict' };
    }
    for (const m of mutations) {
      if (m.op === 'set') upsert.run(key(m.key), Buffer.from(m.value, 'utf8'), ++counter.value);
      else if (m.op === 'delete') remove.run(key(m.key));
      else throw new Error(`unknown mutation op: ${m.op}`);
    }
    return { outcome: 'committed' };
  }

  function flushCommits(batch) {
    let counter = null;
    inTransaction(BEGIN_WRITE, batch, (c) => {
      // An error that ended the whole transaction (disk full, I/O) took the earlier
      // commits with it: a SAVEPOINT now would open a new one. Fail the batch instead.
      if (!db.inTransaction) throw new Error('the batch transaction was lost');
      // Read inside the IMMEDIATE transaction: other processes may have moved it.
      counter ??= { value: getCounter.get() };
      const before = counter.value;
      SAVEPOINT.run();
      try {
        const result = judge(counter, c);
        RELEASE.run();
        return result;
      } catch (error) {
        counter.value = before; // the versions it took are rolled back with it
        ROLLBACK_TO.run();
        RELEASE.run();
        throw error;
      }
    }, () => {
      if (counter) setCounter.run(counter.value);
    });
  }

  function flush() {
    scheduled = false;
    if (closed) return;
    const r = reads;
    const l = lists;
    const c = commits;
    reads = [];
    lists = [];
    commits = [];
    if (c.length) flushCommits(c);
    if (r.length === 1 && l.length === 0 && r[0].keys.length === 1) {
      // One key alone: a single SELECT is its own snapshot, no transaction needed.
      try {
        r[0].resolve({ items: readOne(r[0].keys) });
      } catch (error) {
        r[0].reject(error);
      }
    } else if (r.length || l.length) {
      inTransaction(BEGIN_READ, [...r, ...l], (q) => (q.keys ? { items: readOne(q.keys) } : listOne(q.start, q.end, q.limit, q.after)));
    }
  }

  /** @type {(queue: object[], call: object) => Promise<any>} */
  const enqueue = (queue, call) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('the SQLite store is closed'));
      queue.push({ ...call, resolve, reject });
      schedule();
    });

  let closed = false;
  return {
    kind: 'sqlite',
    path,
    read(keys) {
      return enqueue(reads, { keys });
    },
    list(start, end, limit, after = '') {
      return enqueue(lists, { start, end, limit, after });
    },
    commit(checks, mutations) {
      return enqueue(commits, { checks, mutations });
    },
    async close() {
      if (closed) return;
      flush(); // what was queued before close is answered, not dropped
      closed = true;
      db.close();
    },
  };
}
