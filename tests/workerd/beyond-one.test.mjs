// Bookings beyond one slot of one expert, in workerd on D1 and on one Durable Object:
// a prepaid pack bought through the emulator's Checkout and spent on a booking, a
// collective meeting that takes every member's time, a round-robin pool, a series held
// in one commit and a per-day cap; and the Worker with a Durable Object per expert
// refusing pools and packs, which need one store for every member.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROBE, STORES, eventBody, reservationBody, slot, startEmulator, startWebhookTap, startWorker } from './helpers.mjs';

const packs = [{ sessions: 3, price: { amount: 12000, currency: 'eur' }, valid_days: 30 }];

for (const store of STORES) {
  describe(`beyond one slot of one expert (${store})`, () => {
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
    const put = async (id, body) => {
      const r = await w.request('PUT', `/v1/events/${id}`, { admin: true, body });
      assert.equal(r.status, 201, r.text);
    };

    test('a pack bought through Checkout pays for a booking with a credit', async () => {
      await put('coach', eventBody('pack-ada', { packs }));
      const bought = await w.request('POST', '/v1/packs', { body: { event_id: 'coach', sessions: 3, guest: { email: 'p@example.com', name: 'P' } } });
      assert.equal(bought.status, 201, bought.text);
      const { id, checkout_url } = bought.body.pack;
      const sid = checkout_url.slice(checkout_url.lastIndexOf('/') + 1);
      const paid = await fetch(`${stripe.url}/v1/test_helpers/checkout/sessions/${sid}/pay`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_workerd', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'method=card',
      });
      assert.equal(paid.status, 200, await paid.clone().text());
      await stripe.emulator.webhooks.idle();
      const pack = (await w.request('GET', `/v1/packs/${id}`)).body.pack;
      assert.equal(pack.status, 'active');
      const booked = await w.request('POST', '/v1/reservations', { body: { ...reservationBody('coach', slot(3, 9), 1), guest: { email: 'p@example.com', name: 'P' }, pack_id: id } });
      assert.equal(booked.status, 201, booked.text);
      assert.equal(booked.body.reservation.status, 'confirmed');
      assert.equal((await w.request('GET', `/v1/packs/${id}`)).body.pack.credits_left, 2);
    });

    test('a collective meeting takes every member, a round-robin pool gives each start to one', async () => {
      await put('meet', eventBody('team-a', { pool: { experts: ['team-a', 'team-b'], assign: 'all' } }));
      await put('b-own', eventBody('team-b'));
      const meeting = await w.request('POST', '/v1/reservations', { body: reservationBody('meet', slot(4, 9), 1) });
      assert.equal(meeting.status, 201, meeting.text);
      assert.deepEqual(meeting.body.reservation.team, ['team-b']);
      const own = await w.request('POST', '/v1/reservations', { body: reservationBody('b-own', slot(4, 9), 2) });
      assert.equal(own.body.error?.code, 'slot_unavailable', own.text);

      await put('rr', eventBody('rr-a', { pool: { experts: ['rr-a', 'rr-b'], assign: 'round_robin' } }));
      const first = await w.request('POST', '/v1/reservations', { body: reservationBody('rr', slot(5, 9), 3) });
      const second = await w.request('POST', '/v1/reservations', { body: reservationBody('rr', slot(5, 9), 4) });
      assert.equal(first.status, 201, first.text);
      assert.equal(second.status, 201, second.text);
      assert.notEqual(first.body.reservation.expert_id, second.body.reservation.expert_id);
      const third = await w.request('POST', '/v1/reservations', { body: reservationBody('rr', slot(5, 9), 5) });
      assert.equal(third.body.error?.code, 'slot_unavailable', third.text);
    });

    test('a series is held whole; a per-day cap refuses the day\'s next booking', async () => {
      await put('weekly', eventBody('series-ada'));
      const starts = [slot(6, 9), slot(13, 9)];
      const series = await w.request('POST', '/v1/reservations', { body: { event_id: 'weekly', starts, guest: { email: 's@example.com', name: 'S' } } });
      assert.equal(series.status, 201, series.text);
      assert.equal(series.body.reservation.series.length, 2);
      await put('capped', eventBody('cap-ada', { limits: { per_day: 1 } }));
      assert.equal((await w.request('POST', '/v1/reservations', { body: reservationBody('capped', slot(7, 9), 6) })).status, 201);
      const full = await w.request('POST', '/v1/reservations', { body: reservationBody('capped', slot(7, 11), 7) });
      assert.equal(full.body.error?.code, 'booking_cap_reached', full.text);
    });
  });
}

describe('a Durable Object per expert refuses what needs one store for every member', () => {
  let w;
  before(async () => {
    w = await startWorker({ store: 'durable_object', script: PROBE, bindings: { SLOTGUARD_DO_MODE: 'per-expert' } });
  });
  after(async () => w?.close());

  test('pools and packs: 422 with their codes', async () => {
    const pool = await w.request('PUT', '/v1/events/px-pool', { admin: true, body: eventBody('px-a', { pool: { experts: ['px-a', 'px-b'], assign: 'all' } }) });
    assert.equal(pool.status, 422, pool.text);
    assert.equal(pool.body.error.code, 'pool_needs_shared_store');
    const pack = await w.request('PUT', '/v1/events/px-pack', { admin: true, body: eventBody('px-a', { packs }) });
    assert.equal(pack.status, 422, pack.text);
    assert.equal(pack.body.error.code, 'packs_need_shared_store');
  });
});
