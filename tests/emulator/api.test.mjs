import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, sessionParams, postForm, sdk } from './helpers.mjs';
import { DEFAULT_API_VERSION, encodeForm } from '../../host-shims/stripe-emulator/src/index.js';

describe('checkout sessions', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator();
  });
  after(() => ctx.emulator.stop());

  test('creates a Checkout Session with the Stripe shape', async () => {
    const before = Math.floor(Date.now() / 1000);
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    assert.match(s.id, /^cs_test_[A-Za-z0-9]+$/);
    assert.equal(s.object, 'checkout.session');
    assert.equal(s.status, 'open');
    assert.equal(s.payment_status, 'unpaid');
    assert.equal(s.amount_total, 5000);
    assert.equal(s.amount_subtotal, 5000);
    assert.equal(s.currency, 'eur');
    assert.equal(s.customer_email, 'guest@example.com');
    assert.equal(s.client_reference_id, 'res_123');
    assert.deepEqual(s.metadata, { reservation_id: 'res_123' });
    assert.equal(s.payment_intent, null);
    assert.equal(s.mode, 'payment');
    assert.equal(s.livemode, false);
    assert.equal(s.success_url, 'https://slotguard.test/success?session_id={CHECKOUT_SESSION_ID}');
    assert.equal(s.cancel_url, 'https://slotguard.test/cancel');
    assert.deepEqual(s.payment_method_types, ['card', 'multibanco']);
    assert.equal(s.url, `${ctx.url}/pay/${s.id}`);
    assert.ok(s.created >= before);
    assert.ok(Math.abs(s.expires_at - (s.created + 24 * 3600)) <= 1, 'defaults to 24 h');
  });

  test('retrieves, expands line_items and lists line items', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const got = await ctx.stripe.checkout.sessions.retrieve(s.id);
    assert.deepEqual(got.metadata, s.metadata);
    assert.equal(got.id, s.id);
    const expanded = await ctx.stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
    assert.equal(expanded.line_items.data[0].description, 'Court 3, 18:00-19:00');
    assert.equal(expanded.line_items.data[0].quantity, 2);
    const items = await ctx.stripe.checkout.sessions.listLineItems(s.id);
    assert.equal(items.object, 'list');
    assert.equal(items.data[0].price.unit_amount, 2500);
    assert.equal(items.data[0].amount_total, 5000);
  });

  test('lists sessions most recent first with limit / starting_after / payment_intent', async () => {
    ctx.emulator.reset();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await ctx.stripe.checkout.sessions.create(sessionParams({ client_reference_id: `r${i}` }))).id);
    const page1 = await ctx.stripe.checkout.sessions.list({ limit: 2 });
    assert.equal(page1.object, 'list');
    assert.equal(page1.url, '/v1/checkout/sessions');
    assert.deepEqual(page1.data.map((s) => s.id), [ids[4], ids[3]]);
    assert.equal(page1.has_more, true);
    const page3 = await ctx.stripe.checkout.sessions.list({ limit: 2, starting_after: ids[1] });
    assert.deepEqual(page3.data.map((s) => s.id), [ids[0]]);
    assert.equal(page3.has_more, false);
    const back = await ctx.stripe.checkout.sessions.list({ limit: 2, ending_before: ids[1] });
    assert.deepEqual(back.data.map((s) => s.id), [ids[3], ids[2]]);

    // auto-pagination over the whole list
    const all = [];
    for await (const s of ctx.stripe.checkout.sessions.list({ limit: 2 })) all.push(s.id);
    assert.deepEqual(all, [...ids].reverse());

    const paid = ctx.emulator.pay(ids[2]);
    const byPi = await ctx.stripe.checkout.sessions.list({ payment_intent: paid.payment_intent });
    assert.deepEqual(byPi.data.map((s) => s.id), [ids[2]]);
    const none = await ctx.stripe.checkout.sessions.list({ payment_intent: 'pi_missing' });
    assert.deepEqual(none.data, []);
  });

  test('expire: open -> expired; complete or expired -> 400', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const expired = await ctx.stripe.checkout.sessions.expire(s.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    await assert.rejects(ctx.stripe.checkout.sessions.expire(s.id), (err) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.type, 'StripeInvalidRequestError');
      assert.match(err.message, /You can only expire sessions that are open/);
      return true;
    });
    const s2 = await ctx.stripe.checkout.sessions.create(sessionParams());
    ctx.emulator.pay(s2.id);
    await assert.rejects(ctx.stripe.checkout.sessions.expire(s2.id), /You can only expire sessions that are open/);
  });

  test('validates required params with Stripe-shaped 400s', async () => {
    const cases = [
      [{ mode: undefined }, 'mode', 'parameter_missing'],
      [{ line_items: undefined }, 'line_items', 'parameter_missing'],
      [{ success_url: undefined }, 'success_url', 'parameter_missing'],
      [{ success_url: 'not a url' }, 'success_url', 'url_invalid'],
      [{ customer_email: 'nope' }, 'customer_email', 'email_invalid'],
      [{ line_items: [{ price_data: { currency: 'eur', unit_amount: 100, product_data: { name: 'x' } } }] }, 'line_items[0][quantity]', 'parameter_missing'],
      [{ line_items: [{ price_data: { unit_amount: 100, product_data: { name: 'x' } }, quantity: 1 }] }, 'line_items[0][price_data][currency]', 'parameter_missing'],
      [{ line_items: [{ price_data: { currency: 'eur', unit_amount: 'abc', product_data: { name: 'x' } }, quantity: 1 }] }, 'line_items[0][price_data][unit_amount]', 'parameter_invalid_integer'],
      [{ line_items: [{ price_data: { currency: 'eur', unit_amount: 100, product_data: { description: 'no name' } }, quantity: 1 }] }, 'line_items[0][price_data][product_data][name]', 'parameter_missing'],
      [{ payment_method_types: ['ideal'] }, 'payment_method_types[0]', undefined],
      [{ metdata: { a: 'b' } }, 'metdata', 'parameter_unknown'],
    ];
    for (const [override, param, code] of cases) {
      await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams(override)), (err) => {
        assert.equal(err.statusCode, 400, param);
        assert.equal(err.rawType, 'invalid_request_error', param);
        assert.equal(err.param, param);
        assert.equal(err.code, code, param);
        return true;
      });
    }
    // multibanco requires eur
    const usd = sessionParams();
    usd.line_items[0].price_data.currency = 'usd';
    await assert.rejects(ctx.stripe.checkout.sessions.create(usd), (err) => err.param === 'payment_method_types');
    // mode other than payment
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams({ mode: 'subscription' })), (err) => err.param === 'mode');
  });

  test('expires_at must be 30 min to 24 h from now', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const bad of [now + 60, now + 29 * 60, now + 24 * 3600 + 120, now - 10]) {
      await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams({ expires_at: bad })), (err) => {
        assert.equal(err.statusCode, 400);
        assert.equal(err.param, 'expires_at');
        assert.match(err.message, /expires_at/);
        return true;
      });
    }
    const ok = await ctx.stripe.checkout.sessions.create(sessionParams({ expires_at: now + 31 * 60 }));
    assert.equal(ok.expires_at, now + 31 * 60);
    const max = await ctx.stripe.checkout.sessions.create(sessionParams({ expires_at: now + 23 * 3600 }));
    assert.equal(max.expires_at, now + 23 * 3600);
  });

  test('payment_method_types defaults to card', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams({ payment_method_types: undefined }));
    assert.deepEqual(s.payment_method_types, ['card']);
  });

  test('404 resource_missing for unknown ids', async () => {
    await assert.rejects(ctx.stripe.checkout.sessions.retrieve('cs_test_nope'), (err) => {
      assert.equal(err.statusCode, 404);
      assert.equal(err.code, 'resource_missing');
      assert.equal(err.message, "No such checkout.session: 'cs_test_nope'");
      return true;
    });
    await assert.rejects(ctx.stripe.paymentIntents.retrieve('pi_nope'), (err) => err.statusCode === 404 && err.code === 'resource_missing');
    await assert.rejects(ctx.stripe.charges.retrieve('ch_nope'), (err) => err.statusCode === 404);
    await assert.rejects(ctx.stripe.events.retrieve('evt_nope'), (err) => err.statusCode === 404);
  });

  test('the raw wire format: bracket form body in, JSON with Stripe headers out', async () => {
    const body =
      'mode=payment&success_url=https%3A%2F%2Fx.test%2Fok&line_items[0][price_data][currency]=EUR' +
      '&line_items[0][price_data][unit_amount]=999&line_items[0][price_data][product_data][name]=Slot&line_items[0][quantity]=1' +
      '&metadata[reservation_id]=abc&payment_method_types[0]=card';
    const res = await postForm(`${ctx.url}/v1/checkout/sessions`, body, { Authorization: 'Bearer sk_test_x', 'Stripe-Version': '2024-06-20' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.match(res.headers.get('request-id'), /^req_/);
    assert.equal(res.headers.get('stripe-version'), '2024-06-20');
    const json = await res.json();
    assert.equal(json.currency, 'eur');
    assert.equal(json.amount_total, 999);
    assert.deepEqual(json.metadata, { reservation_id: 'abc' });
    const plain = await fetch(`${ctx.url}/v1/checkout/sessions/${json.id}`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('stripe-version'), DEFAULT_API_VERSION);
  });
});

