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

const dbSetting = env.SLOTGUARD_DB || './data/slotguard.db';
let adminToken = env.SLOTGUARD_ADMIN_TOKEN;
if (!adminToken) {
  adminToken = randomToken();
  // On stderr, for the person at the terminal; never in the JSON log stream.
  console.error(`SLOTGUARD_ADMIN_TOKEN is not set; this run's admin token is: ${adminToken}`);
}

let slotguard;
try {
  slotguard = await createSlotguard({
    store: dbSetting === ':memory:' ? 'memory' : 'sqlite',
    dbPath: dbSetting,
    wasm: env.SLOTGUARD_WASM || 'wasi',
    wasmDir: env.SLOTGUARD_WASM_DIR || undefined,
    adminToken,
    stripeSecretKey: env.STRIPE_SECRET_KEY || 'sk_test_slotguard_local',
    stripeApiBase: env.STRIPE_API_BASE || 'http://127.0.0.1:12111',
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    checkoutMinutes: integer('SLOTGUARD_CHECKOUT_MINUTES', undefined),
    sweepIntervalMs: integer('SLOTGUARD_SWEEP_INTERVAL_MS', 60000),
    logLevel: env.SLOTGUARD_LOG_LEVEL || 'info',
  });
} catch (error) {
  console.error(`slotguard failed to start: ${error.message}`);
  process.exit(1);
}

const url = await slotguard.listen(integer('PORT', 8787), env.HOST || '127.0.0.1').catch((error) => {
  console.error(`slotguard could not listen: ${error.message}`);
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
