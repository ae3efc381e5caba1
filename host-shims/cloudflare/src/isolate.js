// What an isolate keeps between requests: one task runner (one module instance, shared
// by every request of the isolate, concurrent ones included) and the store it was made
// with, both built from the first request's bindings. Bindings are fixed for the life of
// an isolate, so a configuration the core refuses stays refused: it is logged once and
// every later request is answered with the core's reason and the binding to change.
import { ConfigurationError, configFromEnv, createTaskRunner, describeModule, envOf, wasiLoader } from '../../js-bridge/src/index.js';
import { durableObjectMode, storeKind, storeTimeoutMs } from './config.js';
import { createD1Store } from './d1-store.js';
import { createDurableObjectStore } from './do-store.js';
import { createFetchAdapter } from './fetch.js';
import { jsonError, messageOf } from './http.js';
import { createLogger } from './log.js';
import { createPerExpert } from './per-expert.js';
import { withStoreTimeouts } from './store-timeout.js';

/**
 * A store as the task runner uses it (js-bridge's store contract); a per-expert
 * object's also carries its name, for the logs.
 * @typedef {{
 *   read: (...args: any[]) => Promise<any>,
 *   list: (...args: any[]) => Promise<any>,
 *   commit: (...args: any[]) => Promise<any>,
 *   objectName?: string,
 * }} Store
 */

/**
 * The isolate's state, made once from the first request's bindings.
 * @typedef {object} WorkerState
 * @property {ReturnType<typeof createTaskRunner>} runner
 * @property {Store} store  the runner's own store (per expert: the "unrouted" object)
 * @property {(record: object) => void} log
 * @property {string} storeKind  d1 | durable_object | hyperdrive
 * @property {string} doMode  single | per-expert
 * @property {ReturnType<typeof createPerExpert> | null} perExpert  null unless per expert
 * @property {string} adminToken
 * @property {boolean} notify  whether a notification URL is configured
 * @property {Map<Store, {again: boolean}>} notifyRuns  one coalesced run per store
 * @property {boolean} notifyMissing  set once the core turns out to have no notify endpoint
 */

/**
 * Store makers that need more than web APIs (the Hyperdrive store needs npm pg and
 * nodejs_compat), so that only the entry that uses one brings it in.
 * @typedef {{hyperdrive?: (binding: any, o: {log: (record: object) => void, statementTimeoutMs: number}) => Store}} StoreMakers
 */

/**
 * The store the bindings name, with a deadline on every call; per expert, the objects'
 * router and its "unrouted" object, where requests the router gives no store (/healthz,
 * /metrics, unknown routes) run.
 * @param {any} env  the Worker's bindings
 * @param {StoreMakers} stores
 * @param {{kind: string, mode: string, timeoutMs: number, log: (record: object) => void}} o
 * @returns {{store: Store, perExpert: ReturnType<typeof createPerExpert> | null}}
 */
function storesFromEnv(env, stores, { kind, mode, timeoutMs, log }) {
  const doName = env.SLOTGUARD_DO_NAME || 'slotguard';
  if (kind === 'd1') return { store: withStoreTimeouts(createD1Store(env.DB), timeoutMs), perExpert: null };
  if (kind === 'hyperdrive') {
    if (typeof stores.hyperdrive !== 'function') {
      throw new Error('SLOTGUARD_STORE = "hyperdrive" needs the entry module src/worker-hyperdrive.js (@slotguard/cloudflare/hyperdrive) and the nodejs_compat flag');
    }
    return { store: withStoreTimeouts(stores.hyperdrive(env.HYPERDRIVE, { log, statementTimeoutMs: timeoutMs }), timeoutMs), perExpert: null };
  }
  if (mode === 'per-expert') {
    if (!env.SLOTGUARD_STORE_DO || typeof env.SLOTGUARD_STORE_DO.idFromName !== 'function') {
      throw new TypeError('the Durable Object binding SLOTGUARD_STORE_DO is missing');
    }
    const perExpert = createPerExpert({
      name: doName,
      storeFor: (objectName) => withStoreTimeouts(createDurableObjectStore(env.SLOTGUARD_STORE_DO, objectName), timeoutMs),
    });
    return { store: perExpert.unrouted, perExpert };
  }
  return { store: withStoreTimeouts(createDurableObjectStore(env.SLOTGUARD_STORE_DO, doName), timeoutMs), perExpert: null };
}

/** @typedef {import('../../js-bridge/src/contract.js').Setting} Setting */

