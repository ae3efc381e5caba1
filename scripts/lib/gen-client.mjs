#!/usr/bin/env node
// Generates the typed client's contract files from docs/openapi.yaml, so that the types
// of @slotguard/client are the spec's and never written by hand:
//   client/src/generated/openapi.d.ts  the paths, operations and schemas (openapi-typescript)
//   client/src/generated/contract.js   every error code the spec lists, and every operation
//                                      (method, path, whether it needs the admin token)
//
//   node scripts/lib/gen-client.mjs            writes them
//   node scripts/lib/gen-client.mjs --check    fails (exit 1) when the committed files differ
//   node scripts/lib/gen-client.mjs --out DIR  writes them into DIR (the staged package)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPEC = path.join(ROOT, 'docs/openapi.yaml');
const COMMITTED = path.join(ROOT, 'client/src/generated');
const HEADER = '// Generated from docs/openapi.yaml by scripts/lib/gen-client.mjs: do not edit.\n';

/** Every string a response's error `code` can be: the `enum` or `const` under error.code. */
function errorCodes(spec) {
  const codes = new Set();
  const visit = (node, trail) => {
    if (!node || typeof node !== 'object') return;
    if (trail.at(-1) === 'code' && trail.at(-3) === 'error') {
      for (const c of node.enum ?? []) codes.add(c);
      if (typeof node.const === 'string') codes.add(node.const);
    }
    for (const [k, v] of Object.entries(node)) visit(v, [...trail, k]);
  };
  visit(spec.paths, []);
  visit(spec.components, []);
  return [...codes].sort();
}

/**
 * operationId -> {method, path, admin, idempotencyKey, text}: admin when the operation names
 * a security scheme, idempotencyKey when it takes that header, text when it answers text.
 */
function operations(spec) {
  const out = {};
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      const op = item[method];
      if (!op?.operationId) continue;
      const admin = (op.security ?? spec.security ?? []).some((s) => Object.keys(s).length > 0);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const idempotencyKey = params.some((x) => x.in === 'header' && /^idempotency-key$/i.test(x.name ?? ''));
      const text = Object.keys(op.responses?.['200']?.content ?? {}).some((t) => t.startsWith('text/'));
      out[op.operationId] = { method: method.toUpperCase(), path: p, admin, idempotencyKey, text };
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export async function generate() {
  const text = readFileSync(SPEC, 'utf8');
  const spec = YAML.parse(text);
  // defaultNonNullable off: a field with a default is optional in what a client sends.
  const types = HEADER + astToString(await openapiTS(text, { defaultNonNullable: false }));
  const contract = `${HEADER}
/** Every error code the API answers (the spec's lists; core/slotguard/api/errors.def and the hosts'). */
export const ERROR_CODES = /** @type {const} */ (${JSON.stringify(errorCodes(spec), null, 2)});

/** @typedef {typeof ERROR_CODES[number]} ErrorCode */

/** Every operation of the spec: method, path, whether it takes the admin token or an Idempotency-Key, and whether it answers text. */
export const OPERATIONS = /** @type {const} */ (${JSON.stringify(operations(spec), null, 2)});
`;
  return { 'openapi.d.ts': types, 'contract.js': contract };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await generate();
  const outIndex = process.argv.indexOf('--out');
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([name, text]) => {
      try {
        return readFileSync(path.join(COMMITTED, name), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    if (stale.length) {
      console.error(`client/src/generated/ disagrees with docs/openapi.yaml (${stale.map(([n]) => n).join(', ')}): run node scripts/lib/gen-client.mjs`);
      process.exit(1);
    }
  } else {
    const dir = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : COMMITTED;
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  }
}
