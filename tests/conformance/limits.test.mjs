// The Node host's abuse limits and its configuration pass-through: a token bucket per client address on POST /v1/reservations (429 rate_limited
// + Retry-After; X-Forwarded-For only behind a trusted proxy), a cap on requests in
// flight (503 overloaded + Retry-After), a body limit per route (413
// payload_too_large), and configuration the core refuses reported with the core's own
// message, from createSlotguard and from the CLI.
//
// Tests marked [needs the new core] use rules the core gained with the outbox (the live
// key check, the new fields): they pass once build/dist holds a module built from it.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/conformance/limits.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, createSlotguard } from '../../host-shims/node/src/index.js';
import { createRateLimiter } from '../../host-shims/node/src/limits.js';
import { ADMIN_TOKEN, STRIPE_KEY, WASM, eventBody, startStack } from './support/harness.mjs';

const CLI = fileURLToPath(new URL('../../host-shims/node/src/cli.js', import.meta.url));
const KIB = 1024;

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.error?.code, code, res.text);
  assert.match(res.headers['content-type'] ?? '', /application\/json/);
}

/** A fresh socket per request: the limits must not depend on connection reuse. */
const fresh = { agent: false };

describe(`rate limit on POST /v1/reservations (${WASM})`, () => {
  it('a token bucket per address: the burst passes, then 429 rate_limited with Retry-After', async () => {
    const s = await startStack({ emulator: false, rateLimitPerMinute: 3 });
    try {
      for (let i = 0; i < 3; i++) {
        const ok = await s.call('POST', '/v1/reservations', { body: {}, ...fresh });
        assert.equal(ok.status, 422, 'admitted: the core answers (an empty request is invalid)');
      }
      const refused = await s.call('POST', '/v1/reservations', { body: {}, ...fresh });
      assertError(refused, 429, 'rate_limited');
      const wait = Number(refused.headers['retry-after']);
      assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 20, `Retry-After ${refused.headers['retry-after']}`);
      // Only that route is limited.
      assert.equal((await s.call('GET', '/healthz')).status, 200);
      assert.equal((await s.call('GET', '/v1/events/none')).status, 404);
    } finally {
      await s.stop();
    }
  });

  it('every spelling of the path is the same route to the limits: /v1//reservations/ cannot get past a 429', async () => {
    const s = await startStack({ emulator: false, rateLimitPerMinute: 2 });
    try {
      for (const path of ['/v1/reservations', '/v1//reservations']) {
        assert.equal((await s.call('POST', path, { body: {}, ...fresh, contract: false })).status, 422, path);
      }
      for (const path of ['/v1/reservations/', '/v1//reservations', '/v1/reservations//', '/v1/reservations']) {
        assertError(await s.call('POST', path, { body: {}, ...fresh, contract: false }), 429, 'rate_limited');
      }
      // The body limit follows the route too: a hold's 16 KiB, not the host's 1 MiB.
      const big = { guest: { email: 'a@b.example', name: 'x'.repeat(20 * 1024) } };
      const off = await startStack({ emulator: false, rateLimitPerMinute: 0 });
      try {
        assertError(await off.call('POST', '/v1//reservations/', { body: big, ...fresh, contract: false }), 413, 'payload_too_large');
      } finally {
        await off.stop();
      }
    } finally {
      await s.stop();
    }
  });

  it('X-Forwarded-For is ignored unless trustProxy is on', async () => {
    const s = await startStack({ emulator: false, rateLimitPerMinute: 2 });
    try {
      const from = (xff) => s.call('POST', '/v1/reservations', { body: {}, headers: { 'x-forwarded-for': xff }, ...fresh });
      assert.equal((await from('203.0.113.1')).status, 422);
      assert.equal((await from('203.0.113.2')).status, 422);
      assertError(await from('203.0.113.3'), 429, 'rate_limited'); // all three are 127.0.0.1
    } finally {
      await s.stop();
    }
  });

  it('with trustProxy, the client is the address the proxy appended, never the leftmost entry the client wrote', async () => {
    const s = await startStack({ emulator: false, rateLimitPerMinute: 2, trustProxy: true });
    try {
      const from = (xff) => s.call('POST', '/v1/reservations', { body: {}, headers: { 'x-forwarded-for': xff }, ...fresh });
      assert.equal((await from('203.0.113.1')).status, 422);
      assert.equal((await from('198.51.100.99, 203.0.113.1')).status, 422);
      // A fresh address written by the client in front gets no fresh bucket.
      assertError(await from('10.9.9.9, 203.0.113.1'), 429, 'rate_limited');
      // Another client behind the same proxy has its own bucket.
      assert.equal((await from('203.0.113.1, 203.0.113.2')).status, 422);
      assert.equal((await from('203.0.113.3')).status, 422);
    } finally {
      await s.stop();
    }
    // Two trusted hops (a CDN, then a load balancer): the entry two from the right.
    const two = await startStack({ emulator: false, rateLimitPerMinute: 1, trustProxy: 2 });
    try {
      const from = (xff) => two.call('POST', '/v1/reservations', { body: {}, headers: { 'x-forwarded-for': xff }, ...fresh });
      assert.equal((await from('1.1.1.1, 203.0.113.9, 10.0.0.1')).status, 422);
      assertError(await from('2.2.2.2, 203.0.113.9, 10.0.0.2'), 429, 'rate_limited');
    } finally {
      await two.stop();
    }
  });

  it('0 disables it; handle() limits only requests that say their remoteAddress', async () => {
    const off = await startStack({ emulator: false, rateLimitPerMinute: 0 });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await off.call('POST', '/v1/reservations', { body: {}, ...fresh })).status, 422);
    } finally {
      await off.stop();
    }
    const sg = await createSlotguard({ wasm: WASM, store: 'memory', adminToken: ADMIN_TOKEN, sweepIntervalMs: 0, logger: false, rateLimitPerMinute: 1 });
    try {
      const post = (remoteAddress) => sg.handle({ method: 'POST', path: '/v1/reservations', body: '{}', remoteAddress });
      assert.equal((await post(undefined)).status, 422);
      assert.equal((await post(undefined)).status, 422);
      assert.equal((await post('192.0.2.1')).status, 422);
      const refused = await post('192.0.2.1');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers['retry-after']) >= 1);
    } finally {
      await sg.close();
    }
  });

  it('the bucket refills at the rate, and its memory stays bounded', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 6, maxBuckets: 100, now: () => t });
    for (let i = 0; i < 6; i++) assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 10, 'one token every 10 s');
    t += 5_000;
    assert.equal(limiter.take('a'), 5);
    t += 5_000;
    assert.equal(limiter.take('a'), 0);
    for (let i = 0; i < 5000; i++) {
      t += 1;
      limiter.take(`client-${i}`);
      assert.ok(limiter.size <= 100, `size ${limiter.size}`);
    }
  });
});

