// The store of wasm/ABI.md on a Durable Object's SQLite storage.
//
// Mapping: by default ONE object holds every key of a deployment (its name is
// SLOTGUARD_DO_NAME, default "slotguard"). Every read, list and commit therefore runs
// inside that one object, and no commit ever spans two objects. With
// SLOTGUARD_DO_MODE = "per-expert" the same class holds one expert's keys per object
// (per-expert.js): the Worker gives each request's task the store of ONE object, so
// there too every commit stays inside one object.
//
// Atomicity: an object runs one event at a time, and each method below is fully
// synchronous (no await between reading the versions and writing), so no other call
// can interleave with it. The commit additionally runs in
// ctx.storage.transactionSync(), so if a statement throws halfway, SQLite rolls back
// what the commit had written. The output gate holds the RPC reply until the writes
// are durable, so the Worker never reports a commit that could be lost.
import { DurableObject } from 'cloudflare:workers';
import { READ_CHUNK, SCHEMA_STATEMENTS, SQL, itemsInOrder, listPage, validateCommit } from './schema.js';

/** @typedef {import('../../js-bridge/src/host-calls.js').StoreAdapter} StoreAdapter */

export class SlotguardStore extends DurableObject {
  /** @param {DurableObjectState} ctx  @param {unknown} env */
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Synchronous SQL in the constructor: done before the first call is delivered.
    for (const s of SCHEMA_STATEMENTS) this.sql.exec(s);
  }

  /** @param {string[]} keys */
  read(keys) {
    const unique = [...new Set(keys)];
    const rows = [];
    for (let i = 0; i < unique.length; i += READ_CHUNK) {
      const chunk = unique.slice(i, i + READ_CHUNK);
      rows.push(...this.sql.exec(SQL.readKeys(chunk.length), ...chunk).toArray());
    }
    return { items: itemsInOrder(keys, rows) };
  }

  /** @param {string} start  @param {string} end  @param {number} limit  @param {string} [after] */
  list(start, end, limit, after = '') {
    const n = Math.max(1, Math.floor(limit));
    return listPage(this.sql.exec(SQL.list, start, end, after ?? '', n + 1).toArray(), n);
  }

  /**
   * @param {import('../../js-bridge/src/host-calls.js').StoreCheck[]} checks
   * @param {import('../../js-bridge/src/host-calls.js').StoreMutation[]} mutations
   * @returns {{outcome: 'committed' | 'conflict'}}
   */
  commit(checks, mutations) {
    validateCommit(checks, mutations);
    return this.ctx.storage.transactionSync(() => {
      for (const c of checks) {
        const row = this.sql.exec(SQL.version, c.key).toArray()[0];
        if (Number(row?.version ?? 0) !== c.version) return { outcome: 'conflict' };
      }
      if (mutations.length > 0) {
        // Past the counter and every row in kv: restored rows never see a version again.
        this.sql.exec(SQL.bump);
        for (const m of mutations) {
          if (m.op === 'set') this.sql.exec(SQL.set, m.key, m.value);
          else this.sql.exec(SQL.delete, m.key);
        }
      }
      return { outcome: 'committed' };
    });
  }
}

/**
 * The Worker's side: forwards store calls to the one object over RPC (arguments and
 * answers are the JSON objects of wasm/ABI.md, structured-cloned).
 * @param {DurableObjectNamespace} namespace  env.SLOTGUARD_STORE_DO
 * @param {string} name  the object's name
 * @returns {StoreAdapter & {kind: 'durable_object'}}
 */
export function createDurableObjectStore(namespace, name = 'slotguard') {
  if (!namespace || typeof namespace.idFromName !== 'function') {
    throw new TypeError('the Durable Object binding SLOTGUARD_STORE_DO is missing');
  }
  const id = namespace.idFromName(name);
  // A stub is an I/O object of the request that made it: make one per call, in the
  // context of the request whose task is asking (cheap; the id is reused).
  const stub = () => namespace.get(id);
  return {
    kind: 'durable_object',
    read: (keys) => stub().read(keys),
    list: (start, end, limit, after = '') => stub().list(start, end, limit, after),
    commit: (checks, mutations) => stub().commit(checks, mutations),
  };
}
