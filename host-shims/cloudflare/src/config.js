// Worker bindings (vars and secrets) -> the sg_init configuration of wasm/ABI.md.
// Secrets never appear in errors or logs: only the names of what is missing or wrong.

function int(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer`);
  return n;
}

function str(env, name, fallback) {
  const raw = env[name];
  return raw === undefined || raw === null || raw === '' ? fallback : String(raw);
}

/** @returns {object} the configuration JSON for sg_init (unset fields take the core's defaults) */
export function configFromEnv(env) {
  const admin = str(env, 'SLOTGUARD_ADMIN_TOKEN');
  if (!admin || admin.length < 16) throw new Error('SLOTGUARD_ADMIN_TOKEN must be set (16 characters or more)');
  const config = {
    admin_token: admin,
    stripe_secret_key: str(env, 'STRIPE_SECRET_KEY', ''),
    stripe_api_base: str(env, 'STRIPE_API_BASE', 'https://api.stripe.com'),
    stripe_webhook_secret: str(env, 'STRIPE_WEBHOOK_SECRET', ''),
    checkout_minutes: int(env, 'SLOTGUARD_CHECKOUT_MINUTES', 30),
  };
  const optional = {
    hold_grace_minutes: int(env, 'SLOTGUARD_HOLD_GRACE_MINUTES'),
    multibanco_default_hold_minutes: int(env, 'SLOTGUARD_MULTIBANCO_HOLD_MINUTES'),
    webhook_tolerance_seconds: int(env, 'SLOTGUARD_WEBHOOK_TOLERANCE_SECONDS'),
    http_timeout_ms: int(env, 'SLOTGUARD_HTTP_TIMEOUT_MS'),
    default_success_url: str(env, 'SLOTGUARD_DEFAULT_SUCCESS_URL'),
    default_cancel_url: str(env, 'SLOTGUARD_DEFAULT_CANCEL_URL'),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) config[k] = v;
  return config;
}

/** "d1" (default) or "durable_object". */
export function storeKind(env) {
  const kind = str(env, 'SLOTGUARD_STORE', 'd1').toLowerCase();
  if (kind === 'd1') return 'd1';
  if (kind === 'durable_object' || kind === 'durable-object' || kind === 'do') return 'durable_object';
  throw new Error('SLOTGUARD_STORE must be "d1" or "durable_object"');
}
