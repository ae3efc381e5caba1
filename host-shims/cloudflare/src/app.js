// The Worker: HTTP in, the slotguard core (wasm32-wasi) in the middle, D1, a Durable
// Object, a Durable Object per expert or PostgreSQL through Hyperdrive as the store,
// Stripe through fetch().
//
// One task runner per isolate, made on the first request and kept in module scope:
// every request of the isolate, concurrent ones included, runs as a task on the same
// module instance. js-bridge replaces the instance when it traps (nothing is lost: the
// state is in the store). Each task's host calls are started from the continuation of
// its own request, so the store and fetch I/O of a request stays in that request's
// context, as workerd requires.
//
// Around the core: a configuration the core refuses is logged once and answered 500
// with the core's reason; the rate-limiting binding (when bound) guards
// POST /v1/reservations; bodies have a limit per route; store calls have a deadline;
// after a request that may have changed state, and after the cron sweep, one
// notification run (POST /v1/maintenance/notify) delivers what the core's outbox holds.
//
// Per-expert mode (SLOTGUARD_STORE = "durable_object", SLOTGUARD_DO_MODE = "per-expert"):
// the Worker picks the object of the request's expert first (per-expert.js: the
// directory), then runs the request as usual with that object as the task's store; the
// sweep and the notification runs visit every object.
import {
  ConfigurationError,
  RESERVATIONS_PATH,
  bodyLimitFor,
  createTaskRunner,
  errorResponse,
  internalError,
  tooLarge,
  wasiLoader,
} from '../../js-bridge/src/index.js';
import { BINDING_OF, configFromEnv, durableObjectMode, storeKind, storeTimeoutMs } from './config.js';
import { createD1Store } from './d1-store.js';
import { createDurableObjectStore } from './do-store.js';
import { createFetchAdapter } from './fetch.js';
import { createLogger } from './log.js';
import { FAN_OUT, createPerExpert, validExpertId } from './per-expert.js';
import { withStoreTimeouts } from './store-timeout.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const SWEEP_PATH = '/v1/maintenance/sweep';
export const NOTIFY_PATH = '/v1/maintenance/notify';
// A cron run does bounded work: at most this many sweeps, each bounded by the core.
const MAX_SWEEPS_PER_RUN = 5;
// A notification run asks the core at most this many times while it says `more`.
const MAX_NOTIFY_BATCHES = 5;
// The rate-limiting binding answers only yes or no; its period (60 s in the example's
// wrangler.toml) is the longest a refused client has to wait.
const RATE_LIMIT_RETRY_AFTER_S = '60';
const decoder = new TextDecoder();
const MAINTENANCE_PATHS = new Set(['/v1/maintenance/sweep', '/v1/maintenance/notify']);

/** The JSON body of a request or response, or null. */
function jsonOf(bytes) {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
}

