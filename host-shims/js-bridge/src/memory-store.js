// An in-memory store that keeps the store contract of wasm/ABI.md exactly: reads are
// one snapshot, a commit applies all of its mutations only if all of its checks hold,
// and versions come from one global counter, so a key deleted and set again never
// gets a version it had before. State dies with the process: for tests and demos.
import { compareBytewise } from './bytewise.js';

/** Index of the first key in the sorted array that is not before `key`.
 * @param {string[]} sorted  @param {string} key */
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

/**
 * @returns {import('./host-calls.js').StoreAdapter & {readonly kind: 'memory', readonly size: number}}
 */
export function createMemoryStore() {
  /** @type {Map<string, {value: string, version: number}>} */
  const rows = new Map(); // key -> {value, version}
  // The key index for list, kept lazily: a new key goes to `pending` (O(1)) and is
  // merged into `sorted` at the next list; a deleted key stays in the index, skipped
  // by list, until deleted keys are half of it. Inserting into a sorted array on every
  // new key cost O(n) per write (a profile of holds had it at 14 % of the CPU).
  /** @type {string[]} */
  let sorted = []; // keys in bytewise order (may include deleted ones)
  /** @type {string[]} */
  let pending = []; // keys not yet merged into sorted
  /** @type {Set<string>} */
  const indexed = new Set(); // every key in sorted or pending
  let stale = 0; // keys in the index that are no longer in rows
  let counter = 0;

  /** @param {string} key  @returns {import('./host-calls.js').StoreItem} */
  function item(key) {
    const row = rows.get(key);
    return row ? { key, value: row.value, version: row.version } : { key, version: 0 };
  }

  /** @param {string} key  @param {string} value */
  function set(key, value) {
    if (!indexed.has(key)) {
      indexed.add(key);
      pending.push(key);
    } else if (!rows.has(key)) {
      stale--; // a deleted key set again: its index entry is live again
    }
    rows.set(key, { value, version: ++counter });
  }

  /** @param {string} key */
  function remove(key) {
    if (rows.delete(key)) stale++;
  }

  /** Merges pending keys into the index and drops deleted ones when they pile up. */
  function index() {
    if (pending.length) {
      pending.sort(compareBytewise);
      const merged = new Array(sorted.length + pending.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < sorted.length && j < pending.length) merged[k++] = compareBytewise(sorted[i], pending[j]) <= 0 ? sorted[i++] : pending[j++];
      while (i < sorted.length) merged[k++] = sorted[i++];
      while (j < pending.length) merged[k++] = pending[j++];
      sorted = merged;
      pending = [];
    }
    if (stale > 64 && stale * 2 > sorted.length) {
      sorted = sorted.filter((key) => rows.has(key) || (indexed.delete(key), false));
      stale = 0;
    }
  }

  // Methods are async to match every other adapter, but each body runs without an
  // await, so it is atomic with respect to every other call.
  return {
    kind: 'memory',
    async read(keys) {
      return { items: keys.map(item) };
    },
    async list(start, end, limit, after = '') {
      index();
      // First key >= start and > after (the contract has no "no after": "" is just
      // the smallest string).
      let i = lowerBound(sorted, start);
      let j = lowerBound(sorted, after);
      if (j < sorted.length && sorted[j] === after) j++;
      if (j > i) i = j;
      const items = [];
      for (; i < sorted.length && compareBytewise(sorted[i], end) < 0; i++) {
        if (!rows.has(sorted[i])) continue; // deleted, not yet dropped from the index
        if (items.length >= limit) return { items, more: true };
        items.push(item(sorted[i]));
      }
      return { items, more: false };
    },
    async commit(checks, mutations) {
      // Validate everything before the first write: a bad mutation must not leave
      // half a commit behind. (Typed as the contract's mutations, they come from the
      // module, or from a caller, unchecked.)
      for (const m of /** @type {{op: string, value?: unknown}[]} */ (mutations)) {
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
