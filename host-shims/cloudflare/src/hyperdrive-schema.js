// The Hyperdrive store's schema, made current once per isolate without stalling the
// database. Isolates start all the time (every deployment, every scale-out), and the
// shared migration (js-bridge/src/postgres-sql.js, the Node host's too) takes the global
// lock exclusively and scans every stored version: run on each isolate's first call, it
// would wait for every commit in flight and hold back every new one. So an isolate
// first reads the schema's version without any lock, and migrates (under that lock,
// as a Node host does at start-up) only when the database is behind this Worker:
// once per deployment that brings a migration, by whichever isolate comes first.
//
// What is given up: a Node host's start also raises the version sequence above every
// stored version, which repairs a restore of rows without their sequence; an isolate
// does that only when it migrates (a missing sequence counts as behind). After
// restoring rows into a database whose schema is current, start a Node host on it once
// (host-shims/node/POSTGRES.md), or raise slotguard_version_seq by hand.
import { HostCallError, HOST_TIMEOUT } from '../../js-bridge/src/host-calls.js';
import { MIGRATIONS, migrate } from '../../js-bridge/src/postgres-sql.js';

/** @typedef {{query: (text: string, values?: any[]) => Promise<{rows: any[]}>}} Client  one connection */

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * The newest migration applied (0: none) and whether the version sequence exists, read
 * without any lock: the same table and rows the migration writes, so a Node host and a
 * Worker agree on what "current" is.
 * @param {Client} client  @returns {Promise<{version: number, sequenced: boolean}>}
 */
async function schemaState(client) {
  const { rows } = await client.query(
    "SELECT to_regclass('slotguard_schema_version') IS NOT NULL AS versioned, to_regclass('slotguard_version_seq') IS NOT NULL AS sequenced",
  );
  if (!rows[0].versioned) return { version: 0, sequenced: rows[0].sequenced };
  const applied = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM slotguard_schema_version');
  return { version: Number(applied.rows[0].v), sequenced: rows[0].sequenced };
}

/**
 * Makes the schema current; answers whether it had to migrate. A database newer than
 * this Worker is refused, as the Node host refuses it.
 * @param {Client} client
 */
export async function ensureSchema(client) {
  const { version, sequenced } = await schemaState(client);
  if (version > LATEST_SCHEMA) {
    throw new Error(`the database has schema version ${version}, newer than this host knows (${LATEST_SCHEMA}): upgrade the host`);
  }
  if (version === LATEST_SCHEMA && sequenced) return false;
  await migrate(client);
  return true;
}

/**
 * The isolate's gate: the first call checks (and if need be migrates) on its own
 * connection, concurrent first calls wait for that one check, later calls pass. A
 * waiter waits at most `ms` (what is left of its store call). A check that fails, or
 * that a waiter gave up on (its request may have been cancelled midway, leaving the
 * check unsettled), is forgotten, so that the next call checks again.
 * @param {(fields: object) => void} log
 * @returns {(client: Client, ms: number) => Promise<void>}
 */
export function createSchemaGate(log) {
  /** @type {Promise<void> | null} */
  let check = null;
  return async function schemaReady(client, ms) {
    if (!check) {
      check = ensureSchema(client).then((migrated) => {
        if (migrated) log({ level: 'info', source: 'host', event: 'schema_migrated', version: LATEST_SCHEMA });
      });
      check.catch(() => {}); // heard even when every waiter has given up on it
    }
    const mine = check;
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new HostCallError('hyperdrive store: the schema check took too long', HOST_TIMEOUT)), Math.max(0, ms));
    });
    try {
      await Promise.race([mine, late]);
    } catch (error) {
      if (check === mine) check = null;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
