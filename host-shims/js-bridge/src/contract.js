// The contract as the module states it: its configuration schema and its route table
// (sg_describe), and how hosts derive their own names from the schema. A setting or
// route is declared once, in the core (core/slotguard/host/config.cpp,
// core/slotguard/api/routes.cpp); the Node options, the CLI's environment and the
// Worker's bindings are read through the functions here, so none of them can drift.
import { readAnswer } from './instance.js';

const DESCRIBE_CONFIG = 1;
const DESCRIBE_ROUTES = 2;

/**
 * @typedef {object} Setting  one setting of sg_init's configuration
 * @property {string} field  sg_init's JSON field (snake_case)
 * @property {string} env  environment variable and Worker binding
 * @property {'string' | 'integer' | 'list'} type  a list is one comma-separated string
 * @property {boolean} secret
 * @property {boolean} required
 * @property {number} [min]
 * @property {number} [max]
 * @property {string | number} default
 * @property {string} description
 */
/**
 * @typedef {object} Route
 * @property {string} name
 * @property {string} method
 * @property {string} pattern
 * @property {'public' | 'admin' | 'stripe_signature'} auth
 * @property {string} scope
 * @property {number} body_limit_bytes  0: the host's general limit
 * @property {boolean} hold_rate_limited
 */
/**
 * @typedef {object} RequestScope
 * @property {'none' | 'expert' | 'event' | 'event_claim' | 'reservation' | 'pack' | 'everywhere'} kind
 * @property {string} [expert_id]
 * @property {string} [event_id]
 * @property {string} [reservation_id]
 * @property {string} [pack_id]
 * @property {boolean} [pool]  event_claim: the event type is a team pool's
 * @property {boolean} [packs]  event_claim: the event type sells packs
 */
/**
 * @typedef {object} RequestDescription  sg_describe_request's answer
 * @property {string | null} route  the route's name; null when none matches
 * @property {string} path  the path as the router reads it
 * @property {'public' | 'admin' | 'stripe_signature'} auth
 * @property {number} body_limit_bytes  0: the host's general limit
 * @property {boolean} hold_rate_limited
 * @property {RequestScope} scope
 */
/** @typedef {{settings: Setting[], routes: Route[]}} ModuleContract */

// Imports for an instance that is only asked to describe itself: it runs no task.
const inertImports = {
  store_read: () => 1,
  store_list: () => 1,
  store_commit: () => 1,
  http_fetch: () => 1,
  now_ms: () => Date.now(),
  random_bytes: () => {},
  log: () => {},
};

/** @type {WeakMap<Function, Promise<ModuleContract>>} */
const contracts = new WeakMap();

/**
 * The module's configuration schema and route table, read once per loader.
 * @param {import('./raw-instance.js').Loader} loader
 * @returns {Promise<ModuleContract>}
 */
export function describeModule(loader) {
  let contract = contracts.get(loader);
  if (!contract) {
    contract = loader({ imports: inertImports }).then((raw) => {
      const read = (/** @type {number} */ what) => {
        if (raw.describe(what) !== 0) throw new Error(`the module cannot describe ${what}`);
        return JSON.parse(readAnswer(raw));
      };
      return { settings: read(DESCRIBE_CONFIG).settings, routes: read(DESCRIBE_ROUTES).routes };
    });
    contracts.set(loader, contract);
  }
  return contract;
}

/** sg_init field -> JS option name: "checkout_minutes" -> "checkoutMinutes".
 * @param {string} field */
export function optionName(field) {
  return field.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/**
 * The configuration from JS options named after the settings (camelCase); options the
 * schema does not name are the host's own and are left out.
 * @param {Record<string, unknown>} options  @param {Setting[]} settings
 * @returns {Record<string, unknown>}
 */
export function configFromOptions(options, settings) {
  /** @type {Record<string, unknown>} */
  const config = {};
  for (const s of settings) {
    const value = options[optionName(s.field)];
    if (value !== undefined) config[s.field] = value;
  }
  return config;
}

/** A number when the text is one; otherwise the text, for the core to refuse by name.
 * @param {unknown} raw */
function numeric(raw) {
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/**
 * The configuration from environment variables or Worker bindings named by the
 * schema. Unset and empty values keep the core's defaults; integers arrive as text and
 * are converted, and text that is not a number is passed on for the core to refuse.
 * @param {Record<string, unknown>} env  @param {Setting[]} settings
 * @returns {Record<string, unknown>}
 */
export function configFromEnv(env, settings) {
  /** @type {Record<string, unknown>} */
  const config = {};
  for (const s of settings) {
    const raw = env[s.env];
    if (raw === undefined || raw === null || raw === '') continue;
    config[s.field] = s.type === 'integer' ? numeric(raw) : String(raw);
  }
  return config;
}

/** The environment variable or binding that sets a field, to point a refusal at it.
 * @param {Setting[]} settings  @param {string} field */
export function envOf(settings, field) {
  return settings.find((s) => s.field === field)?.env;
}
