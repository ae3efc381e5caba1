// The Worker's own settings from its bindings. The core's settings are not listed
// here: their bindings are named by the module's configuration schema and read
// through js-bridge's configFromEnv (isolate.js), so a setting exists once, in the core.

// How long a store call (D1 or the Durable Object) may take before the task is resumed
// with a timeout; SLOTGUARD_STORE_TIMEOUT_MS overrides it.
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

function str(env, name, fallback) {
  const raw = env[name];
  return raw === undefined || raw === null || raw === '' ? fallback : String(raw);
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
