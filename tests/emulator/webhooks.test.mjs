import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Stripe from 'stripe';
import { startEmulator, startWebhookReceiver, sessionParams, WEBHOOK_SECRET, manualClock } from './helpers.mjs';
import { verifySignature } from '../../host-shims/stripe-emulator/src/index.js';
import { once } from 'node:events';

describe('webhook delivery', () => {
  const verifier = new Stripe('sk_test_x');
  let ctx;
  let receiver;
  let respond = () => 200;

  before(async () => {
    receiver = await startWebhookReceiver({ respond: (n, body) => respond(n, body) });
    ctx = await startEmulator({ webhookUrl: receiver.url, webhookRetry: { baseDelayMs: 20, factor: 2, maxAttempts: 4 } });
  });
  beforeEach(() => {
    ctx.emulator.reset();
    receiver.deliveries.length = 0;
    respond = () => 200;
  });
  after(async () => {
    await ctx.emulator.stop();
    await receiver.close();
  });

  const control = (path, body) =>
    fetch(`${ctx.url}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  async function completedSession(params = {}) {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams(params));
    ctx.emulator.pay(s.id);
    return s;
  }

  test('events are POSTed as signed Stripe Event JSON that constructEvent accepts', async () => {
    const s = await completedSession();
    const [d] = await receiver.waitFor(1);
    assert.match(d.headers['content-type'], /^application\/json/);
    assert.match(d.headers['stripe-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
    const event = verifier.webhooks.constructEvent(d.rawBody, d.headers['stripe-signature'], WEBHOOK_SECRET);
    assert.match(event.id, /^evt_/);
    assert.equal(event.object, 'event');
    assert.equal(event.type, 'checkout.session.completed');
    assert.equal(event.livemode, false);
    assert.equal(event.pending_webhooks, 1);
    assert.deepEqual(event.request, { id: null, idempotency_key: null });
    assert.equal(event.data.object.id, s.id);
    assert.equal(event.data.object.payment_status, 'paid');
    assert.equal(typeof event.created, 'number');
    assert.ok(verifySignature(d.rawBody, d.headers['stripe-signature'], WEBHOOK_SECRET));
    assert.throws(() => verifier.webhooks.constructEvent(d.rawBody, d.headers['stripe-signature'], 'whsec_wrong'));
    assert.throws(() => verifier.webhooks.constructEvent(d.rawBody.replace('paid', 'PAID'), d.headers['stripe-signature'], WEBHOOK_SECRET));

    await ctx.emulator.webhooks.idle();
    const stored = await ctx.stripe.events.retrieve(event.id);
    assert.equal(stored.pending_webhooks, 0, 'pending_webhooks drops once delivered');
    const stats = ctx.emulator.stats().webhooks;
    assert.equal(stats.attempted, 1);
    assert.equal(stats.succeeded, 1);
    assert.equal(stats.failed, 0);
  });

  test('delivery does not block the API response', async () => {
    let release;
    const held = new Promise((r) => (release = r));
    const slow = http.createServer(async (req, res) => {
      req.resume();
      await held;
      res.end('ok');
    });
    await new Promise((r) => slow.listen(0, '127.0.0.1', r));
    ctx.emulator.setWebhookEndpoint(`http://127.0.0.1:${slow.address().port}/`);
    try {
      const s = await ctx.stripe.checkout.sessions.create(sessionParams());
      const expired = await ctx.stripe.checkout.sessions.expire(s.id); // fires an event while the endpoint hangs
      assert.equal(expired.status, 'expired');
      assert.equal(ctx.emulator.stats().webhooks.pending, 1);
      release();
      await ctx.emulator.webhooks.idle();
      assert.equal(ctx.emulator.stats().webhooks.succeeded, 1);
    } finally {
      ctx.emulator.setWebhookEndpoint(receiver.url);
      slow.closeAllConnections();
      slow.close();
    }
  });

  test('API-caused events carry request id and idempotency key', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const res = await ctx.stripe.checkout.sessions.expire(s.id, {}, { idempotencyKey: 'expire-key-1' });
    const [d] = await receiver.waitFor(1);
    assert.equal(d.event.type, 'checkout.session.expired');
    assert.equal(d.event.request.id, res.lastResponse.requestId);
    assert.equal(d.event.request.idempotency_key, 'expire-key-1');
  });

  test('failed deliveries are retried with exponential backoff', async () => {
    respond = (n) => (n <= 2 ? 500 : 200);
    const attempts = [];
    const onDelivery = (info) => attempts.push({ ...info, t: performance.now() });
    ctx.emulator.on('delivery', onDelivery);
    try {
      await completedSession();
      const ds = await receiver.waitFor(3);
      await ctx.emulator.webhooks.idle();
      assert.deepEqual(ds.map((d) => d.status), [500, 500, 200]);
      assert.equal(new Set(ds.map((d) => d.event.id)).size, 1, 'same event each time');
      for (const d of ds) verifier.webhooks.constructEvent(d.rawBody, d.headers['stripe-signature'], WEBHOOK_SECRET);
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
      assert.ok(attempts[1].t - attempts[0].t >= 18, 'first retry after ~base delay');
      assert.ok(attempts[2].t - attempts[1].t >= 38, 'second retry after ~2x base delay');
      const stats = ctx.emulator.stats().webhooks;
      assert.equal(stats.attempted, 3);
      assert.equal(stats.failed, 2);
      assert.equal(stats.succeeded, 1);
      const log = await (await fetch(`${ctx.url}/_emulator/events`)).json();
      assert.equal(log.data[0].delivery.status, 'succeeded');
      assert.equal(log.data[0].delivery.attempts.length, 3);
    } finally {
      ctx.emulator.off('delivery', onDelivery);
    }
  });

  test('gives up after max attempts; redeliver sends it again', async () => {
    respond = () => 503;
    await completedSession();
    await receiver.waitFor(4);
    await ctx.emulator.webhooks.idle();
    assert.equal(receiver.deliveries.length, 4, 'maxAttempts = 4');
    let log = await (await fetch(`${ctx.url}/_emulator/events`)).json();
    assert.equal(log.data[0].delivery.status, 'failed');
    assert.equal(ctx.emulator.stats().webhooks.exhausted, 1);

    respond = () => 200;
    const r = await control(`webhooks/redeliver/${log.data[0].id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true);
    assert.equal(receiver.deliveries.length, 5);
    log = await (await fetch(`${ctx.url}/_emulator/events`)).json();
    assert.equal(log.data[0].delivery.status, 'succeeded');
    assert.equal((await control('webhooks/redeliver/evt_nope')).status, 404);
  });

  test('network errors count as failures and are retried', async () => {
    const dead = http.createServer();
    await new Promise((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${dead.address().port}/`;
    await new Promise((r) => dead.close(r));
    ctx.emulator.webhooks.configure({ url: deadUrl, maxAttempts: 2, retryBaseDelayMs: 5 });
    try {
      await completedSession();
      await ctx.emulator.webhooks.idle();
      const stats = ctx.emulator.stats().webhooks;
      assert.equal(stats.attempted, 2);
      assert.equal(stats.failed, 2);
      assert.equal(stats.exhausted, 1);
      const [entry] = ctx.emulator.eventLog();
      assert.match(entry.delivery.attempts[0].error, /ECONNREFUSED|connect/i);
    } finally {
      ctx.emulator.setWebhookEndpoint(receiver.url);
    }
  });

  test('duplicate delivers each event N times', async () => {
    const cfg = await control('webhooks/config', { duplicate: 3 });
    assert.equal(cfg.body.duplicate, 3);
    await completedSession();
    const ds = await receiver.waitFor(3);
    await ctx.emulator.webhooks.idle();
    assert.equal(receiver.deliveries.length, 3);
    assert.equal(new Set(ds.map((d) => d.event.id)).size, 1);
  });

  test('reorder buffers events and flush delivers them in reverse', async () => {
    await control('webhooks/config', { reorder: true });
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    ctx.emulator.pay(s.id, { method: 'multibanco' });
    ctx.emulator.asyncPayment(s.id, 'succeeded');
    await ctx.stripe.refunds.create({ payment_intent: (await ctx.stripe.checkout.sessions.retrieve(s.id)).payment_intent, amount: 500 });
    await ctx.emulator.webhooks.idle();
    assert.equal(receiver.deliveries.length, 0, 'held while reorder is on');
    const log = ctx.emulator.eventLog();
    assert.ok(log.every((e) => e.delivery.status === 'buffered'));
    const flushed = await control('webhooks/flush');
    assert.equal(flushed.body.flushed, 4);
    assert.deepEqual(receiver.types(), ['refund.created', 'charge.refunded', 'checkout.session.async_payment_succeeded', 'checkout.session.completed']);
  });

  test('pause holds deliveries, resume releases them in order', async () => {
    const paused = await control('webhooks/pause');
    assert.equal(paused.body.paused, true);
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    await ctx.stripe.checkout.sessions.expire(s.id);
    const s2 = await completedSession();
    await ctx.emulator.webhooks.idle();
    assert.equal(receiver.deliveries.length, 0);
    const resumed = await control('webhooks/resume');
    assert.equal(resumed.body.flushed, 2);
    assert.deepEqual(receiver.types(), ['checkout.session.expired', 'checkout.session.completed']);
    assert.equal(receiver.deliveries[1].event.data.object.id, s2.id);
  });

  test('delay_ms holds each delivery', async () => {
    await control('webhooks/config', { delay_ms: 150 });
    const t0 = performance.now();
    await completedSession();
    assert.equal(receiver.deliveries.length, 0);
    await receiver.waitFor(1);
    assert.ok(performance.now() - t0 >= 140, 'delivered after the delay');
  });

  test('webhook URL and secret can be changed at runtime; enabled_events filters', async () => {
    const other = await startWebhookReceiver();
    try {
      const r = await control('webhooks/config', { url: other.url, secret: 'whsec_rotated', enabled_events: ['checkout.session.expired'] });
      assert.equal(r.body.url, other.url);
      const s = await completedSession();
      const s2 = await ctx.stripe.checkout.sessions.create(sessionParams());
      await ctx.stripe.checkout.sessions.expire(s2.id);
      const [d] = await other.waitFor(1);
      await ctx.emulator.webhooks.idle();
      assert.equal(other.deliveries.length, 1, 'completed was filtered out');
      assert.equal(receiver.deliveries.length, 0);
      const ev = verifier.webhooks.constructEvent(d.rawBody, d.headers['stripe-signature'], 'whsec_rotated');
      assert.equal(ev.type, 'checkout.session.expired');
      assert.notEqual(ev.data.object.id, s.id);
      const log = ctx.emulator.eventLog();
      assert.equal(log[0].delivery.status, 'filtered');
    } finally {
      await control('webhooks/config', { url: receiver.url, secret: WEBHOOK_SECRET, enabled_events: ['*'] });
      await other.close();
    }
  });

  test('control endpoint accepts form params and validates them', async () => {
    const res = await fetch(`${ctx.url}/_emulator/webhooks/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'duplicate=2&reorder=false&delay_ms=0',
    });
    assert.equal((await res.json()).duplicate, 2);
    const bad = await control('webhooks/config', { duplicate: 'many' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'duplicate');
    const cfg = await (await fetch(`${ctx.url}/_emulator/webhooks/config`)).json();
    assert.equal(cfg.secret, WEBHOOK_SECRET);
  });
});

describe('expiry', () => {
  const cleanups = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function setup(options = {}) {
    const clock = manualClock();
    const ctx = await startEmulator({ clock, ...options });
    cleanups.push(() => ctx.emulator.stop());
    return { ...ctx, clock };
  }

  test('sessions expire lazily on access once expires_at passes', async () => {
    const { stripe, clock, emulator } = await setup({ autoExpire: false });
    const expiresAt = clock.nowSeconds() + 30 * 60;
    const s = await stripe.checkout.sessions.create(sessionParams({ expires_at: expiresAt }));
    clock.advance(30 * 60 * 1000 - 2000);
    assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open', 'not yet');
    clock.advance(2000);
    const got = await stripe.checkout.sessions.retrieve(s.id);
    assert.equal(got.status, 'expired');
    assert.equal(got.url, null);
    assert.equal(got.expires_at, expiresAt);
    const events = await stripe.events.list();
    assert.deepEqual(events.data.map((e) => e.type), ['checkout.session.expired']);
    assert.deepEqual(events.data[0].request, { id: null, idempotency_key: null });
    assert.equal(emulator.stats().sessions.by_status.expired, 1);
  });

  test('sessions expire by themselves on the timer and fire a signed webhook', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const { stripe, clock, emulator } = await setup({ webhookUrl: receiver.url, expiryIntervalMs: 10 });
    const s = await stripe.checkout.sessions.create(sessionParams({ expires_at: clock.nowSeconds() + 45 * 60 }));
    const paid = await stripe.checkout.sessions.create(sessionParams({ expires_at: clock.nowSeconds() + 45 * 60 }));
    emulator.pay(paid.id);
    await receiver.waitFor(1); // the completed event
    const expiredEvent = once(emulator, 'event');
    clock.advance(46 * 60 * 1000);
    const [event] = await expiredEvent; // no request made: the interval timer did it
    assert.equal(event.type, 'checkout.session.expired');
    assert.equal(event.data.object.id, s.id);
    const ds = await receiver.waitFor(2);
    const verified = new Stripe('sk_test_x').webhooks.constructEvent(ds[1].rawBody, ds[1].headers['stripe-signature'], WEBHOOK_SECRET);
    assert.equal(verified.type, 'checkout.session.expired');
    assert.equal(emulator.state.sessions.get(paid.id).status, 'complete', 'completed sessions do not expire');
  });

  test('default expiry is 24 h; expireDue() and advanceTime() drive it programmatically', async () => {
    const { stripe, emulator } = await setup({ autoExpire: false });
    const s = await stripe.checkout.sessions.create(sessionParams());
    assert.equal(emulator.advanceTime(24 * 3600 * 1000 - 1000), 0);
    assert.equal(emulator.advanceTime(1000), 1);
    assert.equal(emulator.state.sessions.get(s.id).status, 'expired');
    assert.equal(emulator.expireDue(), 0);
  });

  test('POST /_emulator/clock fast-forwards time for out-of-process tests', async () => {
    const { stripe, url } = await setup({ autoExpire: false, clock: undefined });
    const s = await stripe.checkout.sessions.create(sessionParams({ expires_at: Math.floor(Date.now() / 1000) + 3600 }));
    const res = await fetch(`${url}/_emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 3601 }),
    });
    const body = await res.json();
    assert.equal(body.expired, 1);
    assert.ok(body.offset_ms >= 3601000);
    assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'expired');
    // expires_at validation uses the emulator clock
    const now = (await (await fetch(`${url}/_emulator/clock`)).json()).now;
    const ok = await stripe.checkout.sessions.create(sessionParams({ expires_at: now + 3600 }));
    assert.equal(ok.status, 'open');
  });

  test('unpaid Multibanco vouchers fail when they expire', async () => {
    const { stripe, clock, emulator } = await setup({ autoExpire: false });
    const s = await stripe.checkout.sessions.create(sessionParams());
    const done = emulator.pay(s.id, { method: 'multibanco', voucherExpiresAt: clock.nowSeconds() + 3600 });
    clock.advance(3601 * 1000);
    const pi = await stripe.paymentIntents.retrieve(done.payment_intent);
    assert.equal(pi.status, 'requires_payment_method');
    const types = (await stripe.events.list()).data.map((e) => e.type);
    assert.deepEqual(types, ['checkout.session.async_payment_failed', 'checkout.session.completed']);
    // the session, complete, is not expired by its own expires_at either
    clock.advance(25 * 3600 * 1000);
    assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'complete');
  });
});
