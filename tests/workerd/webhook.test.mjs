// A payment round trip in workerd: the guest pays at the emulator (test helper), the
// emulator delivers the signed checkout.session.completed to the Worker (through a tap
// that forwards the exact bytes and Stripe-Signature and records the answer), the
// reservation is confirmed; a duplicate delivery changes nothing and says so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES, eventBody, reservationBody, slot, startEmulator, startWebhookTap, startWorker } from './helpers.mjs';

for (const store of STORES) {
  describe(`webhook round trip (${store})`, () => {
    let w;
    let stripe;
    let tap;
    before(async () => {
      stripe = await startEmulator();
      w = await startWorker({ store, stripeBase: stripe.url });
      tap = await startWebhookTap(new URL('/v1/stripe/webhook', w.url).href);
      stripe.emulator.setWebhookEndpoint(tap.url);
    });
    after(async () => {
      await stripe?.emulator.stop();
      await tap?.close();
      await w?.close();
    });

    test('pay -> signed webhook -> confirmed; duplicates are recognised', async () => {
      assert.equal((await w.request('PUT', '/v1/events/paid', { admin: true, body: eventBody('expert-paid') })).status, 201);
      const made = await w.request('POST', '/v1/reservations', { body: reservationBody('paid', slot(8, 9), 1) });
      assert.equal(made.status, 201, made.text);
      const { id, checkout_session_id: sid } = made.body.reservation;

      const paid = await fetch(`${stripe.url}/v1/test_helpers/checkout/sessions/${sid}/pay`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_workerd', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'method=card',
      });
      assert.equal(paid.status, 200, await paid.clone().text());
      await stripe.emulator.webhooks.idle();

      const completed = tap.deliveries.filter((d) => d.event?.type === 'checkout.session.completed');
      assert.equal(completed.length, 1);
      const first = completed[0];
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(JSON.parse(first.text), { received: true, outcome: JSON.parse(first.text).outcome, duplicate: false });
      const log = stripe.emulator.eventLog().find((e) => e.id === first.event.id);
      assert.equal(log.delivery.status, 'succeeded');

      const confirmed = await w.request('GET', `/v1/reservations/${id}`);
      assert.equal(confirmed.body.reservation.status, 'confirmed', confirmed.text);
      const pi = confirmed.body.reservation.payment_intent_id;
      assert.match(pi, /^pi_/);

      // The same delivery again: exact body, exact Stripe-Signature.
      const again = await w.request('POST', '/v1/stripe/webhook', {
        body: new Uint8Array(first.raw),
        headers: { 'content-type': 'application/json', 'stripe-signature': first.signature },
      });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.duplicate, true, again.text);

      // And a redelivery by the emulator (fresh signature, same event).
      await stripe.emulator.webhooks.redeliver(first.event.id);
      await stripe.emulator.webhooks.idle();
      const redelivered = tap.deliveries.filter((d) => d.event?.id === first.event.id);
      assert.equal(redelivered.length, 2);
      assert.equal(redelivered[1].status, 200);
      assert.equal(JSON.parse(redelivered[1].text).duplicate, true);

      const still = await w.request('GET', `/v1/reservations/${id}`);
      assert.equal(still.body.reservation.status, 'confirmed');
      assert.equal(still.body.reservation.payment_intent_id, pi);

      // A tampered body is refused and changes nothing.
      const tampered = Buffer.from(first.raw.toString('utf8').replace('"livemode": false', '"livemode": true '));
      const bad = await w.request('POST', '/v1/stripe/webhook', { body: new Uint8Array(tampered), headers: { 'stripe-signature': first.signature } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_signature');
    });
  });
}