/**
 * The isolate's runner and store, from its bindings. Throws on bad bindings.
 * @param {any} env  the Worker's bindings
 * @param {ReturnType<typeof wasiLoader>} loader  of the compiled module
 * @param {StoreMakers} stores
 * @param {Setting[]} settings  the module's configuration schema
 * @returns {WorkerState}
 */
function buildState(env, loader, stores, settings) {
  const log = createLogger(env.SLOTGUARD_LOG_LEVEL);
  const config = /** @type {Record<string, any>} */ (configFromEnv(env, settings));
  const kind = storeKind(env);
  const timeoutMs = storeTimeoutMs(env);
  const mode = kind === 'durable_object' ? durableObjectMode(env) : 'single';
  const { store, perExpert } = storesFromEnv(env, stores, { kind, mode, timeoutMs, log });
  const runner = createTaskRunner({
    loader,
    config,
    store,
    fetch: createFetchAdapter({ defaultTimeoutMs: typeof config.http_timeout_ms === 'number' ? config.http_timeout_ms : 10000 }),
    getRandomValues: (view) => crypto.getRandomValues(view),
    now: () => Date.now(),
    log,
  });
  /** @type {WorkerState} */
  const state = {
    runner,
    store,
    log,
    storeKind: kind,
    doMode: mode,
    perExpert,
    adminToken: config.admin_token,
    notify: typeof config.notify_url === 'string' && config.notify_url !== '',
    notifyRuns: new Map(),
    notifyMissing: false,
  };
  log({ level: 'info', source: 'host', event: 'runner_created', store: kind, ...(kind === 'durable_object' ? { do_mode: mode } : {}) });
  return state;
}

/**
 * The core's reason, plus the binding that sets the field it names.
 * @param {unknown} error  @param {Setting[]} settings
 * @returns {string}
 */
function explain(error, settings) {
  const message = messageOf(error);
  const field = /^slotguard configuration: ([a-z_]+)/.exec(message)?.[1];
  const binding = field ? envOf(settings, field) : undefined;
  if (!binding) return message;
  // A secret is set with `wrangler secret put`, and locally in .dev.vars: say where.
  const secret = settings.find((s) => s.field === field)?.secret;
  return secret
    ? `${message} (binding ${binding}: npx wrangler secret put ${binding}; for wrangler dev, .dev.vars, e.g. cp .dev.vars.example .dev.vars)`
    : `${message} (binding ${binding})`;
}

/**
 * @typedef {object} Isolate
 * @property {(env: any) => WorkerState} getState  the state, made on first use; throws on bad bindings
 * @property {(env: any) => Promise<WorkerState | null>} readyState  the state with its module
 *   started, or null once the configuration is refused; throws when the module cannot be
 *   instantiated (tried again next time)
 * @property {() => string | null} refusal  the refused configuration's explanation, or null
 * @property {() => Response} misconfigured  the answer to every request once refused
 */

/**
 * @param {object} o
 * @param {WebAssembly.Module} o.wasmModule  slotguard-wasi.wasm, compiled
 * @param {StoreMakers} [o.stores]
 * @returns {Isolate}
 */
export function createIsolate({ wasmModule, stores = {} }) {
  const loader = wasiLoader({ module: wasmModule });
  /** @type {WorkerState | null} */
  let state = null;
  /** @type {string | null} */
  let refused = null;
  /** @type {Setting[] | null} */
  let settings = null; // the module's configuration schema, read once

  /** @param {any} env @returns {WorkerState} */
  function getState(env) {
    if (!settings) throw new Error('the module has not been read yet (readyState first)');
    return (state ??= buildState(env, loader, stores, settings));
  }

  /** @param {unknown} error */
  function refuse(error) {
    refused = explain(error, settings ?? []);
    console.log(JSON.stringify({ ts: new Date().toISOString(), level: 'error', source: 'host', event: 'misconfigured', error: refused }));
  }

  /** @param {any} env @returns {Promise<WorkerState | null>} */
  async function readyState(env) {
    if (refused) return null;
    settings ??= (await describeModule(loader)).settings; // throws when the module cannot be instantiated
    let s;
    try {
      s = getState(env);
    } catch (error) {
      refuse(error);
      return null;
    }
    try {
      await s.runner.ready();
    } catch (error) {
      if (error instanceof ConfigurationError || /** @type {any} */ (error)?.name === 'ConfigurationError') {
        refuse(error);
        return null;
      }
      throw error; // the module could not be instantiated: a 500, tried again next time
    }
    return s;
  }

  return {
    getState,
    readyState,
    refusal: () => refused,
    misconfigured: () => jsonError(500, 'server_misconfigured', /** @type {string} */ (refused)),
  };
}
