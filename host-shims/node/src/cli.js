#!/usr/bin/env node
// Runs the slotguard Node host from environment variables (see ../README.md).
// SIGINT/SIGTERM shut it down gracefully: in-flight requests finish, the DB closes.
// Every setting of the core is read from the variable its schema names
// (docs/configuration.md); the variables below it are the host's own.
import { configFromEnv, describeModule, optionName } from '../../js-bridge/src/index.js';
import { createSlotguard } from './index.js';
import { randomToken } from './random.js';
import { loaderFor } from './wasm-files.js';

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
// A postgres:// or postgresql:// URL selects the PostgreSQL store (many hosts, one database).
const postgresUrl = /^postgres(ql)?:\/\//.test(dbSetting) ? dbSetting : undefined;
let adminToken = env.SLOTGUARD_ADMIN_TOKEN;
if (!adminToken) {
  adminToken = randomToken();
  // On stderr, for the person at the terminal; never in the JSON log stream.
  console.error(`SLOTGUARD_ADMIN_TOKEN is not set; this run's admin token is: ${adminToken}`);
}

/**
 * SLOTGUARD_TRUST_PROXY: unset, "0" or "false" trusts no proxy; "1" or "true" one hop;
 * a larger number that many hops (createSlotguard refuses anything else by name).
 * @param {string | undefined} raw  @returns {boolean | number}
 */
function trustedHops(raw) {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === 'true') return true;
  const n = Number(raw);
  return Number.isInteger(n) ? n : /** @type {any} */ (raw);
}

const wasm = /** @type {'wasi' | 'emscripten'} */ (env.SLOTGUARD_WASM || 'wasi'); // checked by createSlotguard
const wasmDir = env.SLOTGUARD_WASM_DIR || undefined;

/** The core's settings from the environment, as createSlotguard options. */
async function coreOptions() {
  const { settings } = await describeModule(await loaderFor(wasm, wasmDir));
  return Object.fromEntries(Object.entries(configFromEnv(env, settings)).map(([field, value]) => [optionName(field), value]));
}

let slotguard;
try {
  slotguard = await createSlotguard({
    store: postgresUrl ? 'postgres' : dbSetting === ':memory:' ? 'memory' : 'sqlite',
    dbPath: postgresUrl ? undefined : dbSetting,
    postgresUrl,
    pgPoolSize: postgresUrl ? integer('SLOTGUARD_PG_POOL_SIZE', undefined) : undefined,
    pgStatementTimeoutMs: postgresUrl ? integer('SLOTGUARD_PG_STATEMENT_TIMEOUT_MS', undefined) : undefined,
    wasm,
    wasmDir,
    ...(await coreOptions()),
    adminToken,
    notifyIntervalMs: integer('SLOTGUARD_NOTIFY_INTERVAL_MS', 1000),
    rateLimitPerMinute: integer('SLOTGUARD_RATE_LIMIT_PER_MINUTE', 60),
    trustProxy: trustedHops(env.SLOTGUARD_TRUST_PROXY),
    maxInFlight: integer('SLOTGUARD_MAX_IN_FLIGHT', 256),
    headersTimeoutMs: integer('SLOTGUARD_HEADERS_TIMEOUT_MS', 10000),
    bodyTimeoutMs: integer('SLOTGUARD_BODY_TIMEOUT_MS', 10000),
    sweepIntervalMs: integer('SLOTGUARD_SWEEP_INTERVAL_MS', 60000),
    calendarSyncIntervalMs: integer('SLOTGUARD_CALENDAR_SYNC_INTERVAL_MS', 300000),
    logLevel: /** @type {import('./index.js').LogLevel} */ (env.SLOTGUARD_LOG_LEVEL || 'info'),
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
