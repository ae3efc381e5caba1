// THE STORM: 500 guests POST the same slot at the same moment. Exactly one gets it;
// 499 get 409; and Stripe sees exactly one Checkout Session, because losers are
// decided before any Stripe call. Run on the memory store and on SQLite (on PostgreSQL
// with SLOTGUARD_TEST_STORE=postgres: see support/postgres.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, slot, startStack, stripeCalls } from './support/harness.mjs';

const GUESTS = 500;

for (const store of STORES) {
  describe(`storm (${WASM}, ${store} store)`, () => {
    let s;
    before(async () => {
      s = await startStack({ store });
      assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('storm'), headers: s.admin })).status, 201);
    });
    after(() => s.stop());

    it(`${GUESTS} concurrent bookings of one slot: one 201, ${GUESTS - 1} × 409, one Stripe session`, async () => {
      const start = slot(1, 9, 0);
      const sessionsBefore = stripeCalls(s.emulator, 'POST /v1/checkout/sessions');
      const answers = await Promise.all(
        Array.from({ length: GUESTS }, (_, i) =>
          s.call('POST', '/v1/reservations', {
            body: { event_id: 'intro', start, guest: { email: `storm${i}@example.com`, name: `Storm Guest ${i}` } },
          }),
        ),
      );
      const byStatus = {};
      for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      assert.deepEqual(byStatus, { 201: 1, 409: GUESTS - 1 });
      for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.json.error.code, 'slot_unavailable');
      assert.equal(stripeCalls(s.emulator, 'POST /v1/checkout/sessions') - sessionsBefore, 1, 'exactly one session created');
      assert.equal(s.emulator.stats().sessions.total, 1);

      const winner = answers.find((a) => a.status === 201).json.reservation;
      const slots = await s.call('GET', `/v1/events/intro/slots?from=${start}&to=${slot(1, 9, 30)}`);
      assert.deepEqual(slots.json.slots.map((x) => x.available), [false]);
      assert.equal((await s.call('GET', `/v1/reservations/${winner.id}`)).json.reservation.status, 'pending_payment');
    });
  });
}
