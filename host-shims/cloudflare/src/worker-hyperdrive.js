// The Worker's entry module for PostgreSQL through Hyperdrive (wrangler `main` when
// SLOTGUARD_STORE = "hyperdrive"; needs compatibility_flags = ["nodejs_compat"]). It is
// the default entry (src/worker.js) plus the Hyperdrive store, kept apart so that
// deployments on D1 or Durable Objects never bundle npm pg. It serves every store
// kind, so switching SLOTGUARD_STORE back needs no other change.
import slotguardWasm from '../../../build/dist/slotguard-wasi.wasm';
import { createWorker } from './app.js';
import { createHyperdriveStore } from './hyperdrive-store.js';

export { SlotguardStore } from './do-store.js';

const worker = createWorker({ wasmModule: slotguardWasm, stores: { hyperdrive: createHyperdriveStore } });

export default {
  fetch: (request, env, ctx) => worker.fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, env, ctx),
};
