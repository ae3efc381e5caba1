// Series over HTTP: one POST /v1/reservations with `starts` holds every start or none
// (a 409 names the start that was taken), opens one Checkout Session for the total,
// and is confirmed together when it is paid; one paid occurrence cancelled gets its
// own share back under the terms. Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

for (const store of STORES) {
  describe(`series (${WASM}, ${store})`, () => {
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    const series = (starts, n) => s.call('POST', '/v1/reservations', { body: { event_id: 'lesson', starts, guest: guest(n) } });
    const get = async (id) => (await s.call('GET', `/v1/reservations/${id}`)).json.reservation;

    before(async () => {
      s = await startStack({ store });
      const body = eventBody('series-ada', {
        title: 'Lesson',
        price: { amount: 4000, currency: 'eur' },
        cancellation: { refund_before_minutes: 60, refund_percent: 50 },
      });
      const put = await s.call('PUT', '/v1/events/lesson', { body, headers: s.admin });
      assert.equal(put.status, 201, put.text);
    });
    after(() => s?.stop());

    it('holds every start in one commit, one session for the total, confirmed together when paid', async () => {
      const starts = [slot(1, 9), slot(8, 9), slot(15, 9)];
      const held = await series(starts, 1);
      assert.equal(held.status, 201, held.text);
      const lead = held.json.reservation;
      assert.equal(lead.series.length, 3);
      assert.equal(lead.series[0], lead.id);
      assert.ok(held.json.checkout_url);
      const session = s.emulator.state.sessions.get(lead.checkout_session_id);
      assert.equal(session.amount_total, 3 * 4000);
      for (const [i, id] of lead.series.entries()) {
        const one = await get(id);
        assert.equal(one.start, starts[i]);
        assert.equal(one.status, 'pending_payment');
        assert.equal(one.series_id, lead.series_id);
      }
      s.emulator.pay(lead.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      for (const id of lead.series) assert.equal((await get(id)).status, 'confirmed');

      // One occurrence cancelled well ahead: its own price comes back; the others stand.
      const cancelled = await s.call('DELETE', `/v1/reservations/${lead.series[1]}`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.json.reservation.status, 'refunded');
      assert.deepEqual(cancelled.json.reservation.refund, { amount: 4000, currency: 'eur' }); // its own price, not the series'
      const refunds = [...s.emulator.state.refunds.values()].filter((r) => r.payment_intent === session.payment_intent);
      assert.deepEqual(refunds.map((r) => r.amount), [4000]);
      assert.equal((await get(lead.series[0])).status, 'confirmed');
      assert.equal((await get(lead.series[2])).status, 'confirmed');
    });

    it('a taken start refuses the whole series, naming it; the other starts stay free', async () => {
      const starts = [slot(2, 10), slot(9, 10)];
      const single = await s.call('POST', '/v1/reservations', { body: { event_id: 'lesson', start: starts[1], guest: guest(2) } });
      assert.equal(single.status, 201, single.text);
      const refused = await series(starts, 3);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.json.error.code, 'slot_unavailable');
      assert.ok(refused.json.error.message.includes(`starts[1] (${starts[1]})`), refused.text);
      const first = await s.call('POST', '/v1/reservations', { body: { event_id: 'lesson', start: starts[0], guest: guest(4) } });
      assert.equal(first.status, 201, 'nothing of the refused series was held');
    });

    it('a series and single holds racing for one of its starts: one wins the start, the series is whole or absent', async () => {
      const starts = [slot(3, 11), slot(10, 11), slot(17, 11)];
      const answers = await Promise.all([
        series(starts, 5),
        ...Array.from({ length: 6 }, (_, i) =>
          s.call('POST', '/v1/reservations', { body: { event_id: 'lesson', start: starts[1], guest: guest(10 + i) } })),
      ]);
      const won = answers.filter((r) => r.status === 201);
      assert.equal(won.length, 1, answers.map((r) => r.status).join(','));
      for (const r of answers) if (r.status !== 201) assert.equal(r.json.error.code, 'slot_unavailable', r.text);
      const slots = await s.call('GET', `/v1/events/lesson/slots?from=${starts[2]}&to=${slot(17, 12)}`);
      const seriesWon = answers[0].status === 201;
      assert.equal(slots.json.slots[0].available, !seriesWon, 'the last start is held exactly when the series won');
    });

    it('refuses malformed starts by name', async () => {
      const one = await series([slot(4, 9)], 20);
      assert.equal(one.status, 422);
      assert.match(one.json.error.message, /^starts must be a list of 2 to 12/);
      const backwards = await series([slot(5, 9), slot(4, 9)], 21);
      assert.equal(backwards.status, 422);
      assert.equal(backwards.json.error.message, 'starts[1] must come after the start before it');
    });
  });
}
