// What the tests need to run on PostgreSQL: the server scripts/test starts
// (SLOTGUARD_TEST_PG_URL, see scripts/lib/postgres.sh), a fresh database per store or
// stack so that tests never see each other's keys, and the switch that puts the
// conformance suite on PostgreSQL (SLOTGUARD_TEST_STORE=postgres).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.SLOTGUARD_TEST_PG_URL || null;
export const ON_POSTGRES = process.env.SLOTGUARD_TEST_STORE === 'postgres';

if (ON_POSTGRES && !PG_URL) {
  throw new Error('SLOTGUARD_TEST_STORE=postgres needs SLOTGUARD_TEST_PG_URL (scripts/test starts a server and sets it)');
}

/** Why a PostgreSQL test is skipped, or false when it can run. */
export const SKIP_WITHOUT_PG = PG_URL ? false : 'SLOTGUARD_TEST_PG_URL is not set (scripts/test starts a throwaway PostgreSQL)';

/** The connection string of another database on the same server. */
export function databaseUrl(name) {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs statements on the server's maintenance database. */
async function admin(...statements) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/**
 * An empty database of its own: {name, url, drop()}. drop() ends whatever is still
 * connected to it (a host killed mid-test leaves nothing behind either).
 */
export async function freshDatabase(prefix = 'sg_test') {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A pg.Client on `url`, connected; the caller ends it. */
export async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  // Dropping a test's database ends this connection from the server side; a query in
  // flight still rejects, but the client's own 'error' event must not end the run.
  client.on('error', () => {});
  await client.connect();
  return client;
}
