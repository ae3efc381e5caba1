// One start-up, measured in a process of its own (bench/speed.mjs spawns one per run):
// the module's bytes are read and the bridge, the glue and the task runner are loaded
// first; then, timed, compile + instantiate + sg_init from the bytes (the first
// instance this process ever makes), and then instantiate + sg_init again from the
// module compiled meanwhile (what recovering from a trap costs). Prints one JSON line.
//
//   node bench/lib/startup-child.mjs wasi|emscripten WASM_DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMemoryStore, createTaskRunner, emscriptenLoader, wasiLoader } from '../../host-shims/js-bridge/src/index.js';
import { getRandomValues } from '../../host-shims/node/src/random.js';

const [build, dir] = process.argv.slice(2);
const CONFIG = { admin_token: 'bench-admin-token-0123456789', stripe_api_base: 'http://127.0.0.1:9' };

async function readyMs(loader) {
  const t0 = performance.now();
  const runner = createTaskRunner({ loader, config: CONFIG, store: createMemoryStore(), fetch: async () => ({ status: 500, body: '' }), getRandomValues });
  await runner.ready();
  return performance.now() - t0;
}

let cold;
let warm;
if (build === 'wasi') {
  const bytes = readFileSync(join(dir, 'slotguard-wasi.wasm'));
  cold = await readyMs(wasiLoader({ bytes }));
  const module = await WebAssembly.compile(bytes);
  warm = await readyMs(wasiLoader({ module }));
} else {
  const bytes = readFileSync(join(dir, 'slotguard-emscripten.wasm'));
  const { default: factory } = await import(pathToFileURL(join(dir, 'slotguard-emscripten.mjs')).href);
  cold = await readyMs(emscriptenLoader({ factory, wasmBinary: bytes }));
  const wasmModule = await WebAssembly.compile(bytes);
  warm = await readyMs(emscriptenLoader({ factory, wasmModule }));
}
process.stdout.write(`${JSON.stringify({ build, cold, warm })}\n`);
