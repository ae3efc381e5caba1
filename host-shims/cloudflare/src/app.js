// The Worker: HTTP in, the slotguard core (wasm32-wasi) in the middle, D1, a Durable
// Object, a Durable Object per expert or PostgreSQL through Hyperdrive as the store,
// Stripe through fetch(). This module is the entry modules' one dependency: it puts the
// Worker together from the modules below, each of which does one job.
//
// One task runner per isolate, made on the first request and kept in module scope
// (isolate.js): every request of the isolate, concurrent ones included, runs as a task
// on the same module instance. js-bridge replaces the instance when it traps (nothing is
// lost: the state is in the store). Each task's host calls are started from the
// continuation of its own request, so the store and fetch I/O of a request stays in
// that request's context, as workerd requires.
//
// Around the core (request-handler.js): a configuration the core refuses is logged once
// and answered 500 with the core's reason; the rate-limiting binding (when bound) guards
// POST /v1/reservations and bodies have a limit per route (request-limits.js); store
// calls have a deadline; after a request that may have changed state, and after the
// cron sweep (cron.js), one notification run (notify.js) delivers what the core's outbox
// holds.
//
// Per-expert mode (SLOTGUARD_STORE = "durable_object", SLOTGUARD_DO_MODE = "per-expert"):
// the Worker picks the object of the request's expert first (route-per-expert.js, with
// per-expert.js's directory), then runs the request as usual with that object as the
// task's store; the sweep and the notification runs visit every object (maintenance.js).
import { createScheduled } from './cron.js';
import { createIsolate } from './isolate.js';
import { createRequestHandler } from './request-handler.js';

export { MAX_BODY_BYTES } from './request-limits.js';
export { NOTIFY_PATH, SWEEP_PATH } from './maintenance.js';

/**
 * @param {object} o
 * @param {WebAssembly.Module} o.wasmModule  slotguard-wasi.wasm, compiled (a Worker
 *   imports .wasm files as WebAssembly.Module; workerd cannot compile bytes at run time)
 * @param {import('./isolate.js').StoreMakers} [o.stores]
 *   store makers that need more than web APIs (the Hyperdrive store needs npm pg and
 *   nodejs_compat), so that only the entry that uses one brings it in
 *   (src/worker-hyperdrive.js)
 * @returns {{
 *   fetch: ReturnType<typeof createRequestHandler>,
 *   scheduled: ReturnType<typeof createScheduled>,
 *   state: (env: any) => import('./isolate.js').WorkerState,
 * }}
 */
export function createWorker({ wasmModule, stores = {} }) {
  if (!(wasmModule instanceof WebAssembly.Module)) throw new TypeError('createWorker needs the compiled slotguard-wasi module');
  const isolate = createIsolate({ wasmModule, stores });
  return {
    fetch: createRequestHandler(isolate),
    scheduled: createScheduled(isolate),
    /** For tests and embedders: the isolate's {runner, store, log, storeKind, doMode, perExpert}. */
    state: isolate.getState,
  };
}
