// Idempotency keys for the operations that take one (a hold): the caller's key when it
// gives one, else a new one per call, kept while that call has no final answer, so that
// the caller trying the same call again (same operation, same parameters and body) after
// a lost connection or a 5xx sends the same key and cannot hold a second slot.

/** A stable text of a value: object keys sorted, so key order does not matter. */
function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** @param {{newKey?: () => string}} [o] */
export function createKeyMemory({ newKey = () => crypto.randomUUID() } = {}) {
  /** @type {Map<string, string>} */
  const pending = new Map();
  return {
    /** The key for this call: the given one, the one of an unfinished same call, or a new one. */
    keyFor(/** @type {string} */ operation, /** @type {unknown} */ call, /** @type {string | undefined} */ given) {
      const id = `${operation}\n${stable(call)}`;
      const key = given ?? pending.get(id) ?? newKey();
      pending.set(id, key);
      return { key, id };
    },
    /** The call got a final answer (any 2xx or 4xx): a later same call is a new one. */
    settled(/** @type {string} */ id) {
      pending.delete(id);
    },
  };
}
