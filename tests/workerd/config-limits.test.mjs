// The Worker's side of the configuration in workerd: bindings named as the Node host's
// variables reach the core's configuration as they are (validated once, in the core);
// a configuration the core refuses is answered 500 with the core's reason and logged
// once; Cloudflare's rate-limiting binding guards POST /v1/reservations; bodies have a
// limit per route; store calls have a deadline; and a write is followed by a
// notification run (ctx.waitUntil) that delivers to SLOTGUARD_NOTIFY_URL.
//
// Tests marked [needs the new core] use rules and routes the core gained with the outbox
// (the new fields, the live key check, POST /v1/maintenance/notify): they pass once
// build/dist/slotguard-wasi.wasm is built from it.
//
//   node --test tests/workerd/config-limits.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { HostCallError, configFromEnv, describeModule, wasiLoader } from '../../host-shims/js-bridge/src/index.js';
import { withStoreTimeouts } from '../../host-shims/cloudflare/src/store-timeout.js';
import { eventBody, reservationBody, slot, startEmulator, startWorker, waitForLog } from './helpers.mjs';

describe('bindings -> sg_init configuration (no validation on the way)', () => {
  test('every name maps to its field; numbers become numbers, anything else stays text', async () => {
    const wasm = readFileSync(new URL('../../build/dist/slotguard-wasi.wasm', import.meta.url));
    const { settings } = await describeModule(wasiLoader({ bytes: wasm }));
    const config = configFromEnv({
      SLOTGUARD_ADMIN_TOKEN: 'short',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b',
      SLOTGUARD_CHECKOUT_MINUTES: '1439',
      SLOTGUARD_HOLD_GRACE_MINUTES: 'soon',
      SLOTGUARD_HTTP_TIMEOUT_MS: 5000,
      SLOTGUARD_NOTIFY_URL: 'https://app.example.com/hooks',
      SLOTGUARD_NOTIFY_SECRET: 'ntfsec_a,ntfsec_b',
      SLOTGUARD_NOTIFY_RETRY_HOURS: '24',
      SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST: '0',
      SLOTGUARD_RETENTION_DAYS: ' 7 ',
      SLOTGUARD_CORS_ORIGINS: 'https://app.example.com,*',
      SLOTGUARD_DEFAULT_SUCCESS_URL: '',
      SLOTGUARD_NOT_A_SETTING: 'ignored: a binding the schema does not name is not the core\'s',
    }, settings);
    assert.deepEqual(config, {
      admin_token: 'short', // the core refuses it, with its own message
      stripe_secret_key: 'sk_test_x',
      stripe_webhook_secret: 'whsec_a,whsec_b',
      checkout_minutes: 1439, // the core's rule, not the Worker's
      hold_grace_minutes: 'soon',
      http_timeout_ms: 5000,
      notify_url: 'https://app.example.com/hooks',
      notify_secret: 'ntfsec_a,ntfsec_b',
      notify_retry_hours: 24,
      max_active_holds_per_guest: 0,
      retention_days: 7,
      cors_origins: 'https://app.example.com,*',
    });
    assert.deepEqual(configFromEnv({}, settings), {}); // every default is the core's
  });

  test('a store call past its deadline fails with host status 2 (timed out)', async () => {
    const never = new Promise(() => {});
    const store = withStoreTimeouts({ kind: 'd1', read: () => never, list: () => never, commit: async () => ({ outcome: 'committed' }) }, 50);
    const started = Date.now();
    await assert.rejects(store.read(['k']), (error) => {
      assert.ok(error instanceof HostCallError);
      assert.equal(error.hostStatus, 2);
      assert.match(error.message, /d1 read timed out after 50 ms/);
      return true;
    });
    assert.ok(Date.now() - started >= 45);
    await assert.rejects(store.list('a', 'b', 10, ''), /list timed out/);
    assert.deepEqual(await store.commit([], []), { outcome: 'committed' });
    const failing = withStoreTimeouts({ read: () => Promise.reject(new Error('D1_ERROR: no such table')), list: () => {}, commit: () => {} }, 50);
    await assert.rejects(failing.read([]), /no such table/);
  });
});

/** Three requests to a refused Worker: each 500 with `reason`; the log says it once. */
async function assertRefused(bindings, reason) {
  const w = await startWorker({ bindings });
  try {
    for (const path of ['/healthz', '/v1/events/x', '/metrics']) {
      const r = await w.request('GET', path);
      assert.equal(r.status, 500, r.text);
      assert.equal(r.body.error.code, 'server_misconfigured');
      assert.match(r.body.error.message, reason);
    }
    const line = await waitForLog(w, (l) => l.event === 'misconfigured');
    assert.match(line.error, reason);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(w.logs.filter((l) => l.event === 'misconfigured').length, 1, 'logged once');
    return { logs: w.rawLines.join('\n') };
  } finally {
    await w.close();
  }
}

