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
// a short hop to it. The schema is checked once per isolate, without a lock, and
// migrated only when it is behind (hyperdrive-schema.js).
//
// A commit must not land after the Worker gave up on it (the store deadline, then 503),
// so the server bounds it too: statement_timeout, set to what is left of the store
// call's deadline less the time the answer needs to come back. Hyperdrive pools
// connections per transaction and RESETs them in between, so neither a connection
// setting nor a SET of its own would reach the statement; a SET in the same query
// string does. Such a string goes by the simple protocol, without bind parameters, so
// the commit's values are literals there (commitText). Reads and lists change nothing,
// so they keep the shared parameterised statements, bounded by the client alone.
import pg from 'pg';
import { HostCallError, HOST_TIMEOUT } from '../../js-bridge/src/host-calls.js';
import {
  DEADLOCK_DETECTED,
  PG_SQL,
  commitParams,
  createPgCommitter,
  listAnswer,
  pgHostError,
  readAnswer,
} from '../../js-bridge/src/postgres-sql.js';
import { createSchemaGate } from './hyperdrive-schema.js';

/** @param {string} s */
const bytes = (s) => Buffer.from(s, 'utf8');
/** @param {string} op  @param {any} error */
const hostError = (op, error) => pgHostError('hyperdrive store', op, error);

// Below this, a commit is not sent at all: the answer could not come back in time.
const MIN_STATEMENT_MS = 10;

/** An integer as SQL text; anything else is refused. @param {unknown} n */
function integer(n) {
  const text = String(n);
  if (!/^-?[0-9]{1,19}$/.test(text)) throw new TypeError(`not an integer: ${text}`);
  return text;
}
/** Text as a bytea literal of hex digits only. @param {string} text */
const hexBytes = (text) => `decode('${Buffer.from(text, 'utf8').toString('hex')}', 'hex')`;
/** @param {string[]} items  @param {string} type */
const arrayOf = (items, type) => `ARRAY[${items.join(', ')}]::${type}[]`;
/** @param {string} op */
const opName = (op) => {
  if (op !== 'set' && op !== 'delete') throw new TypeError(`unknown mutation op: ${op}`);
  return `'${op}'`;
};

/**
 * PG_SQL.commit with its parameters (commitParams with text keys and values) as
 * literals: integers, hex and the two op names, each checked, so no caller's text
 * becomes SQL.
 * @param {any[]} params  @param {number} lockTimeoutMs  @returns {string}
 */
function commitText([ids, checkKeys, checkVersions, ops, mutKeys, mutValues], lockTimeoutMs) {
  const args = [
    arrayOf(ids.map(integer), 'integer'),
    arrayOf(checkKeys.map(hexBytes), 'bytea'),
    arrayOf(checkVersions.map(integer), 'bigint'),
    arrayOf(ops.map(opName), 'text'),
    arrayOf(mutKeys.map(hexBytes), 'bytea'),
    arrayOf(mutValues.map((v) => (v === null ? 'NULL' : hexBytes(v))), 'bytea'),
    integer(lockTimeoutMs),
  ];
  return `SELECT slotguard_commit(${args.join(', ')}) AS ok`;
}

/** statement_timeout for the rest of the query string's transaction. @param {number} ms */
const timeoutFor = (ms) => `SELECT set_config('statement_timeout', '${integer(ms)}', true)`;
/** The commit's answer among the results of its query string. @param {any} results */
const okOf = (results) => [results].flat().filter((r) => r?.rows?.[0] && 'ok' in r.rows[0]).at(-1).rows[0].ok;

/**
 * @param {{connectionString: string}} hyperdrive  env.HYPERDRIVE
 * @param {object} [o]
 * @param {number} [o.statementTimeoutMs]  the store call's deadline (SLOTGUARD_STORE_TIMEOUT_MS):
 *   the server's bound on a commit, lock waits included, is what is left of it; every
 *   query is bounded by it on the client's side too
 * @param {(fields: object) => void} [o.log]
 * @returns {import('../../js-bridge/src/host-calls.js').StoreAdapter & {kind: 'hyperdrive'}}
 */
export function createHyperdriveStore(hyperdrive, { statementTimeoutMs = 5000, log = () => {} } = {}) {
  if (!hyperdrive || typeof hyperdrive.connectionString !== 'string') {
    throw new TypeError('the Hyperdrive binding HYPERDRIVE is missing');
  }
  const schemaReady = createSchemaGate(log);
  const commitWith = createPgCommitter(hostError);
  // The answer's way back from the database: a fifth of the deadline, at most 1 s.
  const replyMarginMs = Math.min(1000, Math.floor(statementTimeoutMs / 5));

  /**
   * Opens a connection, waits for the isolate's schema check, runs fn, closes.
   * @template T
   * @param {string} op  @param {number} deadline  the store call's, in ms since the epoch
   * @param {(client: any) => Promise<T>} fn  @returns {Promise<T>}
   */
  async function withClient(op, deadline, fn) {
    const client = new pg.Client({
      connectionString: hyperdrive.connectionString,
      query_timeout: statementTimeoutMs,
      connectionTimeoutMillis: statementTimeoutMs,
    });
    // A connection lost mid-call rejects the query; the event must still be heard.
    client.on('error', (error) => log({ level: 'warn', source: 'host', event: 'hyperdrive_connection_lost', error: error.message }));
    try {
      await client.connect();
      await schemaReady(client, deadline - Date.now());
      return await fn(client);
    } catch (error) {
      if (error?.code === DEADLOCK_DETECTED || error instanceof HostCallError) throw error;
      throw hostError(op, error);
    } finally {
      client.end().catch(() => {});
    }
  }

  /** What the server may spend on a commit sent now. @param {number} deadline */
  function serverBudget(deadline) {
    const ms = deadline - Date.now() - replyMarginMs;
    if (ms < MIN_STATEMENT_MS) throw new HostCallError('hyperdrive store commit: no time left to send it', HOST_TIMEOUT);
    return ms;
  }

  /** The commit, bounded by the server: one query string, one implicit transaction. */
  async function directCommit(client, text, ms) {
    return okOf(await client.query(`${timeoutFor(ms)}; ${text}`));
  }

  // The function refused at the connection's default isolation: the same string in an
  // explicit READ COMMITTED transaction, still one round trip.
  async function explicitCommit(client, text, ms) {
    try {
      return okOf(await client.query(`${PG_SQL.beginReadCommitted}; ${timeoutFor(ms)}; ${text}; COMMIT`));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  return {
    kind: 'hyperdrive',
    read: (keys) =>
      withClient('read', Date.now() + statementTimeoutMs, async (c) => readAnswer(keys, (await c.query(PG_SQL.read, [keys.map(bytes)])).rows)),
    list: (start, end, limit, after = '') =>
      withClient('list', Date.now() + statementTimeoutMs, async (c) =>
        listAnswer((await c.query(PG_SQL.list, [bytes(start), bytes(end), bytes(after ?? ''), limit + 1])).rows, limit),
      ),
    async commit(checks, mutations) {
      const deadline = Date.now() + statementTimeoutMs;
      // A malformed commit is refused here, before it reaches the database.
      const params = await commitParams(checks, mutations, (text) => text, statementTimeoutMs);
      return commitWith((once) =>
        withClient('commit', deadline, (c) => {
          const ms = serverBudget(deadline);
          const text = commitText(params, ms);
          return once(() => directCommit(c, text, ms), () => explicitCommit(c, text, ms));
        }),
      );
    },
  };
}
