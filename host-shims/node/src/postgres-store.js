// The PostgreSQL store: many Node hosts on one database, keeping the store contract of
// wasm/ABI.md exactly as the SQLite store does (POSTGRES.md says why it is built this
// way). A commit is one statement, a call of the function `slotguard_commit`, which at
// READ COMMITTED takes a transaction-scoped advisory lock on a hash of every key the
// commit checks or writes (in one global order, so commits never deadlock each other),
// then checks and writes. A key that is absent has no row to lock, but it has a lock
// id, so "absent" is as stable as "at version 7" until the commit ends. Versions come
// from one sequence (never reused, even by transactions that rolled back); start-up
// raises it above every version in the table, so a restore cannot bring an old version
// back (ABA).
import { createHash } from 'node:crypto';
import { HostCallError, HOST_TIMEOUT } from '../../js-bridge/src/index.js';

export const DEFAULT_PG_POOL_SIZE = 10;
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 5000;

// Advisory lock classes (the two-int4 form of pg_advisory_xact_lock, which PostgreSQL
// keeps apart from the bigint form most applications use). 'SGKY' and 'SGGL' in ASCII.
const KEY_LOCK_CLASS = 0x53474b59;
const GLOBAL_LOCK_CLASS = 0x5347474c;
// Raised by slotguard_commit when the transaction is not READ COMMITTED: its snapshot
// would predate its locks. The adapter then reruns it inside BEGIN ISOLATION LEVEL
// READ COMMITTED (a caller's pool may default to another level).
const NOT_READ_COMMITTED = 'SG001';
// A client-side bound on every query, above the server's statement timeout so that the
// server, which knows whether the statement ran, normally answers first.
const CLIENT_TIMEOUT_MARGIN_MS = 2000;

/**
 * Schema migrations, applied in order at start-up. Each one is written to be safe to
 * run again (IF NOT EXISTS, OR REPLACE), because a restore may bring back some tables
 * and not the version table. Never edit a migration that has shipped: add one.
 */
