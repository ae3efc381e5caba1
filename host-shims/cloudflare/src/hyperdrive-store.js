// The store of wasm/ABI.md on PostgreSQL, reached through a Hyperdrive binding
// (SLOTGUARD_STORE = "hyperdrive", binding HYPERDRIVE). It runs the very SQL of the Node
// host's PostgreSQL store, from js-bridge/src/postgres-sql.js: the same migrations, the
// same one-statement commit (slotguard_commit: advisory locks per key at READ
// COMMITTED), the same lock ids, so Workers and Node hosts can share one database
// (host-shims/node/POSTGRES.md has the argument).
//
// Driver: npm pg, which in workerd connects through cloudflare:sockets (pg-cloudflare);
// it needs the nodejs_compat flag, so only the entry src/worker-hyperdrive.js imports
// this module and the default entry stays free of it.
//
// One connection per store call: a Worker cannot keep a socket across requests (I/O
// objects belong to the request that made them), and each store call is made from its
// own request's context. Hyperdrive keeps the pool to the database, so a connect is
// a short hop to it. The schema migration runs once per isolate, on the first call.
import pg from 'pg';
import {
  DEADLOCK_DETECTED,
  PG_SQL,
  commitParams,
  createPgCommitter,
  listAnswer,
  migrate,
  pgHostError,
  readAnswer,
} from '../../js-bridge/src/postgres-sql.js';

/** @param {string} s */
const bytes = (s) => Buffer.from(s, 'utf8');
/** @param {string} op  @param {any} error */
const hostError = (op, error) => pgHostError('hyperdrive store', op, error);

/**
 * @param {{connectionString: string}} hyperdrive  env.HYPERDRIVE
 * @param {object} [o]
 * @param {number} [o.statementTimeoutMs]  bound on lock waits inside the commit and on
 *   every query from the client's side (the Worker's store deadline bounds the call too)
 * @param {(fields: object) => void} [o.log]
 * @returns {import('../../js-bridge/src/host-calls.js').StoreAdapter & {kind: 'hyperdrive'}}
 */
export function createHyperdriveStore(hyperdrive, { statementTimeoutMs = 5000, log = () => {} } = {}) {
  if (!hyperdrive || typeof hyperdrive.connectionString !== 'string') {
    throw new TypeError('the Hyperdrive binding HYPERDRIVE is missing');
  }
  let migrated = false;
  const commitWith = createPgCommitter(hostError);

  /**
   * Opens a connection, migrates on the isolate's first call, runs fn, closes.
   * @template T
   * @param {string} op  @param {(client: any) => Promise<T>} fn  @returns {Promise<T>}
   */
  async function withClient(op, fn) {
    const client = new pg.Client({
      connectionString: hyperdrive.connectionString,
      query_timeout: statementTimeoutMs,
      connectionTimeoutMillis: statementTimeoutMs,
    });
    // A connection lost mid-call rejects the query; the event must still be heard.
    client.on('error', (error) => log({ level: 'warn', source: 'host', event: 'hyperdrive_connection_lost', error: error.message }));
    try {
      await client.connect();
      if (!migrated) {
        await migrate(client);
        migrated = true;
      }
      return await fn(client);
    } catch (error) {
      if (error?.code === DEADLOCK_DETECTED) throw error;
      throw hostError(op, error);
    } finally {
      client.end().catch(() => {});
    }
  }

  // The function refused at the connection's default isolation: the same call in an
  // explicit READ COMMITTED transaction.
  async function explicitCommit(client, params) {
    await client.query(PG_SQL.beginReadCommitted);
    try {
      const ok = (await client.query(PG_SQL.commit, params)).rows[0].ok;
      await client.query('COMMIT');
      return ok;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  return {
    kind: 'hyperdrive',
    read: (keys) => withClient('read', async (c) => readAnswer(keys, (await c.query(PG_SQL.read, [keys.map(bytes)])).rows)),
    list: (start, end, limit, after = '') =>
      withClient('list', async (c) => listAnswer((await c.query(PG_SQL.list, [bytes(start), bytes(end), bytes(after ?? ''), limit + 1])).rows, limit)),
    async commit(checks, mutations) {
      // A malformed commit is refused here, before it reaches the database.
      const params = await commitParams(checks, mutations, bytes, statementTimeoutMs);
      return commitWith((once) =>
        withClient('commit', (c) =>
          once(async () => (await c.query(PG_SQL.commit, params)).rows[0].ok, () => explicitCommit(c, params)),
        ),
      );
    },
  };
}
