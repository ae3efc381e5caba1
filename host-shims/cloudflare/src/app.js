// The Worker: HTTP in, the slotguard core (wasm32-wasi) in the middle, D1 or a Durable
// Object as the store, Stripe through fetch().
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
import { BINDING_OF, configFromEnv, storeKind, storeTimeoutMs } from './config.js';
import { createD1Store } from './d1-store.js';
import { createDurableObjectStore } from './do-store.js';
import { createFetchAdapter } from './fetch.js';
import { createLogger } from './log.js';
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
 * @returns {{fetch: Function, scheduled: Function, state: (env: object) => object}}
 */
export function createWorker({ wasmModule }) {
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
    const raw = kind === 'd1'
      ? createD1Store(env.DB)
      : createDurableObjectStore(env.SLOTGUARD_STORE_DO, env.SLOTGUARD_DO_NAME || 'slotguard');
    const store = withStoreTimeouts(raw, storeTimeoutMs(env));
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
      adminToken: config.admin_token,
      notify: typeof config.notify_url === 'string' && config.notify_url !== '',
      notifying: null,
      notifyAgain: false,
      notifyMissing: false,
    };
    log({ level: 'info', source: 'host', event: 'runner_created', store: kind });
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

  /** One notification run: asks the core to deliver what is due, while it says `more`. */
  function notifyRun(s) {
    if (!s.notify || s.notifyMissing) return Promise.resolve();
    if (s.notifying) {
      // Coalesced: the run in progress goes round once more.
      s.notifyAgain = true;
      return Promise.resolve();
    }
    s.notifying = (async () => {
      do {
        s.notifyAgain = false;
        for (let batch = 1; batch <= MAX_NOTIFY_BATCHES; batch++) {
          const res = await s.runner.runRequest({
            method: 'POST',
            path: NOTIFY_PATH,
            headers: [['authorization', `Bearer ${s.adminToken}`], ['content-type', 'application/json']],
            body: '{}',
          });
          if (res.status === 404) {
            s.notifyMissing = true; // a core without the endpoint: nothing to deliver, ever
            s.log({ level: 'warn', source: 'host', event: 'notify_unavailable' });
            return;
          }
          let result = null;
          try {
            result = JSON.parse(decoder.decode(res.body));
          } catch {
            // reported below
          }
          if (res.status !== 200) {
            s.log({ level: 'error', source: 'host', event: 'notify_failed', status: res.status, result });
            return;
          }
          if (result?.delivered || result?.failed) s.log({ level: 'info', source: 'host', event: 'notify_done', batch, ...result });
          if (!result?.more) break;
        }
      } while (s.notifyAgain);
    })()
      .catch((error) => s.log({ level: 'error', source: 'host', event: 'notify_failed', error: String(error?.message ?? error) }))
      .finally(() => (s.notifying = null));
    return s.notifying;
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
    let res;
    try {
      res = await s.runner.runRequest({
        method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: request.headers,
        body,
      });
    } catch (error) {
      // The module could not be instantiated.
      s.log({ level: 'error', source: 'host', event: 'instance_unavailable', error: String(error?.message ?? error) });
      res = internalError();
    }
    // Anything but a read may have written a notification to the outbox: deliver it
    // after the answer, within this request's lifetime.
    if (s.notify && method !== 'GET' && method !== 'HEAD' && url.pathname !== NOTIFY_PATH && typeof ctx?.waitUntil === 'function') {
      ctx.waitUntil(notifyRun(s));
    }
    return toResponse(res, method);
  }

  async function scheduled(controller, env) {
    const s = await readyState(env);
    if (!s) throw new Error(refused); // the cron run is then marked failed
    for (let run = 1; run <= MAX_SWEEPS_PER_RUN; run++) {
      const res = await s.runner.runRequest({
        method: 'POST',
        path: SWEEP_PATH,
        headers: [['authorization', `Bearer ${s.adminToken}`]],
        body: '',
      });
      const text = decoder.decode(res.body);
      let result = null;
      try {
        result = JSON.parse(text);
      } catch {
        // reported below
      }
      s.log({ level: res.status === 200 ? 'info' : 'error', source: 'host', event: 'scheduled_sweep', cron: controller?.cron, run, status: res.status, result });
      if (res.status !== 200) throw new Error(`the sweep answered ${res.status}`);
      if (!result?.more) break;
    }
    // What the sweep released or refunded, and any retry that came due, goes out now.
    await notifyRun(s);
  }

  return {
    fetch: fetchHandler,
    scheduled,
    /** For tests and embedders: the isolate's {runner, store, log, storeKind}. */
    state: getState,
  };
}
