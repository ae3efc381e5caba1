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
import {
  PG_SQL,
  commitParams,
  createPgCommitter,
  listAnswer,
  migrate,
  pgHostError,
  readAnswer,
} from '../../js-bridge/src/postgres-sql.js';

export const DEFAULT_PG_POOL_SIZE = 10;
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 5000;

/** @typedef {import('./index.js').PgPool} PgPool */

// The schema, the statements, the lock ids and the error mapping live in
// js-bridge/src/postgres-sql.js, shared with the Worker's Hyperdrive store: a Node host
// and a Worker on one database run the same SQL and lock the same ids.

// A client-side bound on every query, above the server's statement timeout so that the
// server, which knows whether the statement ran, normally answers first.
const CLIENT_TIMEOUT_MARGIN_MS = 2000;

/** @param {string} s */
const bytes = (s) => Buffer.from(s, 'utf8');
/** lockId of postgres-sql.js, at once: the first 4 bytes of the key's SHA-256, big-endian, signed.
 * @param {string} key */
const lockIdNow = (key) => createHash('sha256').update(key, 'utf8').digest().readInt32BE(0);
/** @param {string} op  @param {any} error */
const hostError = (op, error) => pgHostError('postgres store', op, error);

/**
 * @param {object} options
 * @param {string} [options.url] postgres:// connection string (the store makes and ends its own pool)
 * @param {PgPool} [options.pool] a caller's pool (the caller ends it)
 * @param {number} [options.poolSize] connections in the store's own pool
 * @param {number} [options.statementTimeoutMs] bound on every statement
 * @param {(fields: Record<string, unknown>) => void} [options.log] host log, for errors of idle connections
 * @param {import('./trace.js').Tracer | null} [options.tracer] bench-only timing of the pool wait and each statement
 * @returns {Promise<import('../../js-bridge/src/host-calls.js').StoreAdapter & {readonly kind: 'postgres', readonly pool: PgPool}>}
 */
export async function createPostgresStore({
  url,
  pool: callerPool,
  poolSize = DEFAULT_PG_POOL_SIZE,
  statementTimeoutMs = DEFAULT_PG_STATEMENT_TIMEOUT_MS,
  log = () => {},
  tracer = null,
} = {}) {
  if (!callerPool && !url) throw new TypeError('createPostgresStore: a url or a pool is required');
  const clientTimeoutMs = statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS;
  /** @type {PgPool} */
  let pool = /** @type {PgPool} */ (callerPool); // the caller's, or made here
  if (!pool) {
    // Loaded here, so that hosts on SQLite or memory never load the driver.
    const { default: pg } = await import('pg');
    const own = new pg.Pool({
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
    own.on('error', (/** @type {Error} */ error) => log({ level: 'warn', source: 'host', event: 'postgres_connection_lost', error: error.message }));
    pool = own;
  }

  // Every query of the store: bounded on the client side as well (a server that stops
  // answering mid-statement), and the connection is dropped when that bound fires.
  const untracedQuery = (text, values) => pool.query({ text, values, query_timeout: clientTimeoutMs });
  // Traced (bench only): the wait for a pooled connection apart from the statement.
  const tracedQuery = async (text, values) => {
    const t = /** @type {import('./trace.js').Tracer} */ (tracer);
    const c = await t.span('pg.pool', () => pool.connect());
    let failed;
    try {
      return await t.span(`pg.${text.slice(0, 24)}`, () => c.query({ text, values, query_timeout: clientTimeoutMs }));
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      c.release(failed);
    }
  };
  const query = tracer ? tracedQuery : untracedQuery;

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

  const commitWith = createPgCommitter(hostError);
  // The explicit transaction ends on the server when its client falls silent for as
  // long as a statement may run (a COMMIT held up in the network, a client gone without
  // a word): its locks are freed, and a COMMIT that arrives later finds no transaction
  // to commit, so it cannot land after the client gave up on it (the client waits
  // clientTimeoutMs, longer). SET LOCAL, not a connection parameter: it holds on a
  // caller's pool too, and PgBouncer need not know it.
  const beginExplicit = `${PG_SQL.beginReadCommitted}; SET LOCAL idle_in_transaction_session_timeout = ${statementTimeoutMs}`;
  // The connection's default isolation is higher (the caller's pool, or the database's
  // default_transaction_isolation): the same call in an explicit READ COMMITTED
  // transaction, on a connection of its own.
  async function explicitCommit(params) {
    const c = await pool.connect();
    let broken = null;
    // A connection lost between two statements is reported as an 'error' event (the
    // next query fails too); unheard, the event would end the process.
    const onError = (error) => (broken = error);
    c.on('error', onError);
    try {
      await c.query({ text: beginExplicit, query_timeout: clientTimeoutMs });
      const ok = (await c.query({ text: PG_SQL.commit, values: params, query_timeout: clientTimeoutMs })).rows[0].ok;
      await c.query({ text: 'COMMIT', query_timeout: clientTimeoutMs });
      return ok;
    } catch (error) {
      // No ROLLBACK: the connection is dropped (release with the error), and the server
      // rolls back a transaction whose connection ends. A ROLLBACK would queue behind
      // the statement that timed out and wait, unbounded, for a link that carries
      // nothing to carry it again.
      broken = error;
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
        ({ rows } = await query(PG_SQL.read, [keys.map(bytes)]));
      } catch (error) {
        throw hostError('read', error);
      }
      return readAnswer(keys, rows);
    },
    async list(start, end, limit, after = '') {
      let rows;
      try {
        ({ rows } = await query(PG_SQL.list, [bytes(start), bytes(end), bytes(after), limit + 1]));
      } catch (error) {
        throw hostError('list', error);
      }
      return listAnswer(rows, limit);
    },
    async commit(checks, mutations) {
      // A malformed commit is refused here, before it reaches the database.
      const made = () => commitParams(checks, mutations, bytes, statementTimeoutMs, lockIdNow);
      const params = await (tracer ? tracer.span('pg.commitParams', made) : made());
      return commitWith((once) =>
        once(async () => (await query(PG_SQL.commit, params)).rows[0].ok, () => explicitCommit(params)),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      // A caller's pool stays open: the caller owns it.
      if (!callerPool) await pool.end();
    },
  };
}
