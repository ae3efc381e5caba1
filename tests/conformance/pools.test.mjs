// Team pools over HTTP: an event type booked with any one of its experts. Holds for
// one start go to each free member in turn, then 409; a reservation says which expert
// it got; /slots shows a start free while any member can take it; many guests racing
// for one start never get more members than the pool has. Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

for (const store of STORES) {
  describe(`team pools (${WASM}, ${store})`, () => {
    const day = Math.floor(Date.now() / DAY) * DAY + 3 * DAY;
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    const hold = (start, n) => s.call('POST', '/v1/reservations', { body: { event_id: 'team', start, guest: guest(n) } });

    before(async () => {
      s = await startStack({ store });
      const body = eventBody('pool-ada', { pool: { experts: ['pool-ada', 'pool-bob', 'pool-cy'], assign: 'round_robin' } });
      const put = await s.call('PUT', '/v1/events/team', { body, headers: s.admin });
      assert.equal(put.status, 201, put.text);
      assert.deepEqual(put.json.event.pool, { experts: ['pool-ada', 'pool-bob', 'pool-cy'], assign: 'round_robin' });
    });
    after(() => s?.stop());

    it('one start takes each member in turn, then answers 409; /slots follows', async () => {
      const start = iso(day + 10 * 3600e3);
      const experts = [];
      for (let n = 1; n <= 3; n++) {
        const r = await hold(start, n);
        assert.equal(r.status, 201, r.text);
        experts.push(r.json.reservation.expert_id);
      }
      assert.deepEqual(experts, ['pool-ada', 'pool-bob', 'pool-cy']);
      const fourth = await hold(start, 4);
      assert.equal(fourth.status, 409, fourth.text);
      assert.equal(fourth.json.error.code, 'slot_unavailable');
      const slots = await s.call('GET', `/v1/events/team/slots?from=${start}&to=${iso(day + 11 * 3600e3)}`);
      assert.deepEqual(slots.json.slots.map((x) => x.available), [false, true]);
    });

    it('twelve guests racing for one start: exactly three win, one per member', async () => {
      const start = iso(day + 14 * 3600e3);
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => hold(start, 10 + i)));
      const won = answers.filter((r) => r.status === 201);
      assert.equal(won.length, 3, answers.map((r) => r.status).join(','));
      assert.deepEqual(won.map((r) => r.json.reservation.expert_id).sort(), ['pool-ada', 'pool-bob', 'pool-cy']);
      for (const r of answers) if (r.status !== 201) assert.equal(r.json.error.code, 'slot_unavailable', r.text);
    });
  });
}
