#!/usr/bin/env node
// Runs the slotguard Node host from environment variables (see ../README.md).
// SIGINT/SIGTERM shut it down gracefully: in-flight requests finish, the DB closes.
import { createSlotguard } from './index.js';
import { randomToken } from './random.js';

const env = process.env;

function integer(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) {
    console.error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

/**
 * A field of the core's configuration: a number when the text is one, otherwise the
 * text itself, so that the core refuses it with its own message (validated once, there).
 */
function coreNumber(name) {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

const dbSetting = env.SLOTGUARD_DB || './data/slotguard.db';
// A postgres:// or postgresql:// URL selects the PostgreSQL store (many hosts, one database).
const postgresUrl = /^postgres(ql)?:\/\//.test(dbSetting) ? dbSetting : undefined;
let adminToken = env.SLOTGUARD_ADMIN_TOKEN;
if (!adminToken) {
  adminToken = randomToken();
  // On stderr, for the person at the terminal; never in the JSON log stream.
  console.error(`SLOTGUARD_ADMIN_TOKEN is not set; this run's admin token is: ${adminToken}`);
}

let slotguard;
try {
  slotguard = await createSlotguard({
    store: postgresUrl ? 'postgres' : dbSetting === ':memory:' ? 'memory' : 'sqlite',
    dbPath: postgresUrl ? undefined : dbSetting,
    postgresUrl,
    pgPoolSize: postgresUrl ? integer('SLOTGUARD_PG_POOL_SIZE', undefined) : undefined,
    pgStatementTimeoutMs: postgresUrl ? integer('SLOTGUARD_PG_STATEMENT_TIMEOUT_MS', undefined) : undefined,
    wasm: env.SLOTGUARD_WASM || 'wasi',
    wasmDir: env.SLOTGUARD_WASM_DIR || undefined,
    adminToken,
    stripeSecretKey: env.STRIPE_SECRET_KEY || undefined,
    // Stripe's real API unless told otherwise: only scripts/dev and the tests point
    // it at the emulator (the core refuses a live key with any other base).
    stripeApiBase: env.STRIPE_API_BASE || 'https://api.stripe.com',
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    checkoutMinutes: coreNumber('SLOTGUARD_CHECKOUT_MINUTES'),
    notifyUrl: env.SLOTGUARD_NOTIFY_URL || undefined,
    notifySecret: env.SLOTGUARD_NOTIFY_SECRET || undefined,
    notifyRetryHours: coreNumber('SLOTGUARD_NOTIFY_RETRY_HOURS'),
    maxActiveHoldsPerGuest: coreNumber('SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST'),
    retentionDays: coreNumber('SLOTGUARD_RETENTION_DAYS'),
    corsOrigins: env.SLOTGUARD_CORS_ORIGINS || undefined,
    notifyIntervalMs: integer('SLOTGUARD_NOTIFY_INTERVAL_MS', 1000),
    rateLimitPerMinute: integer('SLOTGUARD_RATE_LIMIT_PER_MINUTE', 60),
    trustProxy: env.SLOTGUARD_TRUST_PROXY === '1' || env.SLOTGUARD_TRUST_PROXY === 'true',
    maxInFlight: integer('SLOTGUARD_MAX_IN_FLIGHT', 256),
    sweepIntervalMs: integer('SLOTGUARD_SWEEP_INTERVAL_MS', 60000),
    logLevel: env.SLOTGUARD_LOG_LEVEL || 'info',
    pageDir: env.SLOTGUARD_PAGE_DIR || undefined,
  });
} catch (error) {
  console.error(`slotguard failed to start: ${error.message}`);
  process.exit(1);
}

const port = integer('PORT', 8787);
const url = await slotguard.listen(port, env.HOST || '127.0.0.1').catch((error) => {
  // A taken port is the usual case: one line that says what to change, no stack.
  if (error.code === 'EADDRINUSE') console.error(`slotguard: port ${port} is already in use; set PORT to another port`);
  else console.error(`slotguard could not listen: ${error.message}`);
  return slotguard.close().then(() => process.exit(1));
});
console.error(`slotguard listening on ${url}`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) {
    // A second Ctrl-C means "stop waiting"; a SIGTERM on top of a Ctrl-C (scripts/dev
    // sends one to its children) lets the graceful shutdown finish.
    if (signal === 'SIGINT') process.exit(130);
    return;
  }
  stopping = true;
  console.error(`slotguard: ${signal}, shutting down`);
  await slotguard.close();
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
