// Worker bindings (vars and secrets) -> the sg_init configuration of wasm/ABI.md, and
// the Worker's own settings. The core's fields are validated once, in the core: they
// are passed through (numbers converted from text), and sg_init's refusal carries the
// core's message, which names the field, never its value.

// binding -> [sg_init field, numeric]
const CORE_FIELDS = {
  SLOTGUARD_ADMIN_TOKEN: ['admin_token', false],
  STRIPE_SECRET_KEY: ['stripe_secret_key', false],
  STRIPE_API_BASE: ['stripe_api_base', false],
  STRIPE_WEBHOOK_SECRET: ['stripe_webhook_secret', false],
  SLOTGUARD_CHECKOUT_MINUTES: ['checkout_minutes', true],
  SLOTGUARD_HOLD_GRACE_MINUTES: ['hold_grace_minutes', true],
  SLOTGUARD_MULTIBANCO_HOLD_MINUTES: ['multibanco_default_hold_minutes', true],
  SLOTGUARD_WEBHOOK_TOLERANCE_SECONDS: ['webhook_tolerance_seconds', true],
  SLOTGUARD_HTTP_TIMEOUT_MS: ['http_timeout_ms', true],
  SLOTGUARD_DEFAULT_SUCCESS_URL: ['default_success_url', false],
  SLOTGUARD_DEFAULT_CANCEL_URL: ['default_cancel_url', false],
  SLOTGUARD_NOTIFY_URL: ['notify_url', false],
  SLOTGUARD_NOTIFY_SECRET: ['notify_secret', false],
  SLOTGUARD_NOTIFY_RETRY_HOURS: ['notify_retry_hours', true],
  SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST: ['max_active_holds_per_guest', true],
  SLOTGUARD_RETENTION_DAYS: ['retention_days', true],
  SLOTGUARD_CORS_ORIGINS: ['cors_origins', false],
};

/** sg_init field -> the binding that sets it (to point a refusal at what to change). */
export const BINDING_OF = Object.fromEntries(Object.entries(CORE_FIELDS).map(([binding, [field]]) => [field, binding]));

// How long a store call (D1 or the Durable Object) may take before the task is resumed
// with a timeout; SLOTGUARD_STORE_TIMEOUT_MS overrides it.
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

function str(env, name, fallback) {
  const raw = env[name];
  return raw === undefined || raw === null || raw === '' ? fallback : String(raw);
}

/** A number when the text is one; otherwise the text, for the core to refuse by name. */
function numeric(raw) {
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** @returns {object} the configuration JSON for sg_init (unset fields take the core's defaults) */
export function configFromEnv(env) {
  const config = { stripe_api_base: 'https://api.stripe.com' };
  for (const [binding, [field, isNumber]] of Object.entries(CORE_FIELDS)) {
    const raw = env[binding];
    if (raw === undefined || raw === null || raw === '') continue;
    config[field] = isNumber ? numeric(raw) : String(raw);
  }
  return config;
}

/** The store call timeout in ms: SLOTGUARD_STORE_TIMEOUT_MS, a positive integer. */
export function storeTimeoutMs(env) {
  const raw = str(env, 'SLOTGUARD_STORE_TIMEOUT_MS');
  if (raw === undefined) return DEFAULT_STORE_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error('SLOTGUARD_STORE_TIMEOUT_MS must be a positive integer (milliseconds)');
  return n;
}

/** "d1" (default), "durable_object" or "hyperdrive" (PostgreSQL through the HYPERDRIVE binding). */
export function storeKind(env) {
  const kind = str(env, 'SLOTGUARD_STORE', 'd1').toLowerCase();
  if (kind === 'd1') return 'd1';
  if (kind === 'durable_object' || kind === 'durable-object' || kind === 'do') return 'durable_object';
  if (kind === 'hyperdrive') return 'hyperdrive';
  throw new Error('SLOTGUARD_STORE must be "d1", "durable_object" or "hyperdrive"');
}

/**
 * With the Durable Object store: "single" (default: one object holds every key) or
 * "per-expert" (an object per expert, a directory, the sweep fanned out: per-expert.js).
 */
export function durableObjectMode(env) {
  const mode = str(env, 'SLOTGUARD_DO_MODE', 'single').toLowerCase();
  if (mode === 'single') return 'single';
  if (mode === 'per-expert' || mode === 'per_expert') return 'per-expert';
  throw new Error('SLOTGUARD_DO_MODE must be "single" or "per-expert"');
}
