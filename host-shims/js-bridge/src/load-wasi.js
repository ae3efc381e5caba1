// Loads the wasm32-wasi reactor build (slotguard-wasi.wasm) behind the common
// instance interface (see raw-instance.js).
import { rawInstance } from './raw-instance.js';

// The module imports three WASI functions on paths the core never takes; ENOSYS.
const ENOSYS = 52;
const wasiStubs = {
  fd_write: () => ENOSYS,
  fd_seek: () => ENOSYS,
  fd_close: () => ENOSYS,
};

/**
 * @param {{module?: WebAssembly.Module, bytes?: BufferSource}} source  a compiled
 *   module (a Worker gets one from its bundle) or the bytes to compile once.
 * @returns {import('./raw-instance.js').Loader} a loader: each call instantiates a fresh
 *   instance over the given host imports.
 */
export function wasiLoader({ module, bytes }) {
  if (!module && !bytes) throw new TypeError('wasiLoader needs a WebAssembly.Module or bytes');
  let compiled = module ? Promise.resolve(module) : null;
  return async function loadWasi({ imports }) {
    compiled ??= WebAssembly.compile(/** @type {BufferSource} */ (bytes));
    const instance = await WebAssembly.instantiate(await compiled, {
      // now_ms is an i64 import: with BigInt integration the wasm side wants a BigInt.
      slotguard: { ...imports, now_ms: () => BigInt(imports.now_ms()) },
      wasi_snapshot_preview1: wasiStubs,
    });
    // The module's exports, as the build defines them (rawInstance checks the functions).
    const e = /** @type {{memory: WebAssembly.Memory, _initialize: () => void, [name: string]: unknown}} */ (instance.exports);
    // A reactor runs its static constructors in _initialize, once, before anything else.
    e._initialize();
    let view = new Uint8Array(e.memory.buffer);
    return rawInstance('wasi', {
      // Growth replaces the ArrayBuffer; re-wrap only when that happened.
      memory: () => (view.buffer === e.memory.buffer ? view : (view = new Uint8Array(e.memory.buffer))),
      abiVersion: e.sg_abi_version,
      alloc: e.sg_alloc,
      free: e.sg_free,
      init: e.sg_init,
      initErrorPtr: e.sg_init_error_ptr,
      initErrorLen: e.sg_init_error_len,
      taskStart: e.sg_task_start,
      taskResume: e.sg_task_resume,
      taskState: e.sg_task_state,
      outputPtr: e.sg_task_output_ptr,
      outputLen: e.sg_task_output_len,
      taskDrop: e.sg_task_drop,
      tasksInFlight: e.sg_tasks_in_flight,
      describe: e.sg_describe,
      describeRequest: e.sg_describe_request,
      answerPtr: e.sg_answer_ptr,
      answerLen: e.sg_answer_len,
    });
  };
}
