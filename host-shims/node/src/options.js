// createSlotguard's options: defaults, validation of the host's own options with
// messages a person can act on, and the mapping to the module's configuration JSON
// (wasm/ABI.md, snake_case), derived from the module's own configuration schema. The
// core's fields are validated once, in the core: they are passed through as given, and
// sg_init's refusal carries the core's message.
import { DEFAULT_DB_PATH } from './sqlite-store.js';
import { DEFAULT_WASM_DIR } from './wasm-files.js';
import { randomToken } from './random.js';
import { configFromOptions, optionName } from '../../js-bridge/src/contract.js';

export const BODY_LIMIT = 1024 * 1024;
const MAX_CLIENT_TIMEOUT_MS = 3_600_000;

/** @typedef {import('./index.js').SlotguardOptions} SlotguardOptions */
/**
 * The options the host acts on itself; every other declared option is a core setting,
 * named by the module's schema (tests/conformance/contract.test.mjs holds index.d.ts to it).
 * @typedef {'store' | 'dbPath' | 'postgresUrl' | 'pgPool' | 'pgPoolSize' | 'pgStatementTimeoutMs'
 *   | 'wasm' | 'wasmDir' | 'sweepIntervalMs' | 'notifyIntervalMs' | 'calendarSyncIntervalMs' | 'rateLimitPerMinute'
 *   | 'trustProxy' | 'maxInFlight' | 'bodyLimit' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'shutdownTimeoutMs' | 'pageDir' | 'logger'
 *   | 'logLevel' | 'fetch' | 'now'} HostOption
 */
/**
 * The options once defaults are applied (adminToken is generated when absent). The Pick
 * of every HostOption fails to check when index.d.ts no longer declares one of them.
 * @typedef {SlotguardOptions & Pick<SlotguardOptions, HostOption> & Required<Pick<SlotguardOptions, 'store' | 'dbPath'
 *   | 'wasm' | 'wasmDir' | 'sweepIntervalMs' | 'notifyIntervalMs' | 'calendarSyncIntervalMs' | 'rateLimitPerMinute'
 *   | 'trustProxy' | 'maxInFlight' | 'bodyLimit' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'shutdownTimeoutMs' | 'logLevel'>> & {adminToken: string}} ResolvedOptions
 */

// The host's own options, at run time: every other option must be one of the core's
// settings (read from the module's schema), or it is refused by name.
/** @type {readonly HostOption[]} */
const HOST_OPTIONS = ['store', 'dbPath', 'postgresUrl', 'pgPool', 'pgPoolSize', 'pgStatementTimeoutMs', 'wasm',
  'wasmDir', 'sweepIntervalMs', 'notifyIntervalMs', 'calendarSyncIntervalMs', 'rateLimitPerMinute', 'trustProxy', 'maxInFlight', 'bodyLimit',
  'headersTimeoutMs', 'bodyTimeoutMs', 'shutdownTimeoutMs', 'pageDir', 'logger', 'logLevel', 'fetch', 'now'];

/** @param {string} message  @returns {never} */
function fail(message) {
  throw new TypeError(`createSlotguard: ${message}`);
}