describe('idempotency', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator();
  });
  after(() => ctx.emulator.stop());

  test('replaying a key with the same params returns the first response', async () => {
    const key = `create-${Date.now()}`;
    const a = await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    const b = await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    assert.equal(b.id, a.id);
    assert.deepEqual({ ...b, lastResponse: undefined }, { ...a, lastResponse: undefined });
    assert.equal(b.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(b.lastResponse.headers['original-request'], a.lastResponse.requestId);
    assert.equal(a.lastResponse.headers['idempotent-replayed'], undefined);
    const list = await ctx.stripe.checkout.sessions.list({ limit: 100 });
    assert.equal(list.data.filter((s) => s.id === a.id).length, 1, 'only one session created');
  });

  test('param order does not matter, raw bytes are identical on replay', async () => {
    const key = `raw-${Date.now()}`;
    const p = sessionParams();
    const body1 = encodeForm(p);
    const reversed = encodeForm(Object.fromEntries(Object.entries(p).reverse()));
    const headers = { Authorization: 'Bearer sk_test_x', 'Idempotency-Key': key };
    const r1 = await postForm(`${ctx.url}/v1/checkout/sessions`, body1, headers);
    const r2 = await postForm(`${ctx.url}/v1/checkout/sessions`, reversed, headers);
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    assert.equal(await r2.text(), await r1.text());
    assert.equal(r2.headers.get('idempotent-replayed'), 'true');
    assert.equal(r2.headers.get('idempotency-key'), key);
  });

  test('same key with different params -> 400 idempotency_error', async () => {
    const key = `mismatch-${Date.now()}`;
    await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams({ client_reference_id: 'other' }), { idempotencyKey: key }), (err) => {
      assert.equal(err.type, 'StripeIdempotencyError');
      assert.equal(err.rawType, 'idempotency_error');
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /same parameters/);
      return true;
    });
    // and with a different endpoint
    const res = await postForm(`${ctx.url}/v1/refunds`, 'payment_intent=pi_x', { Authorization: 'Bearer sk_test_x', 'Idempotency-Key': key });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.type, 'idempotency_error');
  });

  test('keys are scoped per API key', async () => {
    const key = `scoped-${Date.now()}`;
    const other = sdk(ctx.port, 'sk_test_other');
    const a = await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: key });
    const b = await other.checkout.sessions.create(sessionParams({ client_reference_id: 'different' }), { idempotencyKey: key });
    assert.notEqual(a.id, b.id);
    assert.equal(b.client_reference_id, 'different');
  });

  test('errors raised after execution began are replayed; validation errors are not saved', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    ctx.emulator.pay(s.id);
    const key = `expire-${Date.now()}`;
    const first = await postForm(`${ctx.url}/v1/checkout/sessions/${s.id}/expire`, '', { Authorization: 'Bearer sk_test_x', 'Idempotency-Key': key });
    const second = await postForm(`${ctx.url}/v1/checkout/sessions/${s.id}/expire`, '', { Authorization: 'Bearer sk_test_x', 'Idempotency-Key': key });
    assert.equal(first.status, 400);
    assert.equal(second.status, 400);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');

    const vkey = `validation-${Date.now()}`;
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams({ mode: undefined }), { idempotencyKey: vkey }), (e) => e.param === 'mode');
    const fixed = await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: vkey });
    assert.equal(fixed.status, 'open', 'the corrected request executes under the same key');
  });

  test('refund creation is idempotent', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const paid = ctx.emulator.pay(s.id);
    const key = `refund-${Date.now()}`;
    const r1 = await ctx.stripe.refunds.create({ payment_intent: paid.payment_intent, amount: 1000 }, { idempotencyKey: key });
    const r2 = await ctx.stripe.refunds.create({ payment_intent: paid.payment_intent, amount: 1000 }, { idempotencyKey: key });
    assert.equal(r2.id, r1.id);
    const pi = await ctx.stripe.paymentIntents.retrieve(paid.payment_intent);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.amount_refunded, 1000, 'refunded once');
    await assert.rejects(
      ctx.stripe.refunds.create({ payment_intent: paid.payment_intent, amount: 2000 }, { idempotencyKey: key }),
      (err) => err.rawType === 'idempotency_error',
    );
  });
});

