// Connect destination charges through the official SDK: connected accounts and
// their onboarding helper, destination sessions and their refusals, the
// transfer and application fee of a captured charge, proportional reversals on
// refunds, and the refusal of the Stripe-Account header.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, sessionParams, postForm, expectStripeError } from './helpers.mjs';


describe('Connect', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator({ autoExpire: false });
  });
  beforeEach(() => ctx.emulator.reset());
  after(() => ctx.emulator.stop());

  const onboard = (id, params = {}) => ctx.stripe.rawRequest('POST', `/v1/test_helpers/accounts/${id}/onboarding`, params);

  async function enabledAccount() {
    const account = await ctx.stripe.accounts.create({ type: 'express', country: 'PT', email: 'venue@example.com' });
    await onboard(account.id);
    return account.id;
  }

  const destinationParams = (destination, pid = {}) =>
    sessionParams({
      payment_method_types: ['card'],
      payment_intent_data: { transfer_data: { destination }, application_fee_amount: 500, ...pid },
    });

  async function paidDestinationCharge(destination, pid) {
    const s = await ctx.stripe.checkout.sessions.create(destinationParams(destination, pid));
    const pi = await ctx.stripe.paymentIntents.retrieve(ctx.emulator.pay(s.id).payment_intent);
    return { pi, charge: await ctx.stripe.charges.retrieve(pi.latest_charge) };
  }

  test('accounts: create, retrieve, update with account.updated and previous_attributes', async () => {
    const account = await ctx.stripe.accounts.create({ type: 'express', country: 'pt', email: 'venue@example.com', metadata: { venue: 'v1' } });
    assert.match(account.id, /^acct_[A-Za-z0-9]{16}$/);
    assert.equal(account.object, 'account');
    assert.equal(account.type, 'express');
    assert.equal(account.country, 'PT');
    assert.equal(account.charges_enabled, false);
    assert.equal(account.payouts_enabled, false);
    assert.equal(account.details_submitted, false);
    assert.deepEqual((await ctx.stripe.accounts.retrieve(account.id)).metadata, { venue: 'v1' });
    const updated = await ctx.stripe.accounts.update(account.id, { email: 'new@example.com' });
    assert.equal(updated.email, 'new@example.com');
    const events = await ctx.stripe.events.list({ type: 'account.updated' });
    assert.equal(events.data.length, 1);
    assert.deepEqual(events.data[0].data.previous_attributes, { email: 'venue@example.com' });
    await ctx.stripe.accounts.update(account.id, { email: 'new@example.com' });
    assert.equal((await ctx.stripe.events.list({ type: 'account.updated' })).data.length, 1, 'no change, no event');
    assert.deepEqual((await ctx.stripe.accounts.list()).data.map((a) => a.id), [account.id]);
  });

  test('accounts: refusals', async () => {
    await assert.rejects(ctx.stripe.accounts.create({ type: 'premium' }), expectStripeError(400, undefined, 'type'));
    await assert.rejects(ctx.stripe.accounts.create({ country: 'PT' }), expectStripeError(400, 'parameter_missing', 'type'));
    await assert.rejects(ctx.stripe.accounts.create({ type: 'express', email: 'nope' }), expectStripeError(400, 'email_invalid', 'email'));
    await assert.rejects(ctx.stripe.accounts.create({ type: 'express', charges_enabled: true }), expectStripeError(400, 'parameter_unknown'));
    await assert.rejects(ctx.stripe.accounts.retrieve('acct_missing'), expectStripeError(404, 'resource_missing'));
    await assert.rejects(ctx.stripe.accounts.update('acct_missing', { email: 'a@b.co' }), expectStripeError(404, 'resource_missing'));
  });

  test('the onboarding helper sets charges_enabled and fires account.updated once per change', async () => {
    const account = await ctx.stripe.accounts.create({ type: 'standard' });
    const done = await onboard(account.id);
    assert.equal(done.charges_enabled, true);
    assert.equal(done.payouts_enabled, true);
    assert.equal(done.details_submitted, true);
    const event = (await ctx.stripe.events.list({ type: 'account.updated' })).data[0];
    assert.deepEqual(event.data.previous_attributes, { charges_enabled: false, payouts_enabled: false, details_submitted: false });
    assert.equal(event.data.object.charges_enabled, true);
    await onboard(account.id);
    assert.equal((await ctx.stripe.events.list({ type: 'account.updated' })).data.length, 1);
    const off = ctx.emulator.setAccountOnboarding(account.id, { charges_enabled: false });
    assert.equal(off.charges_enabled, false);
    assert.equal(off.payouts_enabled, true);
    const second = (await ctx.stripe.events.list({ type: 'account.updated' })).data[0];
    assert.deepEqual(second.data.previous_attributes, { charges_enabled: true });
    await assert.rejects(onboard(account.id, { charges_enabled: 'maybe' }), expectStripeError(400, undefined, 'charges_enabled'));
  });

  test('destination sessions: refusals of the destination and of the fee', async () => {
    const dest = 'payment_intent_data[transfer_data][destination]';
    await assert.rejects(ctx.stripe.checkout.sessions.create(destinationParams('acct_missing')), (err) => {
      expectStripeError(404, 'resource_missing', dest)(err);
      assert.equal(err.message, "No such destination: 'acct_missing'");
      return true;
    });
    const pending = await ctx.stripe.accounts.create({ type: 'express' });
    await assert.rejects(ctx.stripe.checkout.sessions.create(destinationParams(pending.id)), expectStripeError(400, 'insufficient_capabilities_for_transfer', dest));
    const ok = await enabledAccount();
    const fee = 'payment_intent_data[application_fee_amount]';
    await assert.rejects(ctx.stripe.checkout.sessions.create(destinationParams(ok, { application_fee_amount: 5001 })), expectStripeError(400, undefined, fee));
    await assert.rejects(ctx.stripe.checkout.sessions.create(destinationParams(ok, { application_fee_amount: -1 })), expectStripeError(400, 'parameter_invalid_integer', fee));
    await assert.rejects(
      ctx.stripe.checkout.sessions.create(sessionParams({ payment_intent_data: { application_fee_amount: 100 } })),
      expectStripeError(400, undefined, fee),
    );
    await assert.rejects(
      ctx.stripe.checkout.sessions.create(destinationParams(ok, { on_behalf_of: 'acct_missing' })),
      expectStripeError(404, 'resource_missing', 'payment_intent_data[on_behalf_of]'),
    );
    assert.equal((await ctx.stripe.checkout.sessions.list()).data.length, 0, 'no session was created');
  });

  test('a paid destination charge transfers the whole amount and collects the fee', async () => {
    const acct = await enabledAccount();
    const { pi, charge } = await paidDestinationCharge(acct, { on_behalf_of: acct });
    assert.deepEqual(pi.transfer_data, { destination: acct });
    assert.equal(pi.application_fee_amount, 500);
    assert.equal(pi.on_behalf_of, acct);
    assert.match(charge.transfer, /^tr_/);
    assert.match(charge.application_fee, /^fee_/);
    const transfer = await ctx.stripe.transfers.retrieve(charge.transfer);
    assert.equal(transfer.amount, 5000, 'Stripe transfers the full amount, then takes the fee back');
    assert.equal(transfer.destination, acct);
    assert.equal(transfer.source_transaction, charge.id);
    assert.equal(transfer.amount_reversed, 0);
    const fee = await ctx.stripe.applicationFees.retrieve(charge.application_fee);
    assert.equal(fee.amount, 500);
    assert.equal(fee.account, acct);
    assert.equal(fee.charge, charge.id);
    assert.deepEqual((await ctx.stripe.transfers.list({ destination: acct })).data.map((t) => t.id), [transfer.id]);
    assert.deepEqual((await ctx.stripe.applicationFees.list({ charge: charge.id })).data.map((f) => f.id), [fee.id]);
    const types = (await ctx.stripe.events.list()).data.map((e) => e.type).reverse();
    assert.deepEqual(types.slice(-3), ['transfer.created', 'application_fee.created', 'checkout.session.completed']);
    await assert.rejects(ctx.stripe.transfers.retrieve('tr_missing'), expectStripeError(404, 'resource_missing'));
  });

  test('refunds reverse the same share of the transfer and of the fee, and never more', async () => {
    const acct = await enabledAccount();
    const { pi, charge } = await paidDestinationCharge(acct, { application_fee_amount: 333 });
    const flags = { payment_intent: pi.id, reverse_transfer: true, refund_application_fee: true };
    const r1 = await ctx.stripe.refunds.create({ ...flags, amount: 1000 });
    assert.match(r1.transfer_reversal, /^trr_/);
    let transfer = await ctx.stripe.transfers.retrieve(charge.transfer);
    let fee = await ctx.stripe.applicationFees.retrieve(charge.application_fee);
    assert.equal(transfer.amount_reversed, 1000);
    assert.equal(fee.amount_refunded, 66, '333 × 1000/5000 = 66.6, rounded down');
    await ctx.stripe.refunds.create({ ...flags, amount: 1000 });
    const last = await ctx.stripe.refunds.create(flags);
    assert.equal(last.amount, 3000);
    transfer = await ctx.stripe.transfers.retrieve(charge.transfer);
    fee = await ctx.stripe.applicationFees.retrieve(charge.application_fee);
    assert.equal(transfer.amount_reversed, 5000);
    assert.equal(transfer.reversed, true);
    assert.deepEqual(transfer.reversals.data.map((r) => r.amount), [3000, 1000, 1000]);
    assert.equal(transfer.reversals.data[0].source_refund, last.id);
    assert.equal(fee.amount_refunded, 333, 'the last refund takes the rest of the fee');
    assert.equal(fee.refunded, true);
    assert.deepEqual(fee.refunds.data.map((r) => r.amount), [201, 66, 66]);
    const reversals = await ctx.stripe.transfers.listReversals(charge.transfer);
    assert.equal(reversals.data.length, 3);
    assert.equal((await ctx.stripe.events.list({ type: 'transfer.reversed' })).data.length, 3);
    assert.equal((await ctx.stripe.events.list({ type: 'application_fee.refunded' })).data.length, 3);
    await assert.rejects(ctx.stripe.refunds.create({ ...flags, amount: 1 }), expectStripeError(400, 'charge_already_refunded'));
  });

  test('without the flags a refund reverses nothing; a partial flag set reverses only its part', async () => {
    const acct = await enabledAccount();
    const { pi, charge } = await paidDestinationCharge(acct);
    const plain = await ctx.stripe.refunds.create({ payment_intent: pi.id, amount: 2000 });
    assert.equal(plain.transfer_reversal, null);
    assert.equal((await ctx.stripe.transfers.retrieve(charge.transfer)).amount_reversed, 0);
    assert.equal((await ctx.stripe.applicationFees.retrieve(charge.application_fee)).amount_refunded, 0);
    await ctx.stripe.refunds.create({ payment_intent: pi.id, amount: 1000, reverse_transfer: true });
    assert.equal((await ctx.stripe.transfers.retrieve(charge.transfer)).amount_reversed, 1000);
    assert.equal((await ctx.stripe.applicationFees.retrieve(charge.application_fee)).amount_refunded, 0);
  });

  test('reverse_transfer or refund_application_fee on a charge that is not a destination charge is refused', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const piId = ctx.emulator.pay(s.id).payment_intent;
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, reverse_transfer: true }), expectStripeError(400, undefined, 'reverse_transfer'));
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: piId, refund_application_fee: true }), expectStripeError(400, undefined, 'refund_application_fee'));
    assert.equal((await ctx.stripe.refunds.list()).data.length, 0);
  });

  test('manual capture: no transfer before the capture; the capture transfers what it captured', async () => {
    const acct = await enabledAccount();
    const s = await ctx.stripe.checkout.sessions.create(destinationParams(acct, { capture_method: 'manual' }));
    const piId = ctx.emulator.pay(s.id).payment_intent;
    const before = await ctx.stripe.paymentIntents.retrieve(piId);
    assert.equal((await ctx.stripe.charges.retrieve(before.latest_charge)).transfer, null);
    assert.equal((await ctx.stripe.transfers.list()).data.length, 0);
    await ctx.stripe.paymentIntents.capture(piId, { amount_to_capture: 3000, application_fee_amount: 200 });
    const charge = await ctx.stripe.charges.retrieve(before.latest_charge);
    assert.equal((await ctx.stripe.transfers.retrieve(charge.transfer)).amount, 3000);
    assert.equal((await ctx.stripe.applicationFees.retrieve(charge.application_fee)).amount, 200);
    await ctx.stripe.refunds.create({ payment_intent: piId, amount: 1500, reverse_transfer: true, refund_application_fee: true });
    assert.equal((await ctx.stripe.transfers.retrieve(charge.transfer)).amount_reversed, 1500);
    assert.equal((await ctx.stripe.applicationFees.retrieve(charge.application_fee)).amount_refunded, 100);
  });

  test('a retried refund under its key reverses once', async () => {
    const acct = await enabledAccount();
    const { pi, charge } = await paidDestinationCharge(acct);
    const params = { payment_intent: pi.id, amount: 2500, reverse_transfer: true, refund_application_fee: true };
    const a = await ctx.stripe.refunds.create(params, { idempotencyKey: 'rev-1' });
    const b = await ctx.stripe.refunds.create(params, { idempotencyKey: 'rev-1' });
    assert.equal(b.id, a.id);
    assert.equal(b.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal((await ctx.stripe.transfers.retrieve(charge.transfer)).amount_reversed, 2500);
    assert.equal((await ctx.stripe.applicationFees.retrieve(charge.application_fee)).amount_refunded, 250);
  });

  test('the Stripe-Account header is refused, naming the header', async () => {
    const acct = await enabledAccount();
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams(), { stripeAccount: acct }), (err) => {
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /Stripe-Account header \(acct_/);
      return true;
    });
    await assert.rejects(ctx.stripe.paymentIntents.list({}, { stripeAccount: 'acct_unknown' }), (err) => {
      assert.equal(err.statusCode, 403);
      assert.equal(err.code, 'account_invalid');
      assert.match(err.message, /Stripe-Account header/);
      return true;
    });
    const res = await postForm(`${ctx.url}/v1/accounts`, 'type=express', { Authorization: 'Bearer sk_test_x', 'Stripe-Account': acct });
    assert.equal(res.status, 400);
    assert.equal((await ctx.stripe.accounts.list()).data.length, 1, 'nothing was created');
  });
});