describe(`requests in flight (${WASM})`, () => {
  it('past the places maxInFlight leaves ordinary requests: 503 overloaded with Retry-After; served again once they finish', async () => {
    const inner = createMemoryStore();
    let open;
    let gate = new Promise((resolve) => (open = resolve));
    let waiting = 0;
    const store = {
      read: async (keys) => {
        waiting++;
        await gate;
        return inner.read(keys);
      },
      list: (...a) => inner.list(...a),
      commit: (...a) => inner.commit(...a),
    };
    // Of 3 places, 1 is kept for the Stripe webhook and health checks
    // (tests/conformance/slow-clients.test.mjs): ordinary reads get 2.
    const s = await startStack({ emulator: false, store, maxInFlight: 3 });
    try {
      const held = [s.call('GET', '/v1/events/a', fresh), s.call('GET', '/v1/events/b', fresh)];
      while (waiting < 2) await new Promise((r) => setTimeout(r, 5));
      const refused = await s.call('GET', '/v1/events/c', fresh);
      assertError(refused, 503, 'overloaded');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      open();
      for (const r of await Promise.all(held)) assert.equal(r.status, 404);
      gate = Promise.resolve();
      assert.equal((await s.call('GET', '/v1/events/c', fresh)).status, 404);
    } finally {
      open();
      await s.stop();
    }
  });
});

