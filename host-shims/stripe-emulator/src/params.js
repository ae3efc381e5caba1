// Parameter validation helpers shared by the resource modules. Values arrive
// as strings (form encoding), nested objects or arrays.
import { invalidParam, missingParam, unknownParam } from './errors.js';

export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isBlank = (v) => v === undefined || v === '';

/** Reject keys of `params` not in `allowed` (Stripe's "Received unknown parameter"). */
export function rejectUnknown(params, allowed, prefix = '') {
  for (const key of Object.keys(params)) {
    if (!allowed.has(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key);
  }
}

export function requireParam(params, name, label = name) {
  if (isBlank(params[name])) throw missingParam(label);
  return params[name];
}

export function optionalString(params, name, { max = 5000, label = name } = {}) {
  const v = params[name];
  if (isBlank(v)) return null;
  if (typeof v !== 'string') throw invalidParam(label, `Invalid string: ${label} must be a string.`);
  if (v.length > max) throw invalidParam(label, `Invalid string: ${label} must be at most ${max} characters.`);
  return v;
}

export function requireString(params, name, opts = {}) {
  requireParam(params, name, opts.label ?? name);
  return optionalString(params, name, opts);
}

/** Parse a form value as an integer within [min, max]. */
export function parseInteger(value, label, { min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (typeof value === 'number' && Number.isInteger(value)) {
    // already numeric (JSON bodies on /_emulator)
  } else if (typeof value !== 'string' || !/^-?\d{1,16}$/.test(value.trim())) {
    throw invalidParam(label, `Invalid integer: ${typeof value === 'string' ? value : typeof value}`, 'parameter_invalid_integer');
  }
  const n = Number(typeof value === 'string' ? value.trim() : value);
  if (!Number.isSafeInteger(n)) throw invalidParam(label, `Invalid integer: ${value}`, 'parameter_invalid_integer');
  if (n < min) throw invalidParam(label, `This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer');
  if (n > max) throw invalidParam(label, `This value must be less than or equal to ${max}.`, 'parameter_invalid_integer');
  return n;
}

export function optionalInteger(params, name, opts = {}) {
  if (isBlank(params[name])) return null;
  return parseInteger(params[name], opts.label ?? name, opts);
}

export function parseBoolean(value, label) {
  if (value === true || value === false) return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  throw invalidParam(label, `Invalid boolean: ${value}`);
}

export function optionalEnum(params, name, values, { label = name } = {}) {
  const v = params[name];
  if (isBlank(v)) return null;
  if (typeof v !== 'string' || !values.includes(v)) {
    throw invalidParam(label, `Invalid ${label}: must be one of ${values.join(', ')}`);
  }
  return v;
}

/** Stripe metadata: up to 50 string keys (<= 40 chars), values <= 500 chars; '' unsets. */
export function parseMetadata(value, label = 'metadata') {
  if (value === undefined || value === '') return {};
  if (!isObject(value)) throw invalidParam(label, `Invalid object: ${label} must be a hash of key/value pairs.`);
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidParam(`${label}[${k}]`, `Invalid value for ${label}[${k}]: metadata values must be strings.`);
    if (k.length > 40) throw invalidParam(label, `Metadata keys can have up to 40 characters; "${k}" has ${k.length}.`);
    if (v.length > 500) throw invalidParam(`${label}[${k}]`, 'Metadata values can have up to 500 characters.');
    if (v !== '') out[k] = v;
  }
  if (Object.keys(out).length > 50) throw invalidParam(label, 'Metadata can have up to 50 keys.');
  return out;
}

export function validateUrl(value, label) {
  let ok = false;
  try {
    const u = new URL(value);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw invalidParam(label, 'Not a valid URL', 'url_invalid');
  return value;
}

export function validateEmail(value, label) {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw invalidParam(label, `Invalid email address: ${value}`, 'email_invalid');
  return value;
}

/** `expand[]` as an array of strings. */
export function parseExpand(params) {
  const v = params.expand;
  if (v === undefined || v === '') return [];
  const list = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [v];
  for (const item of list) {
    if (typeof item !== 'string') throw invalidParam('expand', 'Invalid array: expand must be a list of strings.');
  }
  return list;
}

/** Array-valued param that may arrive as an array or a single string. */
export function asArray(value) {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return [value];
}
