// The Worker: HTTP in, the slotguard core (wasm32-wasi) in the middle, D1 or a Durable
// Object as the store, Stripe through fetch().
//
// One task runner per isolate, made on the first request and kept in module scope:
// every request of the isolate, concurrent ones included, runs as a task on the same
// module instance. js-bridge replaces the instance when it traps (nothing is lost: the
// state is in the store). Each task's host calls are started from the continuation of
// its own request, so the store and fetch I/O of a request stays in that request's
// context, as workerd requires.
import { createTaskRunner, errorResponse, internalError, wasiLoader } from '../../js-bridge/src/index.js';
import { configFromEnv, storeKind } from './config.js';
import { createD1Store } from './d1-store.js';
import { createDurableObjectStore } from './do-store.js';
import { createFetchAdapter } from './fetch.js';
import { createLogger } from './log.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const SWEEP_PATH = '/v1/maintenance/sweep';
// A cron run does bounded work: at most this many sweeps, each bounded by the core.
const MAX_SWEEPS_PER_RUN = 5;
const decoder = new TextDecoder();

function jsonError(status, code, message) {
  const r = errorResponse(status, code, message);
  return new Response(r.body, { status: r.status, headers: r.headers });
}

function toResponse(res, method) {
  const noBody = method === 'HEAD' || res.status === 204 || res.status === 304 || res.body.length === 0;
  return new Response(noBody ? null : res.body, { status: res.status, headers: res.headers });
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

  /** The isolate's runner and store, made from the first request's bindings. Throws on bad bindings. */
  function getState(env) {
    if (state) return state;
    const log = createLogger(env.SLOTGUARD_LOG_LEVEL);
    const config = configFromEnv(env);
    const kind = storeKind(env);
    const store = kind === 'd1'
      ? createD1Store(env.DB)
      : createDurableObjectStore(env.SLOTGUARD_STORE_DO, env.SLOTGUARD_DO_NAME || 'slotguard');
    const runner = createTaskRunner({
      loader,
      config,
      store,
      fetch: createFetchAdapter({ defaultTimeoutMs: config.http_timeout_ms ?? 10000 }),
      getRandomValues: (view) => crypto.getRandomValues(view),
      now: () => Date.now(),
      log,
    });
    state = { runner, store, log, storeKind: kind };
    log({ level: 'info', source: 'host', event: 'runner_created', store: kind });
    return state;
  }

  function misconfigured(error) {
    console.log(JSON.stringify({ ts: new Date().toISOString(), level: 'error', source: 'host', event: 'misconfigured', error: String(error?.message ?? error) }));
    return jsonError(500, 'server_misconfigured', 'the server is not configured correctly; see its logs');
  }

  async function fetchHandler(request, env) {
    let s;
    try {
      s = getState(env);
    } catch (error) {
      return misconfigured(error);
    }
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return jsonError(413, 'payload_too_large', 'the request body exceeds 1 MiB');
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > MAX_BODY_BYTES) return jsonError(413, 'payload_too_large', 'the request body exceeds 1 MiB');
    const url = new URL(request.url);
    let res;
    try {
      res = await s.runner.runRequest({
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: request.headers,
        body,
      });
    } catch (error) {
      // The module could not be instantiated or refused the configuration.
      s.log({ level: 'error', source: 'host', event: 'instance_unavailable', error: String(error?.message ?? error) });
      res = internalError();
    }
    return toResponse(res, request.method);
  }

  async function scheduled(controller, env) {
    const s = getState(env); // throws on bad bindings: the cron run is then marked failed
    for (let run = 1; run <= MAX_SWEEPS_PER_RUN; run++) {
      const res = await s.runner.runRequest({
        method: 'POST',
        path: SWEEP_PATH,
        headers: [['authorization', `Bearer ${env.SLOTGUARD_ADMIN_TOKEN}`]],
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
  }

  return {
    fetch: fetchHandler,
    scheduled,
    /** For tests and embedders: the isolate's {runner, store, log, storeKind}. */
    state: getState,
  };
}
