// Loads the Emscripten build (slotguard-emscripten.mjs + .wasm) behind the common
// instance interface (see raw-instance.js).
import { rawInstance } from './raw-instance.js';

/**
 * @param {object} source
 * @param {Function} source.factory  the module's default export, createSlotguardModule
 * @param {BufferSource} [source.wasmBinary]  the .wasm bytes (compiled per instance)
 * @param {WebAssembly.Module} [source.wasmModule]  or a compiled module, instantiated
 *   through Emscripten's instantiateWasm hook so fresh instances skip compilation
 * @returns {import('./raw-instance.js').Loader}
 */
export function emscriptenLoader({ factory, wasmBinary, wasmModule }) {
  if (typeof factory !== 'function') throw new TypeError('emscriptenLoader needs the module factory');
  if (!wasmBinary && !wasmModule) throw new TypeError('emscriptenLoader needs wasmBinary or wasmModule');
  /** @param {Parameters<import('./raw-instance.js').Loader>[0]} host */
  return async function loadEmscripten({ imports, logText = () => {} }) {
    let failInstantiate;
    // If instantiateWasm fails, the factory's promise never settles: race it.
    const failure = new Promise((_, reject) => (failInstantiate = reject));
    const options = {
      slotguardHost: imports,
      // Emscripten prints only on abort; keep that out of stdout and in the logs.
      print: (t) => logText('info', t),
      printErr: (t) => logText('error', t),
    };
    if (wasmModule) {
      options.instantiateWasm = (wasmImports, receive) => {
        WebAssembly.instantiate(wasmModule, wasmImports).then((inst) => receive(inst, wasmModule), failInstantiate);
        return {}; // exports arrive asynchronously through receive
      };
    } else {
      options.wasmBinary = wasmBinary;
    }
    const M = await Promise.race([factory(options), failure]);
    return rawInstance('emscripten', {
      // HEAPU8 is replaced when memory grows: always read it from the Module.
      memory: () => M.HEAPU8,
      abiVersion: M._sg_abi_version,
      alloc: M._sg_alloc,
      free: M._sg_free,
      init: M._sg_init,
      initErrorPtr: M._sg_init_error_ptr,
      initErrorLen: M._sg_init_error_len,
      taskStart: M._sg_task_start,
      taskResume: M._sg_task_resume,
      taskState: M._sg_task_state,
      outputPtr: M._sg_task_output_ptr,
      outputLen: M._sg_task_output_len,
      taskDrop: M._sg_task_drop,
      tasksInFlight: M._sg_tasks_in_flight,
      describe: M._sg_describe,
      describeRequest: M._sg_describe_request,
      answerPtr: M._sg_answer_ptr,
      answerLen: M._sg_answer_len,
    });
  };
}
