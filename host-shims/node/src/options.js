// createSlotguard's options: defaults, validation with messages a person can act on,
// and the mapping to the module's configuration JSON (wasm/ABI.md, snake_case).
import { DEFAULT_DB_PATH } from './sqlite-store.js';
import { DEFAULT_WASM_DIR } from './wasm-files.js';
import { randomToken } from './random.js';

export const BODY_LIMIT = 1024 * 1024;

// option name -> sg_init field
const CONFIG_FIELDS = {
  adminToken: 'admin_token',
  stripeSecretKey: 'stripe_secret_key',
  stripeApiBase: 'stripe_api_base',
  stripeWebhookSecret: 'stripe_webhook_secret',
  webhookToleranceSeconds: 'webhook_tolerance_seconds',
  checkoutMinutes: 'checkout_minutes',
  holdGraceMinutes: 'hold_grace_minutes',
  multibancoDefaultHoldMinutes: 'multibanco_default_hold_minutes',
  httpTimeoutMs: 'http_timeout_ms',
  defaultSuccessUrl: 'default_success_url',
  defaultCancelUrl: 'default_cancel_url',
};

function fail(message) {
  throw new TypeError(`createSlotguard: ${message}`);
}

export function resolveOptions(options = {}) {
  const o = {
    store: 'sqlite',
    dbPath: DEFAULT_DB_PATH,
    wasm: 'wasi',
    wasmDir: DEFAULT_WASM_DIR,
    sweepIntervalMs: 60000,
    bodyLimit: BODY_LIMIT,
    shutdownTimeoutMs: 10000,
    logLevel: 'info',
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  // Without a token nobody could administer the instance; make one the caller can read
  // back (slotguard.adminToken) rather than refuse to start.
  if (o.adminToken === undefined) o.adminToken = randomToken();
  if (typeof o.adminToken !== 'string' || o.adminToken.length < 16) fail('adminToken must be a string of 16 characters or more');
  if (o.checkoutMinutes !== undefined && !(Number.isInteger(o.checkoutMinutes) && o.checkoutMinutes >= 30 && o.checkoutMinutes <= 1440))
    fail('checkoutMinutes must be an integer from 30 to 1440 (Stripe Checkout bounds)');
  if (!['wasi', 'emscripten'].includes(o.wasm)) fail(`wasm must be 'wasi' or 'emscripten'`);
  const customStore = typeof o.store === 'object' && o.store !== null;
  if (customStore && !['read', 'list', 'commit'].every((m) => typeof o.store[m] === 'function'))
    fail('a custom store must implement read, list and commit');
  if (!customStore && !['sqlite', 'memory'].includes(o.store)) fail(`store must be 'sqlite', 'memory' or an adapter`);
  if (!(Number.isFinite(o.sweepIntervalMs) && o.sweepIntervalMs >= 0)) fail('sweepIntervalMs must be a number >= 0 (0 disables)');
  if (!(Number.isInteger(o.bodyLimit) && o.bodyLimit > 0)) fail('bodyLimit must be a positive integer');
  return o;
}

/** The sg_init configuration object for resolved options. */
export function moduleConfig(o) {
  const config = {};
  for (const [option, field] of Object.entries(CONFIG_FIELDS)) {
    if (o[option] !== undefined) config[field] = o[option];
  }
  return config;
}
