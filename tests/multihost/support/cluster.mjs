// Several slotguard Node hosts (the CLI, each in its own process) on one PostgreSQL
// database: how one is started on the shared database, and a reader of the reservation
// ids straight from the database (answers lost to a killed host name none). Starting,
// stopping and the webhook spreader are in tests/support/cli-hosts.mjs.
import { startCliHost } from '../../support/cli-hosts.mjs';
import { connect } from '../../conformance/support/postgres.mjs';

/** Starts one CLI host on the PostgreSQL database `dbUrl`; resolves once it listens. */
export function startHost(name, { dbUrl, emulatorUrl, adminToken, webhookSecret, stripeKey, env = {} }) {
  return startCliHost(name, {
    SLOTGUARD_DB: dbUrl,
    SLOTGUARD_PG_POOL_SIZE: '8',
    SLOTGUARD_ADMIN_TOKEN: adminToken,
    STRIPE_SECRET_KEY: stripeKey,
    STRIPE_API_BASE: emulatorUrl,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    ...env,
  });
}

/** Every reservation id in the database (the core's `rsv/` keys). */
export async function reservationIds(dbUrl) {
  const client = await connect(dbUrl);
  try {
    const { rows } = await client.query(
      "SELECT convert_from(key, 'UTF8') AS k FROM slotguard_kv WHERE key >= convert_to('rsv/', 'UTF8') AND key < convert_to('rsv0', 'UTF8')",
    );
    return rows.map((r) => r.k.slice('rsv/'.length));
  } finally {
    await client.end();
  }
}
