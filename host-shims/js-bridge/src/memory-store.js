// An in-memory store that keeps the store contract of wasm/ABI.md exactly: reads are
// one snapshot, a commit applies all of its mutations only if all of its checks hold,
// and versions come from one global counter, so a key deleted and set again never
// gets a version it had before. State dies with the process: for tests and demos.
import { compareBytewise } from './bytewise.js';

/** Index of the first key in the sorted array that is not before `key`. */
function lowerBound(sorted, key) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytewise(sorted[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMemoryStore() {
  const rows = new Map(); // key -> {value, version}
  const sorted = []; // keys in bytewise order, for list
  let counter = 0;

  function item(key) {
    const row = rows.get(key);
    return row ? { key, value: row.value, version: row.version } : { key, version: 0 };
  }

  function set(key, value) {
    if (!rows.has(key)) sorted.splice(lowerBound(sorted, key), 0, key);
    rows.set(key, { value, version: ++counter });
  }

  function remove(key) {
    if (!rows.delete(key)) return;
    sorted.splice(lowerBound(sorted, key), 1);
  }

  // Methods are async to match every other adapter, but each body runs without an
  // await, so it is atomic with respect to every other call.
  return {
    kind: 'memory',
    async read(keys) {
      return { items: keys.map(item) };
    },
    async list(start, end, limit, after = '') {
      // First key >= start and > after (the contract has no "no after": "" is just
      // the smallest string).
      let i = lowerBound(sorted, start);
      let j = lowerBound(sorted, after);
      if (j < sorted.length && sorted[j] === after) j++;
      if (j > i) i = j;
      const items = [];
      for (; i < sorted.length && compareBytewise(sorted[i], end) < 0; i++) {
        if (items.length >= limit) return { items, more: true };
        items.push(item(sorted[i]));
      }
      return { items, more: false };
    },
    async commit(checks, mutations) {
      // Validate everything before the first write: a bad mutation must not leave
      // half a commit behind.
      for (const m of mutations) {
        if (m.op !== 'set' && m.op !== 'delete') throw new Error(`unknown mutation op: ${m.op}`);
        if (m.op === 'set' && typeof m.value !== 'string') throw new Error('set needs a string value');
      }
      for (const c of checks) {
        if ((rows.get(c.key)?.version ?? 0) !== c.version) return { outcome: 'conflict' };
      }
      for (const m of mutations) {
        if (m.op === 'set') set(m.key, m.value);
        else remove(m.key);
      }
      return { outcome: 'committed' };
    },
    async close() {},
    /** Number of live keys; for tests. */
    get size() {
      return rows.size;
    },
  };
}
