// The Node host's test hooks, in one place. Tests import this module by its path; it is
// no part of the package's interface: package.json's "exports" names only index.js, and
// neither createSlotguard's object nor index.d.ts carries a hook.

/** @type {WeakMap<object, { trap: () => Promise<boolean> }>} */
const hooks = new WeakMap();

/**
 * Called by createSlotguard for the host it returns.
 * @param {import('./index.js').Slotguard} host
 * @param {{ trapForTest(): Promise<boolean> }} runner the host's task runner
 */
export function attachTestHooks(host, runner) {
  hooks.set(host, { trap: () => runner.trapForTest() });
}

/**
 * Makes the module behind `host` trap for real: requests in flight get 500 and a fresh
 * instance takes over. Resolves to whether the module trapped.
 * @param {import('./index.js').Slotguard} host what createSlotguard returned
 * @returns {Promise<boolean>}
 */
export function trapForTest(host) {
  const hook = hooks.get(host);
  if (!hook) throw new TypeError('trapForTest: not a host that createSlotguard returned');
  return hook.trap();
}