const MIGRATIONS = [
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

/** Start-up, in one transaction under the exclusive global lock. */
async function migrate(client) {
  await client.query('BEGIN');
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
    const latest = MIGRATIONS.at(-1).version;
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

/** A stable 32-bit lock id for a key (collisions only make two commits wait). */
function lockId(key) {
  return createHash('sha256').update(key, 'utf8').digest().readInt32BE(0);
}

const bytes = (s) => Buffer.from(s, 'utf8');
const toItem = (r) => ({ key: r.key.toString('utf8'), value: r.value.toString('utf8'), version: Number(r.version) });

/**
 * The adapter's failure, as the bridge reports it to the core: a timeout (server or
 * client side, or no pooled connection in time) is host status 2, anything else 1.
 * Only the driver's message, never a parameter: keys and values may carry guest data.
 */
function hostError(op, error) {
  const message = `postgres store ${op}: ${error?.message ?? error}`;
  const timedOut =
    error?.code === '57014' || // statement_timeout
    error?.code === '55P03' || // lock_timeout
    /timeout/i.test(String(error?.message));
  return new HostCallError(message, timedOut ? HOST_TIMEOUT : undefined);
}

/**
 * @param {object} options
 * @param {string} [options.url] postgres:// connection string (the store makes and ends its own pool)
 * @param {import('pg').Pool} [options.pool] a caller's pool (the caller ends it)
 * @param {number} [options.poolSize] connections in the store's own pool
 * @param {number} [options.statementTimeoutMs] bound on every statement
 * @param {(fields: object) => void} [options.log] host log, for errors of idle connections
 */
export async function createPostgresStore({
  url,
  pool: callerPool,
  poolSize = DEFAULT_PG_POOL_SIZE,
  statementTimeoutMs = DEFAULT_PG_STATEMENT_TIMEOUT_MS,
  log = () => {},
} = {}) {
  if (!callerPool && !url) throw new TypeError('createPostgresStore: a url or a pool is required');
  const clientTimeoutMs = statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS;
  let pool = callerPool;
  if (!pool) {
    // Loaded here, so that hosts on SQLite or memory never load the driver.
    const { default: pg } = await import('pg');
    pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      statement_timeout: statementTimeoutMs,
      // Waiting for a pooled connection, or for a server that does not answer the
      // connect, must end too: a host call never hangs.
      connectionTimeoutMillis: clientTimeoutMs,
      keepAlive: true,
      application_name: 'slotguard',
    });
    // A connection that dies while idle is dropped by the pool, which then emits
    // 'error'; unheard, that event would end the process.
    pool.on('error', (error) => log({ level: 'warn', source: 'host', event: 'postgres_connection_lost', error: error.message }));
  }

  // Every query of the store: bounded on the client side as well (a server that stops
  // answering mid-statement), and the connection is dropped when that bound fires.
  const query = (text, values) => pool.query({ text, values, query_timeout: clientTimeoutMs });

  const client = await pool.connect().catch((error) => {
    if (!callerPool) pool.end().catch(() => {});
    throw new Error(`postgres store: cannot connect: ${error.message}`);
  });
  const lost = () => {}; // the migration's own query fails too; see runCommit
  client.on('error', lost);
  try {
    await migrate(client);
    client.off('error', lost);
    client.release();
  } catch (error) {
    client.off('error', lost);
    client.release(error);
    if (!callerPool) await pool.end().catch(() => {});
    throw new Error(`postgres store: schema migration failed: ${error.message}`);
  }

  // Set once a connection of the pool turned out to default to another isolation level:
  // a pool's connections share their settings, so the rest go straight to the fallback.
  let explicitTransaction = false;
  async function runCommit(params) {
    const text = 'SELECT slotguard_commit($1, $2, $3, $4, $5, $6, $7) AS ok';
    if (!explicitTransaction) {
      try {
        return (await query(text, params)).rows[0].ok;
      } catch (error) {
        if (error?.code !== NOT_READ_COMMITTED) throw error;
        explicitTransaction = true;
      }
    }
    // The connection's default isolation is higher (the caller's pool, or the database's
    // default_transaction_isolation): the same call in an explicit READ COMMITTED
    // transaction. The function refused before it did anything, so running it again is safe.
    const c = await pool.connect();
    let broken = null;
    // A connection lost between two statements is reported as an 'error' event (the
    // next query fails too); unheard, the event would end the process.
    const onError = (error) => (broken = error);
    c.on('error', onError);
    try {
      await c.query({ text: 'BEGIN ISOLATION LEVEL READ COMMITTED', query_timeout: clientTimeoutMs });
      const ok = (await c.query({ text, values: params, query_timeout: clientTimeoutMs })).rows[0].ok;
      await c.query({ text: 'COMMIT', query_timeout: clientTimeoutMs });
      return ok;
    } catch (error) {
      broken = error;
      await c.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      c.off('error', onError);
      c.release(broken ?? undefined);
    }
  }

  let closed = false;
  return {
    kind: 'postgres',
    pool,
    async read(keys) {
      let rows;
      try {
        // One statement: one snapshot, whatever the isolation level.
        ({ rows } = await query('SELECT key, value, version FROM slotguard_kv WHERE key = ANY($1::bytea[])', [keys.map(bytes)]));
      } catch (error) {
        throw hostError('read', error);
      }
      const found = new Map(rows.map((r) => [r.key.toString('utf8'), r]));
      return { items: keys.map((k) => (found.has(k) ? toItem(found.get(k)) : { key: k, version: 0 })) };
    },
    async list(start, end, limit, after = '') {
      let rows;
      try {
        // One extra row tells whether more remain.
        ({ rows } = await query(
          'SELECT key, value, version FROM slotguard_kv WHERE key >= $1 AND key < $2 AND key > $3 ORDER BY key LIMIT $4',
          [bytes(start), bytes(end), bytes(after), limit + 1],
        ));
      } catch (error) {
        throw hostError('list', error);
      }
      return { items: rows.slice(0, limit).map(toItem), more: rows.length > limit };
    },
    async commit(checks, mutations) {
      // Refuse a bad commit before it reaches the database: nothing of it is applied.
      for (const m of mutations) {
        if (m.op !== 'set' && m.op !== 'delete') throw new Error(`unknown mutation op: ${m.op}`);
        if (m.op === 'set' && typeof m.value !== 'string') throw new Error('set needs a string value');
      }
      const ids = [...new Set([...checks.map((c) => lockId(c.key)), ...mutations.map((m) => lockId(m.key))])].sort((a, b) => a - b);
      const params = [
        ids,
        checks.map((c) => bytes(c.key)),
        checks.map((c) => String(c.version)),
        mutations.map((m) => m.op),
        mutations.map((m) => bytes(m.key)),
        mutations.map((m) => (m.op === 'set' ? bytes(m.value) : null)),
        statementTimeoutMs,
      ];
      // Ordered locks make deadlocks among slotguard's own commits impossible; a lock id
      // that collides with another application's advisory lock could still close a
      // cycle, which PostgreSQL breaks by failing one side: try that commit again.
      for (let attempt = 1; ; attempt++) {
        try {
          return { outcome: (await runCommit(params)) ? 'committed' : 'conflict' };
        } catch (error) {
          if (error?.code === '40P01' && attempt < 3) continue;
          throw hostError('commit', error);
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // A caller's pool stays open: the caller owns it.
      if (!callerPool) await pool.end();
    },
  };
}
