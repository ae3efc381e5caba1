// Marketplace payments through the Node host and the Stripe emulator: an expert paid
// through a Stripe Connect account. The PUT asks Stripe about the account; an account
// still onboarding refuses holds (422), an onboarded one takes them as destination
// charges: the emulator transfers the payment to the expert and takes the platform's
// fee. A cancellation refund under a 50 % tier reverses half the transfer and refunds
// half the fee, so the guest, the expert and the platform each end with their share.
// Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;

for (const store of STORES) {
  describe(`Connect destination charges (${WASM}, ${store})`, () => {
    const base = Math.floor(Date.now() / DAY) * DAY + DAY;
    let offset = 0;
    const clock = () => base + 8 * 3600 * 1000 + offset + (Date.now() % 1000);
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    let account;
    const payouts = (body) => s.call('PUT', '/v1/experts/market/payouts', { body, headers: s.admin });
    const startOn = (day) => new Date(base + day * DAY + 9 * 3600 * 1000).toISOString().replace('.000Z', 'Z');

    before(async () => {
      s = await startStack({ clock, store });
      const made = await fetch(`${s.emulatorUrl}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_conformance', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'type=express&country=PT',
      });
      assert.equal(made.status, 200, await made.clone().text());
      account = (await made.json()).id;
      const body = eventBody('market', {
        price: { amount: 10001, currency: 'eur' },
        payment_method_types: ['card'],
        cancellation: { tiers: [{ before_minutes: 2880, refund_percent: 100 }, { before_minutes: 60, refund_percent: 50 }] },
      });
      const put = await s.call('PUT', '/v1/events/market', { body, headers: s.admin });
      assert.equal(put.status, 201, put.text);
    });
    after(() => s?.stop());

    it('an account still onboarding refuses holds; once onboarded, holds are destination charges', async () => {
      const set = await payouts({ stripe_account: account, platform_fee: { percent: 15 } });
      assert.equal(set.status, 201, set.text);
      assert.equal(set.json.payouts.charges_enabled, false);
      const refused = await s.call('POST', '/v1/reservations', { body: { event_id: 'market', start: startOn(2), guest: guest(1) } });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.json.error.code, 'expert_cannot_accept_payments');

      s.emulator.setAccountOnboarding(account);
      assert.equal((await payouts({ stripe_account: account, platform_fee: { percent: 15 } })).json.payouts.charges_enabled, true);
      const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'market', start: startOn(2), guest: guest(1) } });
      assert.equal(held.status, 201, held.text);
      s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const got = (await s.call('GET', `/v1/reservations/${held.json.reservation.id}`)).json.reservation;
      assert.equal(got.status, 'confirmed');
      const pi = s.emulator.state.paymentIntents.get(got.payment_intent_id);
      assert.equal(pi.transfer_data?.destination, account);
      assert.equal(pi.application_fee_amount, 1500);  // 15 % of 10001, rounded down
      const transfer = [...s.emulator.state.transfers.values()].find((t) => t.destination === account);
      assert.equal(transfer?.amount, 10001);
      const fee = [...s.emulator.state.applicationFees.values()].find((f) => f.account === account);
      assert.equal(fee?.amount, 1500);
    });

    it('a 50 % cancellation refund reverses half the transfer and refunds half the fee', async () => {
      const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'market', start: startOn(3), guest: guest(2) } });
      assert.equal(held.status, 201, held.text);
      s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const id = held.json.reservation.id;
      const pi = (await s.call('GET', `/v1/reservations/${id}`)).json.reservation.payment_intent_id;
      offset += 3 * DAY - 2 * 3600 * 1000;  // two hours before the start: the 50 % tier
      const cancelled = await s.call('DELETE', `/v1/reservations/${id}`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.json.reservation.refund.amount, 5000);
      const charge = [...s.emulator.state.charges.values()].find((c) => c.payment_intent === pi);
      const transfer = s.emulator.state.transfers.get(charge.transfer);
      const fee = s.emulator.state.applicationFees.get(charge.application_fee);
      assert.equal(transfer.amount_reversed, Math.floor((10001 * 5000) / 10001));
      assert.equal(fee.amount_refunded, Math.floor((1500 * 5000) / 10001));
      // The guest got 5000 back; the expert keeps 10001 - 5000 - (1500 - 749) and the
      // platform its fee less the refunded share: nobody keeps what the guest got back.
      assert.equal(charge.amount_refunded, 5000);
    });

    it('payouts are admin-only, and refused when not understood', async () => {
      assert.equal((await s.call('GET', '/v1/experts/market/payouts')).status, 401);
      const bad = await payouts({ stripe_account: account, platform_fee: { percent: 15, amount: 1 } });
      assert.equal(bad.status, 422, bad.text);
      assert.equal((await s.call('DELETE', '/v1/experts/market/payouts', { headers: s.admin })).status, 200);
      assert.equal((await s.call('GET', '/v1/experts/market/payouts', { headers: s.admin })).status, 404);
    });
  });
}
