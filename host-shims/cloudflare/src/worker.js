// The Worker's entry module (wrangler `main`). Exports the fetch and scheduled handlers
// and the Durable Object class that the "durable_object" store uses.
import slotguardWasm from '../../../build/dist/slotguard-wasi.wasm';
import { createWorker } from './app.js';

export { SlotguardStore } from './do-store.js';

const worker = createWorker({ wasmModule: slotguardWasm });

export default {
  fetch: (request, env, ctx) => worker.fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, env, ctx),
};