/** @param {SlotguardOptions} [options]  @returns {ResolvedOptions} */
export function resolveOptions(options = {}) {
  const o = /** @type {ResolvedOptions} */ ({
    store: 'sqlite',
    dbPath: DEFAULT_DB_PATH,
    wasm: 'wasi',
    wasmDir: DEFAULT_WASM_DIR,
    sweepIntervalMs: 60000,
    notifyIntervalMs: 1000,
    calendarSyncIntervalMs: 300000,
    rateLimitPerMinute: 60,
    trustProxy: false,
    maxInFlight: 256,
    bodyLimit: BODY_LIMIT,
    headersTimeoutMs: 10000,
    bodyTimeoutMs: 10000,
    shutdownTimeoutMs: 10000,
    logLevel: 'info',
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  });
  // Without a token nobody could administer the instance; make one the caller can read
  // back (slotguard.adminToken) rather than refuse to start.
  if (o.adminToken === undefined) o.adminToken = randomToken();
  // Its length and the other core fields are checked by the core (one rule, one message).
  if (!['wasi', 'emscripten'].includes(o.wasm)) fail(`wasm must be 'wasi' or 'emscripten'`);
  const customStore = typeof o.store === 'object' && o.store !== null;
  if (customStore && !['read', 'list', 'commit'].every((m) => typeof o.store[m] === 'function'))
    fail('a custom store must implement read, list and commit');
  if (!customStore && !['sqlite', 'memory', 'postgres'].includes(/** @type {string} */ (o.store))) fail(`store must be 'sqlite', 'memory', 'postgres' or an adapter`);
  if (o.store === 'postgres') checkPostgres(o);
  if (!(Number.isFinite(o.sweepIntervalMs) && o.sweepIntervalMs >= 0)) fail('sweepIntervalMs must be a number >= 0 (0 disables)');
  if (!(Number.isInteger(o.bodyLimit) && o.bodyLimit > 0)) fail('bodyLimit must be a positive integer');
  // No 0 to disable them: a client that never finishes its request would then keep its
  // connection for as long as it likes. An hour at most keeps them in a timer's range.
  for (const name of /** @type {const} */ (['headersTimeoutMs', 'bodyTimeoutMs']))
    if (!(Number.isInteger(o[name]) && o[name] > 0 && o[name] <= MAX_CLIENT_TIMEOUT_MS))
      fail(`${name} must be an integer from 1 to ${MAX_CLIENT_TIMEOUT_MS} (ms; a slow client must not hold a connection forever)`);
  if (o.pageDir !== undefined && (typeof o.pageDir !== 'string' || o.pageDir === '')) fail('pageDir must be a folder path');
  if (!(Number.isFinite(o.notifyIntervalMs) && o.notifyIntervalMs >= 0)) fail('notifyIntervalMs must be a number >= 0 (0 disables)');
  if (!(Number.isFinite(o.calendarSyncIntervalMs) && o.calendarSyncIntervalMs >= 0)) fail('calendarSyncIntervalMs must be a number >= 0 (0 disables)');
  if (!(Number.isFinite(o.rateLimitPerMinute) && o.rateLimitPerMinute >= 0)) fail('rateLimitPerMinute must be a number >= 0 (0 disables)');
  if (!(Number.isInteger(o.maxInFlight) && o.maxInFlight >= 0)) fail('maxInFlight must be an integer >= 0 (0 disables)');
  if (typeof o.trustProxy !== 'boolean' && !(Number.isInteger(o.trustProxy) && o.trustProxy >= 1 && o.trustProxy <= 10))
    fail('trustProxy must be true, false, or the number of trusted proxy hops (1 to 10)');
  return o;
}

// store: 'postgres' takes a connection string or the caller's pg.Pool, not both: with
// both, which one holds the reservations would be a guess.
/** @param {ResolvedOptions} o */
function checkPostgres(o) {
  const hasUrl = o.postgresUrl !== undefined;
  const hasPool = o.pgPool !== undefined;
  if (hasUrl === hasPool) fail(`store 'postgres' needs exactly one of postgresUrl (a postgres:// connection string) or pgPool (a pg.Pool)`);
  if (hasUrl && !(typeof o.postgresUrl === 'string' && /^postgres(ql)?:\/\//.test(o.postgresUrl)))
    fail('postgresUrl must be a connection string starting with postgres:// or postgresql://');
  if (hasPool && !(o.pgPool && typeof o.pgPool.query === 'function' && typeof o.pgPool.connect === 'function'))
    fail('pgPool must be a pg.Pool (with query and connect)');
  if (o.pgPoolSize !== undefined && !(Number.isInteger(o.pgPoolSize) && o.pgPoolSize > 0))
    fail('pgPoolSize must be a positive integer');
  if (o.pgPoolSize !== undefined && hasPool) fail('pgPoolSize applies to the pool made from postgresUrl; size your own pgPool yourself');
  if (o.pgStatementTimeoutMs !== undefined && !(Number.isInteger(o.pgStatementTimeoutMs) && o.pgStatementTimeoutMs > 0))
    fail('pgStatementTimeoutMs must be a positive integer (a store call must not wait forever)');
}

/**
 * The sg_init configuration for resolved options: each of the core's settings under
 * its option name (camelCase of the field). An option that is neither the host's nor a
 * setting is refused by name: a misspelt setting must not silently keep its default.
 * @param {ResolvedOptions} o  @param {import('../../js-bridge/src/contract.js').Setting[]} settings
 * @returns {Record<string, unknown>}
 */
export function moduleConfig(o, settings) {
  const known = new Set([...HOST_OPTIONS, ...settings.map((s) => optionName(s.field))]);
  for (const option of Object.keys(o)) if (!known.has(option)) fail(`unknown option ${option}`);
  return configFromOptions(/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (o)), settings);
}
