// The PostgreSQL side of the store contract, shared by the Node host's PostgreSQL store
// (host-shims/node/src/postgres-store.js) and the Worker's Hyperdrive store
// (host-shims/cloudflare/src/hyperdrive-store.js): the schema migrations, the read,
// list and commit statements, the advisory-lock ids and the error mapping. One module,
// so that a Node host and a Worker on the same database run the same SQL and take the
// same lock for the same key (host-shims/node/POSTGRES.md says why it is built so).
//
// It needs no driver of its own: every function takes a `query(text, values)` that
// returns `{rows}` (a pg Client or Pool does), and it uses only web APIs
// (crypto.subtle, TextEncoder/TextDecoder), so it runs in Node and in workerd alike.
// Not exported from index.js: only the two PostgreSQL stores import it.
import { HostCallError, HOST_TIMEOUT } from './host-calls.js';
/** @typedef {import('./host-calls.js').StoreItem} StoreItem */
/** @typedef {import('./host-calls.js').StoreCheck} StoreCheck */
/** @typedef {import('./host-calls.js').StoreMutation} StoreMutation */

// Advisory lock classes (the two-int4 form of pg_advisory_xact_lock, which PostgreSQL
// keeps apart from the bigint form most applications use). 'SGKY' and 'SGGL' in ASCII.
export const KEY_LOCK_CLASS = 0x53474b59;
export const GLOBAL_LOCK_CLASS = 0x5347474c;
// Raised by slotguard_commit when the transaction is not READ COMMITTED: its snapshot
// would predate its locks. The store then reruns it inside BEGIN ISOLATION LEVEL
// READ COMMITTED (a caller's pool, or a database default, may use another level).
export const NOT_READ_COMMITTED = 'SG001';

/**
 * Schema migrations, applied in order at start-up. Each one is written to be safe to
 * run again (IF NOT EXISTS, OR REPLACE), because a restore may bring back some tables
 * and not the version table. Never edit a migration that has shipped: add one.
 */
export const MIGRATIONS = [
  {
    version: 1,
    sql: `
      -- bytea keys compare bytewise (memcmp): the order the contract asks for, whatever
      -- the database's encoding and collation. Values are bytea too, so no encoding or
      -- NUL rule of text can refuse what the core stores.
      CREATE TABLE IF NOT EXISTS slotguard_kv (
        key bytea PRIMARY KEY,
        value bytea NOT NULL,
        version bigint NOT NULL
      );
      -- CACHE 1: with a per-session cache, two hosts would hand out versions out of
      -- order, and a key's version could go down.
      CREATE SEQUENCE IF NOT EXISTS slotguard_version_seq AS bigint MINVALUE 1 CACHE 1 NO CYCLE;

      CREATE OR REPLACE FUNCTION slotguard_commit(
        lock_ids integer[],        -- hashes of every key checked or written, sorted, distinct
        check_keys bytea[],
        check_versions bigint[],   -- 0: the key must be absent
        ops text[],                -- 'set' | 'delete', applied in order
        mut_keys bytea[],
        mut_values bytea[],        -- NULL for a delete
        lock_timeout_ms integer    -- 0: no bound of its own (statement_timeout still applies)
      ) RETURNS boolean
      LANGUAGE plpgsql VOLATILE
      SET search_path FROM CURRENT
      AS $fn$
      DECLARE
        lock_id integer;
        i integer;
      BEGIN
        -- At READ COMMITTED every statement below takes a fresh snapshot, so the checks
        -- see whatever the previous holder of a lock committed. At a higher level the
        -- snapshot is the statement's start, older than the locks: refuse, the adapter
        -- reruns at READ COMMITTED.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'slotguard_commit must run at READ COMMITTED' USING ERRCODE = '${NOT_READ_COMMITTED}';
        END IF;
        IF lock_timeout_ms > 0 THEN
          PERFORM set_config('lock_timeout', lock_timeout_ms || 'ms', true);
        END IF;
        -- Shared: commits run side by side; start-up takes it exclusively for the moment
        -- it raises the version sequence.
        PERFORM pg_advisory_xact_lock_shared(${GLOBAL_LOCK_CLASS}, 0);
        -- One at a time, in the order given (ascending for every caller): no deadlocks.
        FOREACH lock_id IN ARRAY lock_ids LOOP
          PERFORM pg_advisory_xact_lock(${KEY_LOCK_CLASS}, lock_id);
        END LOOP;
        IF EXISTS (
          SELECT 1 FROM unnest(check_keys, check_versions) AS c(k, v)
          LEFT JOIN slotguard_kv kv ON kv.key = c.k
          WHERE COALESCE(kv.version, 0) <> c.v
        ) THEN
          RETURN false;
        END IF;
        FOR i IN 1 .. COALESCE(array_length(ops, 1), 0) LOOP
          IF ops[i] = 'set' THEN
            INSERT INTO slotguard_kv (key, value, version)
              VALUES (mut_keys[i], mut_values[i], nextval('slotguard_version_seq'))
              ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version;
          ELSIF ops[i] = 'delete' THEN
            DELETE FROM slotguard_kv WHERE key = mut_keys[i];
          ELSE
            RAISE EXCEPTION 'unknown mutation op: %', ops[i];
          END IF;
        END LOOP;
        RETURN true;
      END
      $fn$;
    `,
  },
];