/** Compares two strings in time that depends only on their lengths. */
function sameText(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function jsonError(status, code, message, extraHeaders = []) {
  const r = errorResponse(status, code, message, extraHeaders);
  return new Response(r.body, { status: r.status, headers: r.headers });
}

function toResponse(res, method) {
  const noBody = method === 'HEAD' || res.status === 204 || res.status === 304 || res.body.length === 0;
  return new Response(noBody ? null : res.body, { status: res.status, headers: res.headers });
}

/** The core's reason, plus the binding that sets the field it names. */
function explain(error) {
  const message = String(error?.message ?? error);
  const field = /^slotguard configuration: ([a-z_]+)/.exec(message)?.[1];
  return BINDING_OF[field] ? `${message} (binding ${BINDING_OF[field]})` : message;
}

/**
 * @param {object} o
 * @param {WebAssembly.Module} o.wasmModule  slotguard-wasi.wasm, compiled (a Worker
 *   imports .wasm files as WebAssembly.Module; workerd cannot compile bytes at run time)
 * @param {{hyperdrive?: (binding: object, o: {log: Function}) => object}} [o.stores]
 *   store makers that need more than web APIs (the Hyperdrive store needs npm pg and
 *   nodejs_compat), so that only the entry that uses one brings it in
 *   (src/worker-hyperdrive.js)
 * @returns {{fetch: Function, scheduled: Function, state: (env: object) => object}}
 */
export function createWorker({ wasmModule, stores = {} }) {
  if (!(wasmModule instanceof WebAssembly.Module)) throw new TypeError('createWorker needs the compiled slotguard-wasi module');
  const loader = wasiLoader({ module: wasmModule });
  let state = null;
  // Bindings are fixed for the life of an isolate: a configuration that was refused
  // stays refused, so it is logged once and every request answers with the reason.
  let refused = null;

  /** The isolate's runner and store, made from the first request's bindings. Throws on bad bindings. */
  function getState(env) {
    if (state) return state;
    const log = createLogger(env.SLOTGUARD_LOG_LEVEL);
    const config = configFromEnv(env);
    const kind = storeKind(env);
    const timeoutMs = storeTimeoutMs(env);
    const doName = env.SLOTGUARD_DO_NAME || 'slotguard';
    const mode = kind === 'durable_object' ? durableObjectMode(env) : 'single';
    let perExpert = null;
    let raw;
    if (kind === 'd1') {
      raw = createD1Store(env.DB);
    } else if (kind === 'hyperdrive') {
      if (typeof stores.hyperdrive !== 'function') {
        throw new Error('SLOTGUARD_STORE = "hyperdrive" needs the entry module src/worker-hyperdrive.js (@slotguard/cloudflare/hyperdrive) and the nodejs_compat flag');
      }
      raw = stores.hyperdrive(env.HYPERDRIVE, { log, statementTimeoutMs: timeoutMs });
    } else if (mode === 'per-expert') {
      if (!env.SLOTGUARD_STORE_DO || typeof env.SLOTGUARD_STORE_DO.idFromName !== 'function') {
        throw new TypeError('the Durable Object binding SLOTGUARD_STORE_DO is missing');
      }
      perExpert = createPerExpert({
        name: doName,
        storeFor: (objectName) => withStoreTimeouts(createDurableObjectStore(env.SLOTGUARD_STORE_DO, objectName), timeoutMs),
      });
    } else {
      raw = createDurableObjectStore(env.SLOTGUARD_STORE_DO, doName);
    }
    // Per expert, the runner's own store is the "unrouted" object: requests the router
    // gives no store (/healthz, /metrics, unknown routes) run there.
    const store = perExpert ? perExpert.unrouted : withStoreTimeouts(raw, timeoutMs);
    const runner = createTaskRunner({
      loader,
      config,
      store,
      fetch: createFetchAdapter({ defaultTimeoutMs: typeof config.http_timeout_ms === 'number' ? config.http_timeout_ms : 10000 }),
      getRandomValues: (view) => crypto.getRandomValues(view),
      now: () => Date.now(),
      log,
    });
    state = {
      runner,
      store,
      log,
      storeKind: kind,
      doMode: mode,
      perExpert,
      adminToken: config.admin_token,
      notify: typeof config.notify_url === 'string' && config.notify_url !== '',
      notifyRuns: new Map(), // store -> {running, again}: one coalesced run per object
      notifyMissing: false,
    };
    log({ level: 'info', source: 'host', event: 'runner_created', store: kind, ...(kind === 'durable_object' ? { do_mode: mode } : {}) });
    return state;
  }

  function refuse(error) {
    refused = explain(error);
    console.log(JSON.stringify({ ts: new Date().toISOString(), level: 'error', source: 'host', event: 'misconfigured', error: refused }));
  }

  /** The isolate's state with its module started, or null once the configuration is refused. */
  async function readyState(env) {
    if (refused) return null;
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
      if (error instanceof ConfigurationError || error?.name === 'ConfigurationError') {
        refuse(error);
        return null;
      }
      throw error; // the module could not be instantiated: a 500, tried again next time
    }
    return s;
  }

  const misconfigured = () => jsonError(500, 'server_misconfigured', refused);

  /**
   * One notification run on `store` (the isolate's store, or one expert's object): asks
   * the core to deliver what is due, while it says `more`. Runs on one store coalesce.
   */
  function notifyRun(s, store = s.store) {
    if (!s.notify || s.notifyMissing) return Promise.resolve();
    let run = s.notifyRuns.get(store);
    if (run) {
      // Coalesced: the run in progress goes round once more.
      run.again = true;
      return Promise.resolve();
    }
    run = { again: false };
    s.notifyRuns.set(store, run);
    return (async () => {
      do {
        run.again = false;
        for (let batch = 1; batch <= MAX_NOTIFY_BATCHES; batch++) {
          const res = await s.runner.runRequest(
            {
              method: 'POST',
              path: NOTIFY_PATH,
              headers: [['authorization', `Bearer ${s.adminToken}`], ['content-type', 'application/json']],
              body: '{}',
            },
            { store },
          );
          if (res.status === 404) {
            s.notifyMissing = true; // a core without the endpoint: nothing to deliver, ever
            s.log({ level: 'warn', source: 'host', event: 'notify_unavailable' });
            return;
          }
          const result = jsonOf(res.body);
          if (res.status !== 200) {
            s.log({ level: 'error', source: 'host', event: 'notify_failed', status: res.status, result, object: store.objectName });
            return;
          }
          if (result?.delivered || result?.failed) s.log({ level: 'info', source: 'host', event: 'notify_done', batch, ...result, object: store.objectName });
          if (!result?.more) break;
        }
      } while (run.again);
    })()
      .catch((error) => s.log({ level: 'error', source: 'host', event: 'notify_failed', error: String(error?.message ?? error) }))
      .finally(() => s.notifyRuns.delete(store));
  }

  /** `items` through `fn`, at most FAN_OUT at a time; the results in order. */
  async function fanOut(items, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FAN_OUT, items.length) }, worker));
    return results;
  }

  /**
   * Per expert: POST /v1/maintenance/sweep or /notify (admin token checked) run on every
   * object; the answer sums their counts ("more" if any says so), or is the first
   * answer that was not a 200.
   */
  async function maintenanceEverywhere(s, req) {
    const answers = await fanOut(await s.perExpert.allStores(), (store) => s.runner.runRequest(req, { store }));
    const failed = answers.find((r) => r.status !== 200);
    if (failed) return failed;
    const sum = { objects: answers.length };
    for (const r of answers) {
      for (const [k, v] of Object.entries(jsonOf(r.body) ?? {})) {
        if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
        else if (typeof v === 'boolean') sum[k] = Boolean(sum[k]) || v;
      }
    }
    return { status: 200, headers: [['Content-Type', 'application/json']], body: new TextEncoder().encode(JSON.stringify(sum)) };
  }

  /**
   * Per expert: which object's store this request's task uses. Returns {store} (and
   * `after(res)`, run on the answer before it is sent), or {res} when the Worker answers
   * itself (maintenance fan-out, an event id that belongs to another expert).
   * Throws when the directory cannot be reached (the caller answers 503).
   */
  async function routePerExpert(s, { method, url, headers, body }) {
    const px = s.perExpert;
    const seg = url.pathname.split('/').filter(Boolean);
    const decode = (x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        return null; // the core answers a malformed id itself
      }
    };
    const admin = sameText(headers.get('authorization') ?? '', `Bearer ${s.adminToken}`);
    const byExpert = (expert) => ({ store: expert ? px.forExpert(expert) : px.unrouted });
    if (seg[0] !== 'v1') return byExpert(null);

    if (seg[1] === 'events' && seg.length === 2) return byExpert(validExpertId(url.searchParams.get('expert_id')) ? url.searchParams.get('expert_id') : null);
    if (seg[1] === 'events' && seg.length >= 3) {
      const eventId = decode(seg[2]);
      if (method === 'PUT' && seg.length === 3) {
        const expert = jsonOf(body)?.expert_id;
        // Only an authorised PUT with a usable expert claims the id; anything else goes
        // to the unrouted object, where the core gives its own 401 or 400.
        if (!admin || !validExpertId(expert) || !validExpertId(eventId) /* the same rule for event ids */) return byExpert(null);
        const claim = await px.claimEvent(eventId, expert);
        if (!claim.ok) {
          const r = errorResponse(409, 'event_expert_fixed', `event ${eventId} belongs to another expert; with a Durable Object per expert an event type cannot move: use a new event id`);
          return { res: r };
        }
        return {
          store: px.forExpert(expert),
          after: async (res) => {
            if (res.status >= 300 && claim.claimed) await px.unclaimEvent(eventId, claim.claimed).catch(() => {});
          },
        };
      }
      return byExpert(await px.eventExpert(eventId));
    }
    if (seg[1] === 'reservations' && seg.length === 2) {
      if (method !== 'POST') return byExpert(validExpertId(url.searchParams.get('expert_id')) ? url.searchParams.get('expert_id') : null);
      const expert = await px.eventExpert(jsonOf(body)?.event_id);
      if (!expert) return byExpert(null);
      return {
        store: px.forExpert(expert),
        after: async (res) => {
          if (res.status !== 200 && res.status !== 201) return;
          const rid = jsonOf(res.body)?.reservation?.id;
          if (typeof rid !== 'string') return;
          // Before the guest learns the id. If this write fails, the reservation is
          // still found later: a directory miss asks every expert object (per-expert.js).
          await px.recordReservation(rid, expert).catch((error) =>
            s.log({ level: 'warn', source: 'host', event: 'directory_write_failed', error: String(error?.message ?? error) }),
          );
        },
      };
    }
    // GET/DELETE /v1/reservations/{id} and POST /v1/reservations/{id}/reschedule.
    if (seg[1] === 'reservations' && (seg.length === 3 || seg.length === 4)) return byExpert(await px.reservationExpert(decode(seg[2])));
    // /v1/experts/{expert_id}/...: availability and busy blocks live with the expert's
    // ledger, so a hold and a block are decided in one object.
    if (seg[1] === 'experts' && seg.length >= 3) {
      const expert = decode(seg[2]);
      return byExpert(validExpertId(expert) ? expert : null);
    }
    if (seg[1] === 'stripe' && seg[2] === 'webhook' && seg.length === 3) {
      // Our reservation id travels in the Checkout Session (core/slotguard/payments/stripe/stripe_api.cpp):
      // metadata.reservation_id and client_reference_id. The signature is checked by
      // the core in the object; routing on an unverified body only picks the object.
      const object = jsonOf(body)?.data?.object;
      const rid = object?.metadata?.reservation_id || object?.client_reference_id;
      return byExpert(await px.reservationExpert(rid));
    }
    if (method === 'POST' && MAINTENANCE_PATHS.has(url.pathname) && seg.length === 3 && admin) return { everywhere: true };
    return byExpert(null);
  }

  async function fetchHandler(request, env, ctx) {
    let s;
    try {
      s = await readyState(env);
    } catch (error) {
      getState(env).log({ level: 'error', source: 'host', event: 'instance_unavailable', error: String(error?.message ?? error) });
      const r = internalError();
      return new Response(r.body, { status: r.status, headers: r.headers });
    }
    if (!s) return misconfigured();
    const url = new URL(request.url);
    const method = request.method;

    // Cloudflare's rate-limiting binding, when the deployment has one (wrangler.toml
    // [[ratelimits]]): one key per client address, on the route that takes holds.
    const limiter = env.SLOTGUARD_RATE_LIMITER;
    if (limiter && typeof limiter.limit === 'function' && method === 'POST' && url.pathname === RESERVATIONS_PATH) {
      let success = true;
      try {
        ({ success } = await limiter.limit({ key: request.headers.get('cf-connecting-ip') ?? 'unknown' }));
      } catch (error) {
        // The limiter is a safeguard, not a dependency: if it fails, serve.
        s.log({ level: 'warn', source: 'host', event: 'rate_limiter_failed', error: String(error?.message ?? error) });
      }
      if (!success) {
        return jsonError(429, 'rate_limited', `too many reservation requests from this client; retry in ${RATE_LIMIT_RETRY_AFTER_S} s`, [
          ['Retry-After', RATE_LIMIT_RETRY_AFTER_S],
        ]);
      }
    }

    const limit = bodyLimitFor(method, url.pathname, MAX_BODY_BYTES);
    const refuseBody = () => {
      const r = tooLarge(limit);
      return new Response(r.body, { status: r.status, headers: r.headers });
    };
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > limit) return refuseBody();
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > limit) return refuseBody();
    const req = { method, path: url.pathname, query: url.search.slice(1), headers: request.headers, body };
    let route = { store: s.store };
    if (s.perExpert) {
      try {
        route = await routePerExpert(s, { method, url, headers: request.headers, body });
      } catch (error) {
        s.log({ level: 'error', source: 'host', event: 'directory_unavailable', error: String(error?.message ?? error) });
        return jsonError(503, 'store_unavailable', 'the directory of experts is unavailable; retry shortly', [['Retry-After', '1']]);
      }
    }
    let res = route.res;
    try {
      if (!res && route.everywhere) res = await maintenanceEverywhere(s, req);
      else if (!res) res = await s.runner.runRequest(req, { store: route.store });
    } catch (error) {
      // The module could not be instantiated, or (per expert) the directory failed.
      s.log({ level: 'error', source: 'host', event: 'instance_unavailable', error: String(error?.message ?? error) });
      res = internalError();
    }
    if (route.after) await route.after(res);
    // Anything but a read may have written a notification to the outbox: deliver it
    // after the answer, within this request's lifetime.
    if (s.notify && route.store && method !== 'GET' && method !== 'HEAD' && url.pathname !== NOTIFY_PATH && typeof ctx?.waitUntil === 'function') {
      ctx.waitUntil(notifyRun(s, route.store));
    }
    return toResponse(res, method);
  }

  /** The cron's sweep on one store: repeated while it says `more`; throws unless 200. */
  async function sweepStore(s, store, cron) {
    for (let run = 1; run <= MAX_SWEEPS_PER_RUN; run++) {
      const res = await s.runner.runRequest(
        { method: 'POST', path: SWEEP_PATH, headers: [['authorization', `Bearer ${s.adminToken}`]], body: '' },
        { store },
      );
      const result = jsonOf(res.body);
      s.log({ level: res.status === 200 ? 'info' : 'error', source: 'host', event: 'scheduled_sweep', cron, run, status: res.status, result, object: store.objectName });
      if (res.status !== 200) throw new Error(`the sweep answered ${res.status}${store.objectName ? ` on ${store.objectName}` : ''}`);
      if (!result?.more) break;
    }
    // What the sweep released or refunded, and any retry that came due, goes out now.
    await notifyRun(s, store);
  }

  async function scheduled(controller, env) {
    const s = await readyState(env);
    if (!s) throw new Error(refused); // the cron run is then marked failed
    if (!s.perExpert) return sweepStore(s, s.store, controller?.cron);
    // Per expert: every object the directory lists, and the unrouted one. One object's
    // failure does not stop the others; the run is marked failed afterwards.
    const stores = await s.perExpert.allStores();
    const failures = (
      await fanOut(stores, (store) =>
        sweepStore(s, store, controller?.cron).then(
          () => null,
          (error) => error,
        ),
      )
    ).filter(Boolean);
    s.log({ level: failures.length ? 'error' : 'info', source: 'host', event: 'scheduled_fan_out', objects: stores.length, failed: failures.length });
    if (failures.length) throw failures[0];
  }

  return {
    fetch: fetchHandler,
    scheduled,
    /** For tests and embedders: the isolate's {runner, store, log, storeKind, doMode, perExpert}. */
    state: getState,
  };
}
