// A setting the core refuses stops the host with the core's own reason: sg_init leaves
// the text in the module (wasm/ABI.md, "Configuration errors"), the bridge raises it,
// createSlotguard rejects with it and the CLI prints it and exits non-zero.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSlotguard } from '../../host-shims/node/src/index.js';
import { ADMIN_TOKEN, WASM } from './support/harness.mjs';

const CLI = fileURLToPath(new URL('../../host-shims/node/src/cli.js', import.meta.url));
// 1440 is Stripe's 24 hours; the core keeps a margin below it. The hosts do not check
// it themselves (one rule, one place), so only the core refuses it, and the bounds in
// its message are the core's, whatever they are.
const CHECKOUT_REFUSED = /^slotguard configuration: checkout_minutes must be an integer in \[30, \d+\]$/;

function hostWith(options) {
  return createSlotguard({
    wasm: WASM,
    wasmDir: process.env.SLOTGUARD_WASM_DIR || undefined,
    store: 'memory',
    adminToken: ADMIN_TOKEN,
    sweepIntervalMs: 0,
    logger: false,
    ...options,
  });
}

describe(`configuration errors (${WASM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotguard-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('createSlotguard rejects with the message of the core', async () => {
    await assert.rejects(hostWith({ checkoutMinutes: 1440 }), (error) => {
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, CHECKOUT_REFUSED);
      assert.doesNotMatch(error.message, /status/);
      return true;
    });
    await assert.rejects(hostWith({ httpTimeoutMs: 5 }), {
      message: 'slotguard configuration: http_timeout_ms must be an integer in [100, 120000]',
    });
    await assert.rejects(hostWith({ holdGraceMinutes: 0 }), {
      message: 'slotguard configuration: hold_grace_minutes must be an integer in [1, 1440]',
    });
  });

  it('the core logs the reason, and a good configuration afterwards starts', async () => {
    const logs = [];
    await assert.rejects(hostWith({ webhookToleranceSeconds: 0, logger: (r) => logs.push(r), logLevel: 'debug' }));
    const line = logs.find((r) => r.source === 'core' && r.event === 'bad_config');
    assert.ok(line, JSON.stringify(logs));
    assert.equal(line.error, 'webhook_tolerance_seconds must be an integer in [1, 86400]');

    const host = await hostWith({ webhookToleranceSeconds: 60 });
    try {
      assert.equal((await host.handle({ method: 'GET', path: '/healthz' })).status, 200);
    } finally {
      await host.close();
    }
  });

  it('the same on the SQLite store, whose file then serves a host with a good configuration', async () => {
    const dbPath = join(dir, 'refused.db');
    await assert.rejects(hostWith({ store: 'sqlite', dbPath, checkoutMinutes: 1440 }), { name: 'ConfigurationError', message: CHECKOUT_REFUSED });
    const host = await hostWith({ store: 'sqlite', dbPath });
    try {
      assert.equal((await host.handle({ method: 'GET', path: '/healthz' })).status, 200);
    } finally {
      await host.close();
    }
    assert.ok(existsSync(dbPath));
  });

  it('the CLI prints the message of the core and exits non-zero', async () => {
    const child = spawn(process.execPath, [CLI], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        SLOTGUARD_DB: ':memory:',
        SLOTGUARD_WASM: WASM,
        SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
        SLOTGUARD_CHECKOUT_MINUTES: '1440',
        SLOTGUARD_SWEEP_INTERVAL_MS: '0',
        SLOTGUARD_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    // A host that started anyway would never exit: stop it, and let the asserts say so.
    const failsafe = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(failsafe);

    assert.equal(signal, null, `the CLI did not exit by itself; stderr: ${stderr}`);
    assert.notEqual(code, 0);
    const lines = stderr.split('\n');
    assert.ok(
      lines.some((l) => l.startsWith('slotguard failed to start: ') && CHECKOUT_REFUSED.test(l.slice('slotguard failed to start: '.length))),
      stderr,
    );
    assert.doesNotMatch(stderr, /status -2/);
    assert.doesNotMatch(stdout + stderr, /listening/);
  });
});
