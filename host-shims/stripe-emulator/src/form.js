// Decoder for Stripe's application/x-www-form-urlencoded request bodies with
// nested bracket keys: `a[b][0][c]=x` -> { a: { b: [ { c: 'x' } ] } }.
// Objects whose keys are all array indexes become arrays (ordered by index,
// compacted), `a[]=x` appends. Never throws anything but FormDecodeError.

export class FormDecodeError extends Error {}

const MAX_PAIRS = 10_000;
const MAX_DEPTH = 16;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const INDEX = /^(0|[1-9]\d{0,8})$/;

class Node {
  children = new Map();
}

function decodeComponent(raw) {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new FormDecodeError(`Invalid URL encoding near "${raw.slice(0, 40)}"`);
  }
}

function parseKey(key) {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  if (open === 0) throw new FormDecodeError(`Invalid parameter name: ${key}`);
  const segments = [key.slice(0, open)];
  let i = open;
  while (i < key.length) {
    if (key[i] !== '[') throw new FormDecodeError(`Invalid parameter name: ${key}`);
    const close = key.indexOf(']', i);
    if (close === -1) throw new FormDecodeError(`Invalid parameter name: ${key}`);
    segments.push(key.slice(i + 1, close));
    i = close + 1;
  }
  if (segments.length > MAX_DEPTH) throw new FormDecodeError(`Parameter nested too deeply: ${key}`);
  return segments;
}

function assign(root, segments, value, key) {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    let seg = segments[i];
    if (FORBIDDEN.has(seg)) throw new FormDecodeError(`Invalid parameter name: ${key}`);
    if (seg === '') seg = String(node.children.size);
    const last = i === segments.length - 1;
    const existing = node.children.get(seg);
    if (last) {
      if (existing instanceof Node) throw new FormDecodeError(`Conflicting values for parameter ${key}`);
      node.children.set(seg, value); // last one wins, like Rack
    } else {
      if (typeof existing === 'string') throw new FormDecodeError(`Conflicting values for parameter ${key}`);
      if (existing === undefined) {
        const child = new Node();
        node.children.set(seg, child);
        node = child;
      } else {
        node = existing;
      }
    }
  }
}

function finalize(node, allowArray) {
  const keys = [...node.children.keys()];
  if (allowArray && keys.length > 0 && keys.every((k) => INDEX.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => {
        const v = node.children.get(String(k));
        return v instanceof Node ? finalize(v, true) : v;
      });
  }
  const out = {};
  for (const k of keys) {
    const v = node.children.get(k);
    out[k] = v instanceof Node ? finalize(v, true) : v;
  }
  return out;
}

/** Decode a urlencoded string (body or query string) into nested params. */
export function decodeForm(input) {
  const root = new Node();
  if (typeof input !== 'string' || input === '') return {};
  const pairs = input.split('&');
  if (pairs.length > MAX_PAIRS) throw new FormDecodeError('Too many parameters');
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    if (key === '') throw new FormDecodeError('Empty parameter name');
    assign(root, parseKey(key), value, key);
  }
  return finalize(root, false);
}

/** Encode nested params the way Stripe's SDKs do (used by tests and the CLI). */
export function encodeForm(params) {
  const pairs = [];
  const enc = (s) => encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
  const walk = (prefix, value) => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      pairs.push(`${enc(prefix)}=${enc(value === null ? '' : String(value))}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(`${prefix}[${i}]`, v));
    } else {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}[${k}]`, v);
    }
  };
  for (const [k, v] of Object.entries(params ?? {})) walk(k, v);
  return pairs.join('&');
}
