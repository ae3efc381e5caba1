// The functions the module imports (module "slotguard" in the wasi build, the
// `slotguardHost` object in the Emscripten build; same names, same arguments).
//
// Submitting imports (store_*, http_fetch) only copy their payload and queue it: the
// module is in the middle of an export call, and calling back into it from here is
// forbidden by the ABI. The caller drains the queue after the export returns.

const decoder = new TextDecoder();
/** @type {import('./task-runner.js').LogLevel[]} */
const LEVELS = ['debug', 'info', 'warn', 'error'];
// crypto.getRandomValues fills at most 65536 bytes per call.
const RANDOM_CHUNK = 65536;

/**
 * @param {object} o
 * @param {() => Uint8Array} o.memory  a fresh view of the module's memory (set after
 *   instantiation; it changes when memory grows)
 * @param {(task: number, op: string, payload: Uint8Array) => void} o.submit
 * @param {() => number} o.now  Unix milliseconds
 * @param {(view: Uint8Array) => void} o.getRandomValues  a CSPRNG
 * @param {(level: import('./task-runner.js').LogLevel, line: string) => void} o.log
 * @returns {Record<string, Function>} the import object's functions, by name
 */
export function createHostImports({ memory, submit, now, getRandomValues, log }) {
  /** @param {number} ptr  @param {number} len */
  const text = (ptr, len) => decoder.decode(memory().subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
  // A host call's payload is binary (ABI 2): copied, since the module reuses its memory.
  /** @param {number} ptr  @param {number} len */
  const bytes = (ptr, len) => memory().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0));

  // An exception thrown out of an import would unwind through C++ frames and leave the
  // instance corrupt, so every import catches; a submit that fails returns non-zero,
  // which the core treats as a failed host call.
  /** @param {string} op */
  const submitter = (op) => (/** @type {number} */ task, /** @type {number} */ ptr, /** @type {number} */ len) => {
    try {
      submit(task, op, bytes(ptr, len));
      return 0;
    } catch {
      return 1;
    }
  };

  return {
    store_read: submitter('store_read'),
    store_list: submitter('store_list'),
    store_commit: submitter('store_commit'),
    http_fetch: submitter('http_fetch'),
    now_ms: () => Math.floor(now()),
    /** @param {number} ptr  @param {number} len */
    random_bytes(ptr, len) {
      // No catch here: ids are capabilities, so failing to get randomness must trap
      // the instance rather than hand out predictable bytes.
      const start = ptr >>> 0;
      const end = start + (len >>> 0);
      for (let p = start; p < end; p += RANDOM_CHUNK) {
        getRandomValues(memory().subarray(p, Math.min(end, p + RANDOM_CHUNK)));
      }
    },
    /** @param {number} level  @param {number} ptr  @param {number} len */
    log(level, ptr, len) {
      try {
        log(LEVELS[level] ?? 'info', text(ptr, len));
      } catch {
        // a logger failure must not take the request down
      }
    },
  };
}
