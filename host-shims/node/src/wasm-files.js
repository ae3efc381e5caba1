// Finds the built modules (build/dist in the repo by default) and turns them into
// bridge loaders. Compiled modules are cached per file, so every host in a process
// (tests start many) and every post-trap instance skip compilation.
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emscriptenLoader, wasiLoader } from '../../js-bridge/src/index.js';

export const DEFAULT_WASM_DIR = resolve(fileURLToPath(new URL('../../../build/dist', import.meta.url)));

export const WASM_FILES = {
  wasi: ['slotguard-wasi.wasm'],
  emscripten: ['slotguard-emscripten.mjs', 'slotguard-emscripten.wasm'],
};

/** @type {Map<string, Promise<WebAssembly.Module>>} */
const compiled = new Map(); // absolute .wasm path -> Promise<WebAssembly.Module>

/** @param {string} path  @returns {Promise<WebAssembly.Module>} */
function compile(path) {
  if (!compiled.has(path)) {
    const p = readFile(path).then((bytes) => WebAssembly.compile(bytes));
    p.catch(() => compiled.delete(path)); // a missing file may be built later
    compiled.set(path, p);
  }
  return /** @type {Promise<WebAssembly.Module>} */ (compiled.get(path));
}

/** @param {string} path  @param {string} kind */
async function readable(path, kind) {
  try {
    await access(path);
  } catch {
    throw new Error(`the ${kind} build is missing: ${path} (build it with scripts/dev, or set wasmDir)`);
  }
}

/** @type {Map<string, import('../../js-bridge/src/raw-instance.js').Loader>} */
const loaders = new Map();

/**
 * One loader per build and folder in a process: the module is compiled once, and its
 * description (describeModule, cached per loader) read once, however many hosts start
 * (the CLI reads the settings schema before createSlotguard loads the same build).
 * @param {'wasi'|'emscripten'} kind
 * @param {string} [dir]  the directory holding the build's files
 * @returns {Promise<import('../../js-bridge/src/raw-instance.js').Loader>}
 */
export async function loaderFor(kind, dir = DEFAULT_WASM_DIR) {
  if (!WASM_FILES[kind]) throw new Error(`wasm must be 'wasi' or 'emscripten', not ${JSON.stringify(kind)}`);
  const key = `${kind}:${resolve(dir)}`;
  let loader = loaders.get(key);
  if (!loader) loaders.set(key, (loader = await makeLoader(kind, dir))); // only a loader that was made is kept
  return loader;
}

/** @param {'wasi'|'emscripten'} kind  @param {string} dir */
async function makeLoader(kind, dir) {
  const [first, second] = WASM_FILES[kind].map((f) => join(resolve(dir), f));
  if (kind === 'wasi') {
    await readable(first, kind);
    return wasiLoader({ module: await compile(first) });
  }
  await readable(first, kind);
  await readable(second, kind);
  const { default: factory } = await import(pathToFileURL(first).href);
  return emscriptenLoader({ factory, wasmModule: await compile(second) });
}
