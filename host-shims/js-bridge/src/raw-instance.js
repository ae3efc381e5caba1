// The one interface both builds are loaded behind: the ABI's exports as plain
// functions plus a fresh view of linear memory. Checks the ABI version, so a host
// never drives a module it does not understand.

// 2: host calls are length-prefixed binary (wasm/ABI.md), no longer JSON.
export const ABI_VERSION = 2;

const EXPORTS = ['abiVersion', 'alloc', 'free', 'init', 'taskStart', 'taskResume', 'taskState',
  'outputPtr', 'outputLen', 'taskDrop', 'tasksInFlight'];

// Added within ABI 1: a module built before them lacks them, and is still served (a
// refused configuration is then reported by its status code only).
const OPTIONAL_EXPORTS = ['initErrorPtr', 'initErrorLen'];

export function rawInstance(kind, fns) {
  for (const name of ['memory', ...EXPORTS]) {
    if (typeof fns[name] !== 'function') throw new Error(`the ${kind} module lacks ${name}`);
  }
  const version = fns.abiVersion();
  if (version !== ABI_VERSION) throw new Error(`the ${kind} module speaks ABI ${version}; this host speaks ${ABI_VERSION}`);
  const raw = { kind, ...fns };
  for (const name of OPTIONAL_EXPORTS) if (typeof raw[name] !== 'function') delete raw[name];
  return raw;
}
