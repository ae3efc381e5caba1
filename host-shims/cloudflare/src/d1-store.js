// The store of wasm/ABI.md on Cloudflare D1.
//
// D1 has no interactive transactions (it rejects BEGIN), but it runs each `batch()` as
// ONE SQLite transaction: statements run in order, and if any statement fails, the
// whole batch is rolled back and the call rejects. So a commit is a single batch:
//
//   1. one guard statement per check. It inserts a row into kv_guard exactly when the
//      key's version differs from the expected one (0 = must be absent); kv_guard's
//      CHECK constraint refuses every row, so a failed check FAILS the statement and
//      D1 rolls back the batch: nothing after it (and nothing before it) is applied.
//   2. the version counter bump (past every version already in kv, see schema.js),
//   3. the mutations (upsert with the new counter value, or delete).
//
// A rejection whose message names the guard's constraint is a conflict; any other
// rejection is a host failure (the core answers 503 and assumes nothing committed,
// which is true: D1 applied nothing). README.md has the SQL and the argument.
import { CONFLICT_CONSTRAINT, READ_CHUNK, SQL, itemsInOrder, listPage, validateCommit } from './schema.js';

/** True when a rejected D1 batch failed on a commit check (and not on anything else).
 * @param {any} error  @returns {boolean} */
export function isConflictError(error) {
  for (let e = error, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (String(e.message ?? e).includes(CONFLICT_CONSTRAINT)) return true;
  }
  return false;
}

/**
 * @param {D1Database} db  the D1 binding (env.DB)
 * @returns {import('../../js-bridge/src/host-calls.js').StoreAdapter & {kind: 'd1'}}
 */
export function createD1Store(db) {
  if (!db || typeof db.batch !== 'function') throw new TypeError('the D1 binding DB is missing');

  return {
    kind: 'd1',

    async read(keys) {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return { items: [] };
      let rows;
      if (unique.length <= READ_CHUNK) {
        // One statement: one snapshot.
        rows = (await db.prepare(SQL.readKeys(unique.length)).bind(...unique).all()).results;
      } else {
        // Several statements in one batch: still one transaction, so one snapshot.
        const stmts = [];
        for (let i = 0; i < unique.length; i += READ_CHUNK) {
          const chunk = unique.slice(i, i + READ_CHUNK);
          stmts.push(db.prepare(SQL.readKeys(chunk.length)).bind(...chunk));
        }
        rows = (await db.batch(stmts)).flatMap((r) => r.results);
      }
      return { items: itemsInOrder(keys, rows) };
    },

    async list(start, end, limit, after = '') {
      const n = Math.max(1, Math.floor(limit));
      const { results } = await db.prepare(SQL.list).bind(start, end, after ?? '', n + 1).all();
      return listPage(results, n);
    },

    async commit(checks, mutations) {
      validateCommit(checks, mutations);
      const stmts = checks.map((c) => db.prepare(SQL.guard).bind(c.key, c.version));
      if (mutations.length > 0) {
        stmts.push(db.prepare(SQL.bump));
        for (const m of mutations) {
          stmts.push(m.op === 'set' ? db.prepare(SQL.set).bind(m.key, m.value) : db.prepare(SQL.delete).bind(m.key));
        }
      }
      if (stmts.length === 0) return { outcome: 'committed' };
      try {
        await db.batch(stmts);
      } catch (error) {
        if (isConflictError(error)) return { outcome: 'conflict' };
        throw error;
      }
      return { outcome: 'committed' };
    },
  };
}
