// Manual capture through the official SDK: a card payment of a session with
// payment_intent_data[capture_method]=manual only authorizes; capture, cancel,
// the refusals of both, the 7-day expiry on a moved clock, and idempotent retries.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, sessionParams, manualClock, postForm, expectStripeError } from './helpers.mjs';

const DAY_MS = 24 * 3600 * 1000;
const manualParams = (overrides = {}) =>
  sessionParams({
    payment_method_types: ['card'],
    payment_intent_data: { capture_method: 'manual', metadata: { reservation_id: 'res_123' } },
    ...overrides,
  });

/** Event types oldest first, optionally after an event id. */
async function eventTypes(stripe) {
  const events = await stripe.events.list({ limit: 100 });
  return events.data.map((e) => e.type).reverse();
}


describe('manual capture', () => {
  let ctx;
  let clock;
  before(async () => {
    clock = manualClock();
    ctx = await startEmulator({ clock, autoExpire: false });
  });
  beforeEach(() => ctx.emulator.reset());
  after(() => ctx.emulator.stop());

  async function authorized(overrides) {
    const s = await ctx.stripe.checkout.sessions.create(manualParams(overrides));
    const paid = ctx.emulator.pay(s.id);
    return { session: paid, piId: paid.payment_intent };
  }

  test('paying a manual-capture session authorizes only', async () => {
    const { session, piId } = await authorized();
    assert.equal(session.status, 'complete');
    assert.equal(session.payment_status, 'unpaid');
    const pi = await ctx.stripe.paymentIntents.retrieve(piId);
    assert.equal(pi.status, 'requires_capture');
    assert.equal(pi.capture_method, 'manual');
    assert.equal(pi.amount_capturable, 5000);
    assert.equal(pi.amount_received, 0);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.captured, false);
    assert.equal(charge.amount_captured, 0);
    assert.equal(charge.amount, 5000);
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.payment_method_details.card.capture_before, charge.created + 7 * 24 * 3600);
    assert.deepEqual(await eventTypes(ctx.stripe), ['checkout.session.completed', 'payment_intent.amount_capturable_updated']);
    const events = await ctx.stripe.events.list({ type: 'checkout.session.completed' });
    assert.equal(events.data[0].data.object.payment_status, 'unpaid');
    const capturable = await ctx.stripe.events.list({ type: 'payment_intent.amount_capturable_updated' });
    assert.equal(capturable.data[0].data.object.amount_capturable, 5000);
    const page = await (await fetch(`${ctx.url}/pay/${session.id}`)).text();
    assert.match(page, /payment pending \(card authorized, awaiting capture\)/);
  });

  test('capture_method automatic keeps paying at once; unknown methods are refused', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams({ payment_intent_data: { capture_method: 'automatic' } }));
    const pi = await ctx.stripe.paymentIntents.retrieve(ctx.emulator.pay(s.id).payment_intent);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.capture_method, 'automatic');
    await assert.rejects(
      ctx.stripe.checkout.sessions.create(sessionParams({ payment_intent_data: { capture_method: 'later' } })),
      expectStripeError(400, undefined, 'payment_intent_data[capture_method]'),
    );
  });

  test('multibanco cannot be captured later: refused when asked for, dropped from the defaults', async () => {
    await assert.rejects(
      ctx.stripe.checkout.sessions.create(manualParams({ payment_method_types: ['card', 'multibanco'] })),
      expectStripeError(400, undefined, 'payment_method_types'),
    );
    const other = await startEmulator({ defaultPaymentMethodTypes: ['card', 'multibanco'] });
    try {
      const s = await other.stripe.checkout.sessions.create(manualParams({ payment_method_types: undefined }));
      assert.deepEqual(s.payment_method_types, ['card']);
    } finally {
      await other.emulator.stop();
    }
  });

  test('capture: the PaymentIntent succeeds, the charge is captured, the session reads paid', async () => {
    const { session, piId } = await authorized();
    const pi = await ctx.stripe.paymentIntents.capture(piId, {}, { idempotencyKey: 'cap-1' });
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 5000);
    assert.equal(pi.amount_capturable, 0);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.captured, true);
    assert.equal(charge.amount_captured, 5000);
    assert.equal(charge.amount_refunded, 0);
    assert.equal((await ctx.stripe.checkout.sessions.retrieve(session.id)).payment_status, 'paid');
    const types = await eventTypes(ctx.stripe);
    assert.deepEqual(types.slice(2), ['charge.captured', 'payment_intent.succeeded']);
    const succeeded = (await ctx.stripe.events.list({ type: 'payment_intent.succeeded' })).data[0];
    assert.equal(succeeded.request.idempotency_key, 'cap-1');
    assert.equal(succeeded.request.id, pi.lastResponse.requestId);
  });

  test('capturing twice, or a PaymentIntent not in requires_capture, is payment_intent_unexpected_state', async () => {
    const { piId } = await authorized();
    await ctx.stripe.paymentIntents.capture(piId);
    await assert.rejects(ctx.stripe.paymentIntents.capture(piId), (err) => {
      expectStripeError(400, 'payment_intent_unexpected_state')(err);
      assert.match(err.message, /could not be captured because it has already been captured/);
      assert.equal(err.raw.payment_intent.id, piId);
      assert.equal(err.raw.payment_intent.status, 'succeeded');
      return true;
    });
    const auto = await ctx.stripe.checkout.sessions.create(sessionParams());
    const autoPi = ctx.emulator.pay(auto.id).payment_intent;
    await assert.rejects(ctx.stripe.paymentIntents.capture(autoPi), expectStripeError(400, 'payment_intent_unexpected_state'));
    await assert.rejects(ctx.stripe.paymentIntents.capture('pi_missing'), expectStripeError(404, 'resource_missing'));
  });

  test('partial capture releases the rest; the refundable amount is what was captured', async () => {
    const { piId } = await authorized();
    await assert.rejects(
      ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 5001 }),
      expectStripeError(400, 'amount_too_large', 'amount_to_capture'),
    );
    const pi = await ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 3000 });
    assert.equal(pi.amount_received, 3000);
    assert.equal(pi.amount_capturable, 0);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.amount_captured, 3000);
    assert.equal(charge.amount_refunded, 2000);
    assert.equal(charge.refunded, false);
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, amount: 3001 }), expectStripeError(400, 'charge_already_refunded', 'amount'));
    const refund = await ctx.stripe.refunds.create({ payment_intent: piId });
    assert.equal(refund.amount, 3000);
    assert.equal((await ctx.stripe.charges.retrieve(pi.latest_charge)).refunded, true);
  });

  test('cancel releases the authorization; canceling twice or a succeeded PaymentIntent is refused', async () => {
    const { piId } = await authorized();
    await assert.rejects(
      ctx.stripe.paymentIntents.cancel(piId, { cancellation_reason: 'automatic' }),
      expectStripeError(400, undefined, 'cancellation_reason'),
    );
    const pi = await ctx.stripe.paymentIntents.cancel(piId, { cancellation_reason: 'requested_by_customer' });
    assert.equal(pi.status, 'canceled');
    assert.equal(pi.cancellation_reason, 'requested_by_customer');
    assert.equal(pi.amount_capturable, 0);
    assert.equal(pi.canceled_at, clock.nowSeconds());
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.captured, false);
    assert.equal(charge.refunded, true);
    assert.equal(charge.amount_refunded, 5000);
    assert.equal((await ctx.stripe.refunds.list()).data.length, 0, 'releasing an authorization creates no Refund');
    assert.deepEqual((await eventTypes(ctx.stripe)).slice(2), ['payment_intent.canceled']);
    await assert.rejects(ctx.stripe.paymentIntents.cancel(piId), (err) => {
      expectStripeError(400, 'payment_intent_unexpected_state')(err);
      assert.match(err.message, /You cannot cancel this PaymentIntent because it has a status of canceled/);
      return true;
    });
    await assert.rejects(ctx.stripe.paymentIntents.capture(piId), expectStripeError(400, 'payment_intent_unexpected_state'));
    const auto = await ctx.stripe.checkout.sessions.create(sessionParams());
    const autoPi = ctx.emulator.pay(auto.id).payment_intent;
    await assert.rejects(ctx.stripe.paymentIntents.cancel(autoPi), expectStripeError(400, 'payment_intent_unexpected_state'));
  });

  test('a pending Multibanco PaymentIntent can be canceled too', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const piId = ctx.emulator.pay(s.id, { method: 'multibanco' }).payment_intent;
    const pi = await ctx.stripe.paymentIntents.cancel(piId, { cancellation_reason: 'abandoned' });
    assert.equal(pi.status, 'canceled');
    assert.equal(pi.next_action, null);
  });

  test('refunding an uncaptured payment is refused (cancel it instead)', async () => {
    const { piId } = await authorized();
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId }), (err) => {
      expectStripeError(400, 'payment_intent_unexpected_state', 'payment_intent')(err);
      assert.match(err.message, /has not been captured/);
      return true;
    });
    const pi = await ctx.stripe.paymentIntents.retrieve(piId);
    await assert.rejects(ctx.stripe.refunds.create({ charge: pi.latest_charge }), expectStripeError(400, 'payment_intent_unexpected_state', 'charge'));
    assert.equal((await ctx.stripe.paymentIntents.retrieve(piId)).status, 'requires_capture', 'the refusal changed nothing');
  });

  test('the authorization lapses after 7 days: canceled with reason automatic when next read', async () => {
    const { piId } = await authorized();
    clock.advance(7 * DAY_MS - 1000);
    assert.equal((await ctx.stripe.paymentIntents.retrieve(piId)).status, 'requires_capture');
    clock.advance(1000);
    const pi = await ctx.stripe.paymentIntents.retrieve(piId);
    assert.equal(pi.status, 'canceled');
    assert.equal(pi.cancellation_reason, 'automatic');
    assert.equal(pi.amount_capturable, 0);
    const charge = await ctx.stripe.charges.retrieve(pi.latest_charge);
    assert.equal(charge.refunded, true);
    assert.deepEqual((await eventTypes(ctx.stripe)).slice(2), ['charge.expired', 'payment_intent.canceled']);
    const canceled = (await ctx.stripe.events.list({ type: 'payment_intent.canceled' })).data[0];
    assert.deepEqual(canceled.request, { id: null, idempotency_key: null });
    await assert.rejects(ctx.stripe.paymentIntents.capture(piId), expectStripeError(400, 'payment_intent_unexpected_state'));
  });

  test('advanceTime() expires due authorizations and counts them; captured ones stay', async () => {
    const a = await authorized();
    const b = await authorized();
    await ctx.stripe.paymentIntents.capture(b.piId);
    assert.equal(ctx.emulator.advanceTime(7 * DAY_MS), 1);
    assert.equal(ctx.emulator.state.paymentIntents.get(a.piId).status, 'canceled');
    assert.equal(ctx.emulator.state.paymentIntents.get(b.piId).status, 'succeeded');
  });

  test('capture and cancel are idempotent under a key', async () => {
    const { piId } = await authorized();
    const first = await ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 4000 }, { idempotencyKey: 'cap-k' });
    const again = await ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 4000 }, { idempotencyKey: 'cap-k' });
    assert.equal(again.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(again.amount_received, first.amount_received);
    assert.equal((await ctx.stripe.events.list({ type: 'charge.captured' })).data.length, 1);
    await assert.rejects(
      ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 1000 }, { idempotencyKey: 'cap-k' }),
      (err) => err.rawType === 'idempotency_error' && err.statusCode === 400,
    );

    const other = await authorized();
    const headers = { Authorization: 'Bearer sk_test_x', 'Idempotency-Key': 'cancel-k' };
    const r1 = await postForm(`${ctx.url}/v1/payment_intents/${other.piId}/cancel`, 'cancellation_reason=duplicate', headers);
    const r2 = await postForm(`${ctx.url}/v1/payment_intents/${other.piId}/cancel`, 'cancellation_reason=duplicate', headers);
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    assert.equal(r2.headers.get('idempotent-replayed'), 'true');
    assert.equal(await r2.text(), await r1.text());
    assert.equal((await ctx.stripe.events.list({ type: 'payment_intent.canceled' })).data.length, 1);
    // A state error is saved under its key too, as on Stripe.
    const r3 = await postForm(`${ctx.url}/v1/payment_intents/${other.piId}/cancel`, '', { ...headers, 'Idempotency-Key': 'cancel-k2' });
    const r4 = await postForm(`${ctx.url}/v1/payment_intents/${other.piId}/cancel`, '', { ...headers, 'Idempotency-Key': 'cancel-k2' });
    assert.equal(r3.status, 400);
    assert.equal(r4.headers.get('idempotent-replayed'), 'true');
  });
});
