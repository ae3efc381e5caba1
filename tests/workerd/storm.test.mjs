// The 500-request storm in workerd: 500 concurrent POST /v1/reservations for ONE slot
// on one isolate (one module instance) -> exactly one 201 and 499 409, and exactly
// one Checkout Session created at the emulator (losers never reach Stripe).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES, eventBody, reservationBody, slot, startEmulator, startWorker } from './helpers.mjs';

const N = 500;

for (const store of STORES) {
  describe(`storm (${store})`, () => {
    let w;
    let stripe;
    before(async () => {
      stripe = await startEmulator();
      w = await startWorker({ store, stripeBase: stripe.url, bindings: { SLOTGUARD_LOG_LEVEL: 'warn' } });
      const put = await w.request('PUT', '/v1/events/storm', { admin: true, body: eventBody('expert-storm') });
      assert.equal(put.status, 201);
    });
    after(async () => {
      await w?.close();
      await stripe?.emulator.stop();
    });

    test(`${N} concurrent reservations for one slot: one 201, ${N - 1} 409, one Checkout Session`, async () => {
      stripe.emulator.reset();
      const start = slot(7, 9);
      const results = await Promise.all(
        Array.from({ length: N }, (_, n) => w.request('POST', '/v1/reservations', { body: reservationBody('storm', start, n) })),
      );
      const byStatus = {};
      for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      assert.deepEqual(byStatus, { 201: 1, 409: N - 1 }, JSON.stringify(results.find((r) => r.status !== 201 && r.status !== 409)?.text));
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'slot_unavailable'));
      const stats = stripe.emulator.stats();
      assert.equal(stats.api_calls.by_route['POST /v1/checkout/sessions'], 1);
      assert.equal(stats.sessions.total, 1);
      const winner = results.find((r) => r.status === 201).body.reservation;
      const got = await w.request('GET', `/v1/reservations/${winner.id}`);
      assert.equal(got.body.reservation.status, 'pending_payment');
      // One isolate served all of them on one module instance, without a trap.
      assert.ok(!w.logs.some((l) => l.event === 'instance_trapped'));
    });
  });
}