describe('payments, refunds and events', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator();
  });
  beforeEach(() => ctx.emulator.reset());
  after(() => ctx.emulator.stop());

  const helper = (id, action, params = {}) => ctx.stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${id}/${action}`, params);

  test('card payment completes the session and creates a succeeded PaymentIntent', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const paid = await helper(s.id, 'pay', { method: 'card' });
    assert.equal(paid.status, 'complete');
    assert.equal(paid.payment_status, 'paid');
    assert.match(paid.payment_intent, /^pi_/);
    assert.equal(paid.customer_details.email, 'guest@example.com');

    const pi = await ctx.stripe.paymentIntents.retrieve(paid.payment_intent);
    assert.equal(pi.object, 'payment_intent');
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 5000);
    assert.equal(pi.amount_received, 5000);
    assert.equal(pi.currency, 'eur');
    assert.deepEqual(pi.metadata, { reservation_id: 'res_123' });
    assert.equal(pi.next_action, null);
    assert.match(pi.latest_charge, /^ch_/);

    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.amount, 5000);
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.refunded, false);
    assert.equal(charge.payment_intent, pi.id);

    const events = await ctx.stripe.events.list();
    assert.deepEqual(events.data.map((e) => e.type), ['checkout.session.completed']);
    assert.equal(events.data[0].data.object.payment_status, 'paid');

    // paying again is a 400: the session is no longer open
    await assert.rejects(helper(s.id, 'pay'), (err) => err.statusCode === 400 && /only open sessions/.test(err.message));
  });

  test('paying expired sessions or with a method not allowed -> 400', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams({ payment_method_types: ['card'] }));
    await assert.rejects(helper(s.id, 'pay', { method: 'multibanco' }), (err) => err.statusCode === 400 && err.param === 'method');
    await ctx.stripe.checkout.sessions.expire(s.id);
    await assert.rejects(helper(s.id, 'pay'), (err) => err.statusCode === 400);
    await assert.rejects(helper('cs_test_missing', 'pay'), (err) => err.statusCode === 404);
  });

  test('multibanco: completed + unpaid, then async success', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const voucherExpiresAt = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;
    const done = await helper(s.id, 'pay', { method: 'multibanco', voucher_expires_at: voucherExpiresAt });
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'unpaid');

    let pi = await ctx.stripe.paymentIntents.retrieve(done.payment_intent);
    assert.equal(pi.status, 'requires_action');
    assert.equal(pi.latest_charge, null);
    assert.equal(pi.next_action.type, 'multibanco_display_details');
    const mb = pi.next_action.multibanco_display_details;
    assert.match(mb.entity, /^\d{5}$/);
    assert.match(mb.reference, /^\d{9}$/);
    assert.equal(mb.expires_at, voucherExpiresAt);
    assert.equal(mb.hosted_voucher_url, `${ctx.url}/vouchers/${pi.id}`);
    const voucher = await fetch(mb.hosted_voucher_url);
    assert.match(await voucher.text(), new RegExp(mb.reference));

    const settled = await helper(s.id, 'async_payment', { outcome: 'succeeded' });
    assert.equal(settled.payment_status, 'paid');
    pi = await ctx.stripe.paymentIntents.retrieve(done.payment_intent);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.next_action, null);
    assert.equal(pi.amount_received, 5000);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.payment_method_details.type, 'multibanco');

    const types = (await ctx.stripe.events.list()).data.map((e) => e.type).reverse();
    assert.deepEqual(types, ['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    const completed = (await ctx.stripe.events.list({ type: 'checkout.session.completed' })).data[0];
    assert.equal(completed.data.object.payment_status, 'unpaid', 'event snapshots are taken at event time');

    // no second settlement
    await assert.rejects(helper(s.id, 'async_payment', { outcome: 'failed' }), (err) => err.statusCode === 400);
  });

  test('multibanco: async failure', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const done = await helper(s.id, 'pay', { method: 'multibanco' });
    const pi0 = await ctx.stripe.paymentIntents.retrieve(done.payment_intent);
    const sevenDays = pi0.next_action.multibanco_display_details.expires_at - pi0.created;
    assert.ok(Math.abs(sevenDays - 7 * 24 * 3600) <= 1, 'voucher defaults to 7 days');
    const failed = await helper(s.id, 'async_payment', { outcome: 'failed' });
    assert.equal(failed.payment_status, 'unpaid');
    const pi = await ctx.stripe.paymentIntents.retrieve(done.payment_intent);
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.next_action, null);
    const ev = await ctx.stripe.events.list({ type: 'checkout.session.async_payment_failed' });
    assert.equal(ev.data.length, 1);
    assert.equal(ev.data[0].data.object.id, s.id);

    const s2 = await ctx.stripe.checkout.sessions.create(sessionParams());
    const d2 = await helper(s2.id, 'pay', { method: 'multibanco' });
    await helper(s2.id, 'async_payment', { outcome: 'failed', cancel_payment_intent: 'true' });
    assert.equal((await ctx.stripe.paymentIntents.retrieve(d2.payment_intent)).status, 'canceled');
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: d2.payment_intent }), (err) => err.statusCode === 400);
  });

  test('cancel test helper leaves the session open; expire_now expires it', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const cancelled = await helper(s.id, 'cancel');
    assert.equal(cancelled.status, 'open');
    assert.equal((await ctx.stripe.events.list()).data.length, 0);
    const expired = await helper(s.id, 'expire_now');
    assert.equal(expired.status, 'expired');
    const ev = (await ctx.stripe.events.list()).data;
    assert.deepEqual(ev.map((e) => e.type), ['checkout.session.expired']);
    assert.deepEqual(ev[0].request, { id: null, idempotency_key: null });
    await assert.rejects(helper(s.id, 'expire_now'), (err) => err.statusCode === 400);
  });

  test('refunds: partial, full, over-refund, listing, events', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const { payment_intent: piId } = ctx.emulator.pay(s.id);
    const r1 = await ctx.stripe.refunds.create({ payment_intent: piId, amount: 1500, reason: 'requested_by_customer', metadata: { reservation_id: 'res_123' } });
    assert.match(r1.id, /^re_/);
    assert.equal(r1.object, 'refund');
    assert.equal(r1.status, 'succeeded');
    assert.equal(r1.amount, 1500);
    assert.equal(r1.payment_intent, piId);
    assert.equal(r1.reason, 'requested_by_customer');
    assert.deepEqual(r1.metadata, { reservation_id: 'res_123' });

    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, amount: 4000 }), (err) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'charge_already_refunded');
      return true;
    });
    const r2 = await ctx.stripe.refunds.create({ payment_intent: piId }); // the rest
    assert.equal(r2.amount, 3500);
    const pi = await ctx.stripe.paymentIntents.retrieve(piId);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.amount_refunded, 5000);
    assert.equal(charge.refunded, true);
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, amount: 1 }), (err) => err.code === 'charge_already_refunded');

    const list = await ctx.stripe.refunds.list({ payment_intent: piId });
    assert.deepEqual(list.data.map((r) => r.id), [r2.id, r1.id]);
    assert.equal((await ctx.stripe.refunds.retrieve(r1.id)).amount, 1500);

    const events = (await ctx.stripe.events.list({ limit: 100 })).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ['checkout.session.completed', 'charge.refunded', 'refund.created', 'charge.refunded', 'refund.created']);
    assert.equal(events[1].data.object.amount_refunded, 1500);
    assert.equal(events[1].data.object.refunded, false);
    assert.equal(events[3].data.object.refunded, true);
    assert.match(events[1].request.id, /^req_/, 'API-caused events carry the request id');

    // validation
    await assert.rejects(ctx.stripe.refunds.create({}), (err) => err.code === 'parameter_missing' && err.param === 'payment_intent');
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: 'pi_nope' }), (err) => err.statusCode === 404);
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, amount: 0 }), (err) => err.param === 'amount');
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, reason: 'bored' }), (err) => err.param === 'reason');
  });

  test('events API: retrieve, list filters, expand payment_intent', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    ctx.emulator.pay(s.id);
    const list = await ctx.stripe.events.list({ type: 'checkout.session.*' });
    assert.equal(list.data.length, 1);
    const ev = await ctx.stripe.events.retrieve(list.data[0].id);
    assert.equal(ev.object, 'event');
    assert.equal(ev.livemode, false);
    assert.equal(typeof ev.api_version, 'string');
    assert.equal(ev.pending_webhooks, 0, 'no endpoint configured');
    const expanded = await ctx.stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
    assert.equal(expanded.payment_intent.object, 'payment_intent');
    const charges = await ctx.stripe.charges.list({ payment_intent: expanded.payment_intent.id });
    assert.equal(charges.data.length, 1);
    await assert.rejects(ctx.stripe.checkout.sessions.retrieve(s.id, { expand: ['nonsense'] }), (err) => err.param === 'expand');
  });
});