describe('a configuration the core refuses', () => {
  test('checkout 1439 (or not a number): 500 with the core reason and the binding, logged once', async () => {
    const reason = /^slotguard configuration: checkout_minutes must be an integer in \[30, 1438\] \(binding SLOTGUARD_CHECKOUT_MINUTES\)$/;
    await assertRefused({ SLOTGUARD_CHECKOUT_MINUTES: '1439' }, reason);
    await assertRefused({ SLOTGUARD_CHECKOUT_MINUTES: 'thirty' }, reason);
  });

  test('a short admin token: the core says so; the value is never shown', async () => {
    const { logs } = await assertRefused({ SLOTGUARD_ADMIN_TOKEN: 'short-secret' }, /admin_token must be at least 16 characters \(binding SLOTGUARD_ADMIN_TOKEN: npx wrangler secret put SLOTGUARD_ADMIN_TOKEN; for wrangler dev, \.dev\.vars/);
    assert.doesNotMatch(logs, /short-secret/);
  });

  test('no admin token at all: the answer says it is not set and where to set it', async () => {
    await assertRefused({ SLOTGUARD_ADMIN_TOKEN: undefined }, /admin_token is not set .*\(binding SLOTGUARD_ADMIN_TOKEN: .*cp \.dev\.vars\.example \.dev\.vars\)/);
  });

  test('a bad Worker setting (not the core\'s) is refused the same way', async () => {
    await assertRefused({ SLOTGUARD_STORE_TIMEOUT_MS: 'forever' }, /SLOTGUARD_STORE_TIMEOUT_MS must be a positive integer/);
  });

  // [needs the new core]
  test('the new names reach the core: a bad value is refused by name', async () => {
    await assertRefused({ SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST: 'many' }, /max_active_holds_per_guest must be an integer in \[0, \d+\] \(binding SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST\)/);
    await assertRefused({ SLOTGUARD_RETENTION_DAYS: '-1' }, /retention_days must be .*\(binding SLOTGUARD_RETENTION_DAYS\)/);
    await assertRefused({ SLOTGUARD_CORS_ORIGINS: 'example.com' }, /cors_origins must .*\(binding SLOTGUARD_CORS_ORIGINS\)/);
    await assertRefused({ SLOTGUARD_NOTIFY_URL: 'https://app.example.com/hooks' }, /notify_secret is required/);
  });

  // [needs the new core]
  test('a live key with a base other than Stripe\'s is refused; the key is never shown', async () => {
    const { logs } = await assertRefused(
      { STRIPE_SECRET_KEY: 'sk_live_worker_secret', STRIPE_API_BASE: 'http://127.0.0.1:9' },
      /stripe_secret_key is a live key, so stripe_api_base must be https:\/\/api\.stripe\.com/,
    );
    assert.doesNotMatch(logs, /sk_live_worker_secret/);
  });
});

describe('limits', () => {
  test('the rate-limiting binding: 429 rate_limited with Retry-After on POST /v1/reservations only', async () => {
    const w = await startWorker({ miniflare: { ratelimits: { SLOTGUARD_RATE_LIMITER: { simple: { limit: 2, period: 60 } } } } });
    try {
      const post = () => w.request('POST', '/v1/reservations', { body: {}, headers: { 'cf-connecting-ip': '203.0.113.9' } });
      assert.equal((await post()).status, 422);
      assert.equal((await post()).status, 422);
      const refused = await post();
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.body.error.code, 'rate_limited');
      assert.equal(refused.headers.get('retry-after'), '60');
      // Another client, and other routes, are not limited.
      assert.equal((await w.request('POST', '/v1/reservations', { body: {}, headers: { 'cf-connecting-ip': '198.51.100.1' } })).status, 422);
      assert.equal((await w.request('GET', '/healthz')).status, 200);
    } finally {
      await w.close();
    }
  });

  test('without the binding, nothing is rate limited', async () => {
    const w = await startWorker();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await w.request('POST', '/v1/reservations', { body: {} })).status, 422);
    } finally {
      await w.close();
    }
  });

  test('body limits per route: 1 KiB on DELETE, 16 KiB on POST /v1/reservations, 1 MiB elsewhere', async () => {
    const w = await startWorker();
    try {
      const del = await w.request('DELETE', '/v1/reservations/rsv_none', { body: 'x'.repeat(2048) });
      assert.equal(del.status, 413, del.text);
      assert.equal(del.body.error.code, 'payload_too_large');
      assert.match(del.body.error.message, /1024 bytes/);
      const post = await w.request('POST', '/v1/reservations', { body: { pad: 'x'.repeat(17 * 1024) } });
      assert.equal(post.status, 413);
      assert.match(post.body.error.message, /16384 bytes/);
      const put = await w.request('PUT', '/v1/events/big', { admin: true, body: eventBody('big', { title: 'x'.repeat(20 * 1024) }) });
      assert.notEqual(put.status, 413, put.text);
    } finally {
      await w.close();
    }
  });
});

// [needs the new core]
test('a write is followed by a notification run: the receiver gets reservation.held', async () => {
  const received = [];
  const receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ signature: req.headers['slotguard-signature'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const stripe = await startEmulator();
  const w = await startWorker({
    stripeBase: stripe.url,
    bindings: {
      SLOTGUARD_NOTIFY_URL: `http://127.0.0.1:${receiver.address().port}/hooks`,
      SLOTGUARD_NOTIFY_SECRET: 'ntfsec_workerd_0123456789abcdef',
    },
  });
  try {
    assert.equal((await w.request('PUT', '/v1/events/ntf-evt', { admin: true, body: eventBody('ntf-expert') })).status, 201);
    const booked = await w.request('POST', '/v1/reservations', { body: reservationBody('ntf-evt', slot(3, 9), 1) });
    assert.equal(booked.status, 201, booked.text);
    const id = booked.body.reservation.id;
    const deadline = Date.now() + 15_000;
    while (!received.some((r) => r.body.data?.reservation?.id === id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const got = received.find((r) => r.body.data?.reservation?.id === id);
    assert.ok(got, `nothing delivered; logs: ${w.rawLines.slice(-20).join('\n')}`);
    assert.equal(got.body.type, 'reservation.held');
    assert.match(got.body.id, /^ntf_/);
    assert.match(got.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    // The cron runs a notification run after its sweep, too (nothing left to send here).
    const sweep = await w.mf.getWorker().then((worker) => worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() }));
    assert.equal(sweep.outcome, 'ok');
  } finally {
    await w.close();
    await stripe.emulator.stop();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
