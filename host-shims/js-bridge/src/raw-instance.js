// The one interface both builds are loaded behind: the ABI's exports as plain
// functions plus a fresh view of linear memory. Checks the ABI version, so a host
// never drives a module it does not understand.

// 2: host calls are length-prefixed binary (wasm/ABI.md), no longer JSON.
// 3: the module describes itself (configuration schema, route table) and each request
//    (route, limits, scope), so hosts derive their settings and routing from it.
export const ABI_VERSION = 3;

const EXPORTS = ['abiVersion', 'alloc', 'free', 'init', 'taskStart', 'taskResume', 'taskState',
  'outputPtr', 'outputLen', 'taskDrop', 'tasksInFlight', 'describe', 'describeRequest', 'answerPtr', 'answerLen'];

// Added within ABI 1: a module built before them lacks them, and is still served (a
// refused configuration is then reported by its status code only).
const OPTIONAL_EXPORTS = ['initErrorPtr', 'initErrorLen'];

/**
 * @typedef {object} RawInstance  one instantiated module, either build
 * @property {'wasi' | 'emscripten'} kind
 * @property {() => Uint8Array} memory  a view of linear memory, fresh after growth
 * @property {() => number} abiVersion
 * @property {(len: number) => number} alloc
 * @property {(ptr: number) => void} free
 * @property {(ptr: number, len: number) => number} init
 * @property {() => number} [initErrorPtr]
 * @property {() => number} [initErrorLen]
 * @property {(ptr: number, len: number) => number} taskStart
 * @property {(task: number, status: number, ptr: number, len: number) => number} taskResume
 * @property {(task: number) => number} taskState
 * @property {(task: number) => number} outputPtr
 * @property {(task: number) => number} outputLen
 * @property {(task: number) => void} taskDrop
 * @property {() => number} tasksInFlight
 * @property {(what: number) => number} describe  sg_describe: the answer buffer holds JSON
 * @property {(ptr: number, len: number) => number} describeRequest  sg_describe_request
 * @property {() => number} answerPtr
 * @property {() => number} answerLen
 */
/**
 * @typedef {(host: {imports: Record<string, Function>, logText?: (level: import('./task-runner.js').LogLevel, text: string) => void}) => Promise<RawInstance>} Loader
 *   instantiates a fresh instance over the given host imports (wasiLoader, emscriptenLoader)
 */

/**
 * Checks that every export is a function and that the module speaks this ABI.
 * @param {'wasi' | 'emscripten'} kind
 * @param {Record<string, unknown>} fns  the exports by their names here, and `memory`
 * @returns {RawInstance}
 */
export function rawInstance(kind, fns) {
  for (const name of ['memory', ...EXPORTS]) {
    if (typeof fns[name] !== 'function') throw new Error(`the ${kind} module lacks ${name}`);
  }
  const version = /** @type {() => number} */ (fns.abiVersion)();
  if (version !== ABI_VERSION) throw new Error(`the ${kind} module speaks ABI ${version}; this host speaks ${ABI_VERSION}`);
  const raw = { kind, ...fns };
  for (const name of OPTIONAL_EXPORTS) if (typeof raw[name] !== 'function') delete raw[name];
  return /** @type {RawInstance} */ (raw);
}
