// A paid session whose webhooks never arrive, in workerd: the emulator has no endpoint
// to deliver to, the guest pays, and the Worker's sweep (the admin route the cron
// calls) lists Stripe's events and confirms the booking. On D1, on one Durable Object,
// and with an object per expert (each object lists the events and applies only its own).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES, eventBody, reservationBody, slot, startEmulator, startWorker } from './helpers.mjs';

const SETUPS = [...STORES.map((store) => ({ store, bindings: {} })),
  { store: 'durable_object', bindings: { SLOTGUARD_DO_MODE: 'per-expert' } }];

for (const { store, bindings } of SETUPS) {
  const name = bindings.SLOTGUARD_DO_MODE ? `${store}, per expert` : store;
  describe(`webhooks that never arrive (${name})`, () => {
    let w;
    let stripe;
    before(async () => {
      stripe = await startEmulator();
      stripe.emulator.setWebhookEndpoint(null);  // nothing is ever delivered
      w = await startWorker({ store, stripeBase: stripe.url, bindings });
    });
    after(async () => {
      await stripe?.emulator.stop();
      await w?.close();
    });

    test('the sweep confirms a paid booking from Stripe\'s events, once', async () => {
      for (const expert of ['expert-a', 'expert-b']) {
        const put = await w.request('PUT', `/v1/events/${expert}-call`, { admin: true, body: eventBody(expert) });
        assert.equal(put.status, 201, put.text);
      }
      const paid = await w.request('POST', '/v1/reservations', { body: reservationBody('expert-a-call', slot(8, 9), 1) });
      const other = await w.request('POST', '/v1/reservations', { body: reservationBody('expert-b-call', slot(8, 9), 2) });
      assert.equal(paid.status, 201, paid.text);
      assert.equal(other.status, 201, other.text);
      stripe.emulator.pay(paid.body.reservation.checkout_session_id, { method: 'card' });

      const sweep = await w.request('POST', '/v1/maintenance/sweep', { admin: true });
      assert.equal(sweep.status, 200, sweep.text);
      const got = await w.request('GET', `/v1/reservations/${paid.body.reservation.id}`);
      assert.equal(got.body.reservation.status, 'confirmed', got.text);
      const untouched = await w.request('GET', `/v1/reservations/${other.body.reservation.id}`);
      assert.equal(untouched.body.reservation.status, 'pending_payment', untouched.text);
      const metrics = await w.request('GET', '/metrics', { admin: true });
      assert.match(metrics.text, /slotguard_reconciled_total\{source="events",outcome="confirmed"\} 1/);

      const again = await w.request('POST', '/v1/maintenance/sweep', { admin: true });
      assert.equal(again.status, 200, again.text);
      const after2 = await w.request('GET', '/metrics', { admin: true });
      assert.match(after2.text, /slotguard_reconciled_total\{source="events",outcome="confirmed"\} 1/);
      assert.equal(stripe.emulator.stats().api_calls.by_route['POST /v1/refunds'] ?? 0, 0, 'nothing was refunded');
    });
  });
}
