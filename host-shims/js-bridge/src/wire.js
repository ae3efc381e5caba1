// The host-call wire of ABI 2 (wasm/ABI.md "Host calls"), the JavaScript side: decodes
// the module's requests (read, list, commit, fetch) into plain objects and encodes the
// adapters' answers. Length-prefixed binary instead of JSON, because JSON encoding and
// decoding on both sides of the boundary cost more per hold than the hold's own work
// (docs/benchmarks-history.md). Integers are little-endian; strings are u32 byte length + UTF-8.
// The C++ side is core/slotguard/host/store_client.cpp (wire::Writer / wire::Reader).

const encoder = new TextEncoder();
// Not fatal: the module writes valid UTF-8; anything else is replaced, as JSON did.
const decoder = new TextDecoder();
const OP_SET = 1;
const OP_DELETE = 2;
const COMMITTED = new Uint8Array([1]);
const CONFLICT = new Uint8Array([2]);
const TWO_32 = 2 ** 32;

class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.p = 0;
  }
  need(n) {
    if (this.p + n > this.b.length) throw new Error('host call payload truncated');
  }
  u8() {
    this.need(1);
    return this.b[this.p++];
  }
  u32() {
    this.need(4);
    const x = this.v.getUint32(this.p, true);
    this.p += 4;
    return x;
  }
  u64() {
    this.need(8);
    const lo = this.v.getUint32(this.p, true);
    const hi = this.v.getUint32(this.p + 4, true);
    this.p += 8;
    if (hi >= 0x200000) throw new Error('version above 2^53');
    return hi * TWO_32 + lo;
  }
  str() {
    const n = this.u32();
    this.need(n);
    const s = n === 0 ? '' : decoder.decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
  end() {
    if (this.p !== this.b.length) throw new Error('host call payload has trailing bytes');
  }
}

/** Grows as needed; strings are written with encodeInto (no intermediate copies). */
class Writer {
  constructor(size = 256) {
    this.b = new Uint8Array(size);
    this.v = new DataView(this.b.buffer);
    this.p = 0;
  }
  room(n) {
    if (this.p + n <= this.b.length) return;
    let size = this.b.length * 2;
    while (size < this.p + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.b.subarray(0, this.p));
    this.b = b;
    this.v = new DataView(b.buffer);
  }
  u8(x) {
    this.room(1);
    this.b[this.p++] = x;
  }
  u32(x) {
    this.room(4);
    this.v.setUint32(this.p, x >>> 0, true);
    this.p += 4;
  }
  u64(x) {
    this.room(8);
    this.v.setUint32(this.p, x % TWO_32, true);
    this.v.setUint32(this.p + 4, Math.floor(x / TWO_32), true);
    this.p += 8;
  }
  str(s) {
    // At most 3 bytes per UTF-16 unit.
    this.room(4 + s.length * 3);
    const { written } = encoder.encodeInto(s, this.b.subarray(this.p + 4));
    this.v.setUint32(this.p, written, true);
    this.p += 4 + written;
  }
  bytes() {
    return this.b.subarray(0, this.p);
  }
}

function version(v) {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`a store answered version ${v}`);
  return v;
}

/** Request bytes -> the arguments of the adapter call. */
export const decodeRequest = {
  store_read(bytes) {
    const r = new Reader(bytes);
    const n = r.u32();
    const keys = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = r.str();
    r.end();
    return { keys };
  },
  store_list(bytes) {
    const r = new Reader(bytes);
    const start = r.str();
    const end = r.str();
    const after = r.str();
    const limit = r.u32();
    r.end();
    return { start, end, after, limit };
  },
  store_commit(bytes) {
    const r = new Reader(bytes);
    const nc = r.u32();
    const checks = [];
    for (let i = 0; i < nc; i++) checks.push({ key: r.str(), version: r.u64() });
    const nm = r.u32();
    const mutations = [];
    for (let i = 0; i < nm; i++) {
      const op = r.u8();
      const key = r.str();
      if (op === OP_SET) mutations.push({ op: 'set', key, value: r.str() });
      else if (op === OP_DELETE) mutations.push({ op: 'delete', key });
      else throw new Error(`unknown mutation op ${op}`);
    }
    r.end();
    return { checks, mutations };
  },
  http_fetch(bytes) {
    const r = new Reader(bytes);
    const method = r.str();
    const url = r.str();
    const n = r.u32();
    const headers = [];
    for (let i = 0; i < n; i++) headers.push([r.str(), r.str()]);
    const body = r.str();
    const timeout_ms = r.u32();
    r.end();
    return { method, url, headers, body, timeout_ms };
  },
};

function encodeItems({ items, more }) {
  if (!Array.isArray(items)) throw new Error('a store answered without items');
  const w = new Writer(64 + items.length * 64);
  w.u8(more ? 1 : 0);
  w.u32(items.length);
  for (const it of items) {
    w.str(String(it.key));
    const v = version(it.version);
    w.u64(v);
    if (v !== 0) {
      if (typeof it.value !== 'string') throw new Error('a store answered a present key without a string value');
      w.str(it.value);
    }
  }
  return w.bytes();
}

/** The adapter's answer -> answer bytes. */
export const encodeAnswer = {
  store_read: encodeItems,
  store_list: encodeItems,
  store_commit(answer) {
    if (answer?.outcome === 'committed') return COMMITTED;
    if (answer?.outcome === 'conflict') return CONFLICT;
    throw new Error(`a store answered outcome ${answer?.outcome}`);
  },
  http_fetch({ status, body }) {
    if (!Number.isInteger(status)) throw new Error('a fetch adapter answered without a status');
    const text = typeof body === 'string' ? body : String(body ?? '');
    const w = new Writer(16 + text.length * 3);
    w.u32(status);
    w.str(text);
    return w.bytes();
  },
};
