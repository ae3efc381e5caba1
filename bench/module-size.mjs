// Prints the size of both wasm builds (raw and gzip -9) and how long it takes to get a
// ready instance: compile + instantiate + sg_init (cold), and instantiate + sg_init
// from an already compiled module (what a trap recovery costs). Medians of N runs.
//
//   node bench/module-size.mjs [runs=20]     (SLOTGUARD_WASM_DIR overrides build/dist)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createTaskRunner, createMemoryStore, emscriptenLoader, wasiLoader } from '../host-shims/js-bridge/src/index.js';
import { DEFAULT_WASM_DIR } from '../host-shims/node/src/index.js';
import { getRandomValues } from '../host-shims/node/src/random.js';

const RUNS = Number(process.argv[2] || 20);
const DIR = process.env.SLOTGUARD_WASM_DIR || DEFAULT_WASM_DIR;
const CONFIG = { admin_token: 'bench-admin-token-0123456789', stripe_api_base: 'http://127.0.0.1:9' };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** ms until a runner built on `loader` has an initialised instance. */
async function timeReady(loader) {
  const t0 = performance.now();
  const runner = createTaskRunner({ loader, config: CONFIG, store: createMemoryStore(), fetch: async () => ({ status: 500, body: '' }), getRandomValues });
  await runner.ready();
  return performance.now() - t0;
}

async function measure(makeLoader) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) cold.push(await timeReady(await makeLoader(false)));
  const precompiled = await makeLoader(true);
  for (let i = 0; i < RUNS; i++) warm.push(await timeReady(precompiled));
  return { cold: median(cold), warm: median(warm) };
}

const wasiBytes = readFileSync(join(DIR, 'slotguard-wasi.wasm'));
const emBytes = readFileSync(join(DIR, 'slotguard-emscripten.wasm'));
const emGlue = readFileSync(join(DIR, 'slotguard-emscripten.mjs'));
const { default: factory } = await import(pathToFileURL(join(DIR, 'slotguard-emscripten.mjs')).href);

const builds = [
  {
    name: 'wasi',
    files: [['slotguard-wasi.wasm', wasiBytes]],
    loader: async (pre) => (pre ? wasiLoader({ module: await WebAssembly.compile(wasiBytes) }) : wasiLoader({ bytes: wasiBytes })),
  },
  {
    name: 'emscripten',
    files: [['slotguard-emscripten.wasm', emBytes], ['slotguard-emscripten.mjs', emGlue]],
    loader: async (pre) =>
      pre ? emscriptenLoader({ factory, wasmModule: await WebAssembly.compile(emBytes) }) : emscriptenLoader({ factory, wasmBinary: emBytes }),
  },
];

console.log(`slotguard module sizes and instantiation (${RUNS} runs, median), from ${DIR}\n`);
console.log('build        file                          raw          gzip -9');
for (const b of builds) {
  let raw = 0;
  let gz = 0;
  for (const [file, bytes] of b.files) {
    const g = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += g;
    console.log(`${b.name.padEnd(12)} ${file.padEnd(28)} ${kib(bytes.length).padStart(11)}  ${kib(g).padStart(11)}`);
  }
  if (b.files.length > 1) console.log(`${b.name.padEnd(12)} ${'(total)'.padEnd(28)} ${kib(raw).padStart(11)}  ${kib(gz).padStart(11)}`);
}
console.log('\nbuild        compile+instantiate+sg_init   instantiate+sg_init (precompiled)');
for (const b of builds) {
  const { cold, warm } = await measure(b.loader);
  console.log(`${b.name.padEnd(12)} ${`${cold.toFixed(2)} ms`.padStart(27)}   ${`${warm.toFixed(2)} ms`.padStart(33)}`);
}
