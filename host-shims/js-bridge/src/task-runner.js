// The task runner: many requests in flight on ONE module instance, and a fresh
// instance (same configuration) whenever the current one traps. Nothing is lost on a
// trap: committed state lives in the store; the instance only held tasks in flight.
import { encodeRequest } from './envelope.js';
import { createHostCalls } from './host-calls.js';
import { createInstance } from './instance.js';
import { unavailable } from './responses.js';

const encoder = new TextEncoder();

/** @typedef {'debug' | 'info' | 'warn' | 'error'} LogLevel */
/**
 * @typedef {{level: LogLevel, source: 'core' | 'host', [field: string]: unknown}} BridgeLogRecord
 *   one log line: the core's (its JSON fields merged in) or the host's own
 */
/** @typedef {import('./host-calls.js').StoreAdapter} StoreAdapter */

/**
 * @param {object} o
 * @param {import('./raw-instance.js').Loader} o.loader  wasiLoader(...) or emscriptenLoader(...)
 * @param {object} o.config  the sg_init configuration (snake_case, wasm/ABI.md)
 * @param {StoreAdapter} o.store  async store adapter
 * @param {import('./host-calls.js').FetchAdapter} o.fetch  async fetch adapter
 * @param {(view: Uint8Array) => void} o.getRandomValues  a CSPRNG, e.g. crypto.getRandomValues
 * @param {() => number} [o.now]  Unix milliseconds
 * @param {(record: BridgeLogRecord) => void} [o.log]  receives one structured record per log line
 */
export function createTaskRunner({ loader, config, store, fetch, getRandomValues, now = () => Date.now(), log = () => {} }) {
  if (typeof getRandomValues !== 'function') throw new TypeError('getRandomValues is required (reservation ids are capabilities)');
  const configBytes = encoder.encode(JSON.stringify(config));
  /** @param {LogLevel} level  @param {object} fields */
  const logHost = (level, fields) => log({ level, source: 'host', ...fields });
  const services = {
    now,
    getRandomValues,
    logHost,
    // The core's lines are JSON objects without guest data: merge their fields.
    /** @param {LogLevel} level  @param {string} line */
    log(level, line) {
      let fields;
      try {
        fields = JSON.parse(line);
      } catch {
        fields = { msg: line };
      }
      log({ level, source: 'core', ...(fields && typeof fields === 'object' ? fields : { msg: line }) });
    },
  };
  const perform = createHostCalls({ store, fetch, logHost });
  // Requests that bring their own store (runRequest's `store` option) get a performer
  // of their own, made once per store object.
  /** @type {WeakMap<StoreAdapter, import('./host-calls.js').Perform>} */
  const performers = new WeakMap();
  /** @param {StoreAdapter | undefined} s */
  const performerFor = (s) => {
    if (!s || s === store) return null;
    let p = performers.get(s);
    if (!p) performers.set(s, (p = createHostCalls({ store: s, fetch, logHost })));
    return p;
  };

  /** @type {import('./instance.js').Instance | null} */
  let live = null; // the current Instance
  /** @type {Promise<import('./instance.js').Instance> | null} */
  let starting = null; // Promise<Instance> while one is being created
  let generation = 0;
  let traps = 0;
  let inFlight = 0;
  let closed = false;
  /** @type {(() => void)[]} */
  let idleWaiters = [];

  /** @param {import('./instance.js').Instance} inst  @param {any} error */
  function onDead(inst, error) {
    traps++;
    logHost('error', { event: 'instance_trapped', instance: inst.id, error: String(error?.message ?? error) });
    if (live === inst) live = null;
    // Replace it now, so the next request does not pay for instantiation.
    if (!closed) instance().catch((e) => logHost('error', { event: 'instance_start_failed', error: e.message }));
  }

  /** @returns {Promise<import('./instance.js').Instance>} */
  function instance() {
    if (live && !live.dead) return Promise.resolve(live);
    starting ??= createInstance({ loader, config: configBytes, perform, services, onDead, id: ++generation })
      .then((inst) => (live = inst))
      .finally(() => (starting = null));
    return starting;
  }

  function settle() {
    if (--inFlight === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  }

  /** Resolves when no request is in flight (true), or false after timeoutMs.
   * @param {number} [timeoutMs]  @returns {Promise<boolean>} */
  function idle(timeoutMs = Infinity) {
    if (inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer;
      idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve(false), timeoutMs);
    });
  }

  return {
    /** Creates the first instance; rejects on a bad module or configuration. */
    ready: () => instance().then(() => undefined),

    /**
     * @param {import('./envelope.js').BridgeRequest} req
     * @param {{store?: StoreAdapter}} [options]  `store`: this request's store
     *   calls go to it instead of the runner's (the Worker's per-expert Durable Objects)
     * @returns {Promise<import('./envelope.js').BridgeResponse>}
     */
    async runRequest(req, { store: own } = {}) {
      if (closed) return unavailable('shutting_down', 'the server is shutting down');
      inFlight++;
      try {
        let inst = await instance();
        // Another request may have trapped it while this one waited: this request
        // never touched that instance, so it goes to the fresh one instead of a 500.
        for (let tries = 0; inst.dead && tries < 3; tries++) inst = await instance();
        return await inst.run(encodeRequest(req), performerFor(own));
      } finally {
        settle();
      }
    },

    /**
     * How to route and limit a request, from the core's route table (the body may be
     * empty when it has not been read yet). Null when the module cannot decode it;
     * rejects when no instance can be started.
     * @param {import('./envelope.js').BridgeRequest} req
     * @returns {Promise<import('./contract.js').RequestDescription | null>}
     */
    async describeRequest(req) {
      let inst = await instance();
      for (let tries = 0; inst.dead && tries < 3; tries++) inst = await instance();
      return inst.describeRequest(encodeRequest(req));
    },

    idle,

    /** Stops taking requests and waits for those in flight (false if the wait timed out).
     * @param {number} [timeoutMs]  @returns {Promise<boolean>} */
    close(timeoutMs = 10000) {
      closed = true;
      return idle(timeoutMs);
    },

    /** Test hook: makes the live instance trap for real. Resolves to whether it did.
     * @returns {Promise<boolean>} */
    async trapForTest() {
      const inst = await instance();
      return inst.trapForTest();
    },

    stats: () => ({ generation, traps, inFlight, tasks: live?.inFlight ?? 0, kind: live?.raw?.kind ?? null }),
  };
}