describe(`body limits per route (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack({ emulator: false });
  });
  after(() => s?.stop());

  it('GET, HEAD and DELETE: at most 1 KiB', async () => {
    assert.equal((await s.call('GET', '/healthz', { body: 'x'.repeat(500), ...fresh })).status, 200);
    const get = await s.call('GET', '/healthz', { body: 'x'.repeat(2 * KIB), ...fresh });
    assertError(get, 413, 'payload_too_large');
    assert.match(get.json.error.message, /1024 bytes/);
    assertError(await s.call('DELETE', '/v1/reservations/rsv_nothing', { body: 'x'.repeat(2 * KIB), ...fresh }), 413, 'payload_too_large');
    assert.equal((await s.call('GET', '/healthz')).status, 200, 'still serving');
  });

  it('POST /v1/reservations: at most 16 KiB', async () => {
    const big = { event_id: 'e', start: '2031-01-01T09:00:00Z', guest: { email: 'a@example.com', name: 'x'.repeat(17 * KIB) } };
    const res = await s.call('POST', '/v1/reservations', { body: big, ...fresh });
    assertError(res, 413, 'payload_too_large');
    assert.match(res.json.error.message, /16384 bytes/);
  });

  it('PUT /v1/events and the Stripe webhook keep the general limit', async () => {
    const put = await s.call('PUT', '/v1/events/big-event', { headers: s.admin, body: eventBody('big', { title: 'x'.repeat(20 * KIB) }), ...fresh });
    assert.notEqual(put.status, 413, put.text);
    const hook = await s.call('POST', '/v1/stripe/webhook', { body: JSON.stringify({ pad: 'x'.repeat(100 * KIB) }), ...fresh });
    assert.notEqual(hook.status, 413, hook.text);
  });

  it('the same limits through handle()', async () => {
    const get = await s.host.handle({ method: 'GET', path: '/healthz', body: 'x'.repeat(2 * KIB) });
    assert.equal(get.status, 413);
    assert.equal(JSON.parse(new TextDecoder().decode(get.body)).error.code, 'payload_too_large');
    assert.equal((await s.host.handle({ method: 'POST', path: '/v1/reservations', body: 'x'.repeat(20 * KIB) })).status, 413);
  });
});

/** Runs the CLI until it exits (or is killed after 60 s); resolves to {code, signal, stdout, stderr}. */
function runCli(env) {
  const child = spawn(process.execPath, [CLI], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SLOTGUARD_DB: ':memory:',
      SLOTGUARD_WASM: WASM,
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      SLOTGUARD_SWEEP_INTERVAL_MS: '0',
      SLOTGUARD_LOG_LEVEL: 'error',
      STRIPE_API_BASE: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    // A host that started is stopped at once: these tests are about starting.
    if (/listening on /.test(stderr)) child.kill('SIGTERM');
  });
  const failsafe = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(failsafe);
      resolve({ code, signal, stdout, stderr, listened: /listening on /.test(stderr) });
    }),
  );
}

const PREFIX = 'slotguard failed to start: slotguard configuration: ';
const CHECKOUT = 'checkout_minutes must be an integer in [30, 1438]';

describe(`configuration refused with the core's message (${WASM})`, () => {
  const host = (options) =>
    createSlotguard({ wasm: WASM, store: 'memory', adminToken: ADMIN_TOKEN, sweepIntervalMs: 0, logger: false, ...options });

  it('checkout 1439: createSlotguard rejects with the core message (the host no longer checks)', async () => {
    await assert.rejects(host({ checkoutMinutes: 1439 }), { name: 'ConfigurationError', message: `slotguard configuration: ${CHECKOUT}` });
    const ok = await host({ checkoutMinutes: 1438 });
    await ok.close();
  });

  it('checkout 1439 or not a number: the CLI prints the core message and exits non-zero', async () => {
    for (const value of ['1439', 'thirty']) {
      const r = await runCli({ SLOTGUARD_CHECKOUT_MINUTES: value });
      assert.equal(r.listened, false, r.stderr);
      assert.notEqual(r.code, 0);
      assert.ok(r.stderr.split('\n').includes(`${PREFIX}${CHECKOUT}`), r.stderr);
    }
  });

  // [needs the new core]: the live key check.
  it('a live key with the emulator base is refused, by createSlotguard and by the CLI', async () => {
    for (const key of ['sk_live_abc123', 'rk_live_abc123']) {
      await assert.rejects(host({ stripeSecretKey: key, stripeApiBase: 'http://127.0.0.1:12111' }), (error) => {
        assert.equal(error.name, 'ConfigurationError');
        assert.match(error.message, /^slotguard configuration: stripe_secret_key is a live key, so stripe_api_base must be https:\/\/api\.stripe\.com/);
        assert.doesNotMatch(error.message, /abc123/, 'the key itself is never shown');
        return true;
      });
    }
    const r = await runCli({ STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_API_BASE: 'http://127.0.0.1:12111' });
    assert.equal(r.listened, false, r.stderr);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^slotguard failed to start: slotguard configuration: stripe_secret_key is a live key/m);
    assert.doesNotMatch(r.stderr + r.stdout, /abc123/);
  });

  it('the CLI defaults STRIPE_API_BASE to Stripe: a live key without it starts', async () => {
    const r = await runCli({ STRIPE_SECRET_KEY: 'sk_live_abc123' });
    assert.equal(r.listened, true, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /abc123/);
  });

  // [needs the new core]: the new fields, passed through as given.
  it('the new settings reach the core, which refuses bad values by name', async () => {
    const cases = [
      [{ SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST: 'many' }, /^max_active_holds_per_guest must be an integer in \[0, \d+\]$/],
      [{ SLOTGUARD_RETENTION_DAYS: '-1' }, /^retention_days must be an integer in \[\d+, \d+\]$/],
      [{ SLOTGUARD_NOTIFY_RETRY_HOURS: '0' }, /^notify_retry_hours must be an integer in \[\d+, \d+\]$/],
      [{ SLOTGUARD_NOTIFY_URL: 'ftp://example.com/x', SLOTGUARD_NOTIFY_SECRET: 'ntfsec_0123456789abcdef' }, /^notify_url must be/],
      [{ SLOTGUARD_CORS_ORIGINS: 'example.com' }, /^cors_origins must/],
    ];
    for (const [env, reason] of cases) {
      const r = await runCli(env);
      assert.equal(r.listened, false, `${JSON.stringify(env)}: ${r.stderr}`);
      const line = r.stderr.split('\n').find((l) => l.startsWith(PREFIX));
      assert.ok(line, r.stderr);
      assert.match(line.slice(PREFIX.length), reason);
    }
    const good = await host({
      notifyUrl: 'http://127.0.0.1:9/hooks',
      notifySecret: 'ntfsec_0123456789abcdef,ntfsec_previous_0123456789',
      notifyRetryHours: 24,
      maxActiveHoldsPerGuest: 0,
      retentionDays: 7,
      corsOrigins: 'https://app.example.com, http://localhost:3000',
      stripeSecretKey: STRIPE_KEY,
      notifyIntervalMs: 0,
    });
    assert.equal((await good.handle({ method: 'GET', path: '/healthz' })).status, 200);
    await good.close();
  });
});
