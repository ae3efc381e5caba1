// The one interface both builds are loaded behind: the ABI's exports as plain
// functions plus a fresh view of linear memory. Checks the ABI version, so a host
// never drives a module it does not understand.

export const ABI_VERSION = 1;

const EXPORTS = ['abiVersion', 'alloc', 'free', 'init', 'taskStart', 'taskResume', 'taskState',
  'outputPtr', 'outputLen', 'taskDrop', 'tasksInFlight'];

export function rawInstance(kind, fns) {
  for (const name of ['memory', ...EXPORTS]) {
    if (typeof fns[name] !== 'function') throw new Error(`the ${kind} module lacks ${name}`);
  }
  const version = fns.abiVersion();
  if (version !== ABI_VERSION) throw new Error(`the ${kind} module speaks ABI ${version}; this host speaks ${ABI_VERSION}`);
  return { kind, ...fns };
}