/** The statements of the store: reads, lists and commits are one statement each. */
export const PG_SQL = {
  // One statement: one snapshot, whatever the isolation level.
  read: 'SELECT key, value, version FROM slotguard_kv WHERE key = ANY($1::bytea[])',
  // One extra row (LIMIT limit + 1) tells whether more remain.
  list: 'SELECT key, value, version FROM slotguard_kv WHERE key >= $1 AND key < $2 AND key > $3 ORDER BY key LIMIT $4',
  commit: 'SELECT slotguard_commit($1, $2, $3, $4, $5, $6, $7) AS ok',
  beginReadCommitted: 'BEGIN ISOLATION LEVEL READ COMMITTED',
};

/**
 * Applies the migrations, in one transaction under the exclusive global lock, and
 * raises the version sequence above every stored version. `client` must be ONE
 * connection (a pg Client, or a Pool's checked-out client): BEGIN..COMMIT spans calls.
 * @param {{query: (text: string, values?: any[]) => Promise<{rows: object[]}>}} client
 */
export async function migrate(client) {
  // READ COMMITTED whatever the connection's default: at REPEATABLE READ or SERIALIZABLE
  // the snapshot would be taken before the lock is granted, so a host that waited for
  // another's migration would not see it, and would fail (duplicate version, 40001).
  await client.query(PG_SQL.beginReadCommitted);
  try {
    // Exclusive: hosts starting together migrate one after the other, and no commit is
    // in flight while the sequence is read and raised.
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [GLOBAL_LOCK_CLASS]);
    await client.query(`CREATE TABLE IF NOT EXISTS slotguard_schema_version (
      version integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM slotguard_schema_version');
    const current = Number(rows[0].v);
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
    if (current > latest) {
      throw new Error(`the database has schema version ${current}, newer than this host knows (${latest}): upgrade the host`);
    }
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO slotguard_schema_version (version) VALUES ($1)', [m.version]);
    }
    // A restore can bring back the rows without the sequence, or an older sequence with
    // newer rows: make sure it exists and hands out only versions above every row's.
    await client.query('CREATE SEQUENCE IF NOT EXISTS slotguard_version_seq AS bigint MINVALUE 1 CACHE 1 NO CYCLE');
    const seq = (await client.query('SELECT last_value, is_called FROM slotguard_version_seq')).rows[0];
    const next = BigInt(seq.last_value) + (seq.is_called ? 1n : 0n);
    const max = BigInt((await client.query('SELECT COALESCE(MAX(version), 0) AS m FROM slotguard_kv')).rows[0].m);
    if (max >= next) await client.query("SELECT setval('slotguard_version_seq', $1, true)", [max.toString()]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stable 32-bit lock id for a key: the first 4 bytes of its SHA-256, big-endian, signed.
 * @param {string} key  @returns {Promise<number>} */
export async function lockId(key) {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(key));
  return new DataView(digest).getInt32(0, false);
}

/** Refuses a malformed commit before it reaches the database: nothing of it is applied.
 * @param {{op: string, value?: unknown}[]} mutations  as the adapter received them */
export function validateMutations(mutations) {
  for (const m of mutations) {
    if (m.op !== 'set' && m.op !== 'delete') throw new Error(`unknown mutation op: ${m.op}`);
    if (m.op === 'set' && typeof m.value !== 'string') throw new Error('set needs a string value');
  }
}

/**
 * The parameters of PG_SQL.commit. `bytes(text)` makes the driver's bytea value (a
 * Buffer for pg).
 * @param {StoreCheck[]} checks
 * @param {StoreMutation[]} mutations
 * @param {(text: string) => unknown} bytes
 * @param {number} lockTimeoutMs
 * @param {((key: string) => number) | null} [lockIdSync]  the same id as lockId, computed at
 *   once (the Node store's node:crypto); without it, crypto.subtle, which answers later
 */
export async function commitParams(checks, mutations, bytes, lockTimeoutMs, lockIdSync = null) {
  validateMutations(mutations);
  const keys = [...new Set([...checks.map((c) => c.key), ...mutations.map((m) => m.key)])];
  const hashed = lockIdSync ? keys.map(lockIdSync) : await Promise.all(keys.map(lockId));
  const ids = [...new Set(hashed)].sort((a, b) => a - b);
  return [
    ids,
    checks.map((c) => bytes(c.key)),
    checks.map((c) => String(c.version)),
    mutations.map((m) => m.op),
    mutations.map((m) => bytes(m.key)),
    mutations.map((m) => (m.op === 'set' ? bytes(m.value) : null)),
    lockTimeoutMs,
  ];
}

/** bytea (a Buffer / Uint8Array) -> text */
const text = (b) => (typeof b === 'string' ? b : decoder.decode(b));

/** A row of PG_SQL.read / PG_SQL.list -> the item of wasm/ABI.md.
 * @type {(r: any) => StoreItem} */
export const toItem = (r) => ({ key: text(r.key), value: text(r.value), version: Number(r.version) });

/** The answer of a read, in the order asked; version 0 for a key without a row.
 * @param {string[]} keys  @param {any[]} rows  @returns {{items: StoreItem[]}} */
export function readAnswer(keys, rows) {
  const found = new Map(rows.map((r) => [text(r.key), r]));
  return { items: keys.map((k) => (found.has(k) ? toItem(found.get(k)) : { key: k, version: 0 })) };
}

/** The answer of a list of `limit` from the rows of PG_SQL.list (asked with limit + 1).
 * @type {(rows: any[], limit: number) => {items: StoreItem[], more: boolean}} */
export const listAnswer = (rows, limit) => ({ items: rows.slice(0, limit).map(toItem), more: rows.length > limit });

/**
 * The store's failure, as the bridge reports it to the core: a timeout (server or
 * client side, or no connection in time) is host status 2, anything else 1.
 * Only the driver's message, never a parameter: keys and values may carry guest data.
 * @param {string} storeName  @param {string} op  @param {any} error  @returns {HostCallError}
 */
export function pgHostError(storeName, op, error) {
  const message = `${storeName} ${op}: ${error?.message ?? error}`;
  const timedOut =
    error?.code === '57014' || // statement_timeout
    error?.code === '55P03' || // lock_timeout
    /timeout/i.test(String(error?.message));
  return new HostCallError(message, timedOut ? HOST_TIMEOUT : undefined);
}

/** Ordered locks make deadlocks among slotguard's own commits impossible; a lock id that
 * collides with another application's advisory lock could still close a cycle, which
 * PostgreSQL breaks by failing one side (40P01): the commit is tried again this often. */
export const DEADLOCK_ATTEMPTS = 3;
export const DEADLOCK_DETECTED = '40P01';

/**
 * The commit as both PostgreSQL stores run it. slotguard_commit runs straight, or, once a
 * connection turned out to default to a higher isolation level (the function refuses
 * with NOT_READ_COMMITTED before it does anything, so running it again is safe), inside
 * an explicit READ COMMITTED transaction from then on; a deadlock is tried again
 * (DEADLOCK_ATTEMPTS). The store keeps its own connections: `attempt(once)` makes one
 * try, calling once(direct, explicit) where it holds a connection, each of which runs
 * the function one way and answers whether it committed.
 * @param {(op: string, error: any) => Error} hostError
 * @returns {(attempt: (once: Once) => Promise<boolean>) => Promise<{outcome: 'committed' | 'conflict'}>}
 */
export function createPgCommitter(hostError) {
  let explicitTransaction = false;
  /** @typedef {(direct: () => Promise<boolean>, explicit: () => Promise<boolean>) => Promise<boolean>} Once */
  /** @type {Once} */
  async function once(direct, explicit) {
    if (!explicitTransaction) {
      try {
        return await direct();
      } catch (error) {
        if (error?.code !== NOT_READ_COMMITTED) throw error;
        explicitTransaction = true;
      }
    }
    return explicit();
  }
  return async function commit(attempt) {
    for (let n = 1; ; n++) {
      try {
        return { outcome: (await attempt(once)) ? 'committed' : 'conflict' };
      } catch (error) {
        if (error?.code === DEADLOCK_DETECTED && n < DEADLOCK_ATTEMPTS) continue;
        throw error instanceof HostCallError ? error : hostError('commit', error);
      }
    }
  };
}
