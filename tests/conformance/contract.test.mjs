// The contract stated once: the module's configuration schema and route table are the
// source, and every other place that names a setting or a route is held to them. Each
// test here fails when a setting or route is added (or renamed) in one place only.
//
//   node --test tests/conformance/contract.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { configFromEnv, describeModule, optionName } from '../../host-shims/js-bridge/src/index.js';
import { createSlotguard } from '../../host-shims/node/src/index.js';
import { loaderFor } from '../../host-shims/node/src/wasm-files.js';
import { currentTable, renderSettings } from '../../scripts/lib/config-docs.mjs';
import { ADMIN_TOKEN, WASM } from './support/harness.mjs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const { settings, routes } = await describeModule(await loaderFor(WASM));

/** "/v1/reservations/{id}" and "/v1/reservations/{reservation_id}" are one path. */
const shape = (path) => path.replace(/\{[^}]+\}/g, '{}');

describe(`the contract, from the module's own description (${WASM})`, () => {
  it('docs/openapi.yaml documents exactly the routes of the route table', () => {
    const spec = YAML.parse(read('docs/openapi.yaml'));
    const documented = new Set();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of Object.keys(item)) {
        if (['get', 'put', 'post', 'delete', 'patch'].includes(method)) documented.add(`${method.toUpperCase()} ${shape(path)}`);
      }
    }
    const table = new Set(routes.map((r) => `${r.method} ${shape(r.pattern)}`));
    assert.deepEqual([...table].filter((r) => !documented.has(r)), [], 'routes the spec does not document');
    assert.deepEqual([...documented].filter((r) => !table.has(r)), [], 'documented routes the core does not have');
    assert.equal(table.size, routes.length, 'a route listed twice');
  });

  it("docs/configuration.md's settings table is the schema's", () => {
    const table = currentTable(read('docs/configuration.md'));
    assert.ok(table, 'docs/configuration.md lost its settings markers');
    assert.equal(table, renderSettings(settings), 'regenerate it: node scripts/lib/config-docs.mjs --write');
  });

  it("the Node host's index.d.ts declares every setting as an option", () => {
    const dts = read('host-shims/node/src/index.d.ts');
    const options = dts.slice(dts.indexOf('export interface SlotguardOptions'), dts.indexOf('\n}\n', dts.indexOf('export interface SlotguardOptions')));
    const missing = settings.map((s) => optionName(s.field)).filter((name) => !new RegExp(`\\n\\s*${name}\\??:`).test(options));
    assert.deepEqual(missing, [], 'settings SlotguardOptions does not declare');
  });

  it("every var of the Worker example's wrangler.toml is a setting or a binding the Worker reads", () => {
    const workerSources = ['app.js', 'config.js', 'isolate.js', 'request-limits.js', 'log.js'].map((f) => read(`host-shims/cloudflare/src/${f}`)).join('\n');
    const toml = read('examples/cloudflare/wrangler.toml');
    const vars = toml.slice(toml.indexOf('[vars]')).split('\n[')[0];
    const names = [...vars.matchAll(/^([A-Z][A-Z0-9_]*)\s*=/gm)].map((m) => m[1]);
    assert.ok(names.length > 0, 'wrangler.toml has vars');
    const known = (name) => settings.some((s) => s.env === name) || workerSources.includes(name);
    assert.deepEqual(names.filter((n) => !known(n)), [], 'vars nobody reads');
  });

  it('every setting is reachable from the environment (the Node CLI and the Worker read it the same way)', () => {
    const env = Object.fromEntries(settings.map((s) => [s.env, s.type === 'integer' ? String(s.min) : 'x']));
    assert.deepEqual(Object.keys(configFromEnv(env, settings)).sort(), settings.map((s) => s.field).sort());
  });

  it('a misspelt option or setting is refused by name, never ignored', async () => {
    await assert.rejects(
      createSlotguard({ wasm: WASM, store: 'memory', adminToken: ADMIN_TOKEN, sweepIntervalMs: 0, logger: false, checkoutMinute: 45 }),
      /unknown option checkoutMinute/,
    );
  });
});
