// Collective meetings over HTTP: a pool that assigns "all" books every member at once.
// The hold takes each member's time in one commit or none; /slots shows a start free
// only while every member is; paying confirms it for all; a meeting and the members'
// own bookings racing for one time never both win. Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

for (const store of STORES) {
  describe(`collective meetings (${WASM}, ${store})`, () => {
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    const hold = (event, start, n) => s.call('POST', '/v1/reservations', { body: { event_id: event, start, guest: guest(n) } });
    const put = async (id, body) => {
      const r = await s.call('PUT', `/v1/events/${id}`, { body, headers: s.admin });
      assert.equal(r.status, 201, r.text);
    };

    before(async () => {
      s = await startStack({ store });
      await put('board', eventBody('all-ada', { pool: { experts: ['all-ada', 'all-bob', 'all-cy'], assign: 'all' } }));
      for (const m of ['all-bob', 'all-cy']) await put(`${m}-own`, eventBody(m));
    });
    after(() => s?.stop());

    it('takes every member, is paid once and confirmed for all; /slots follows every member', async () => {
      const start = slot(4, 10);
      const held = await hold('board', start, 1);
      assert.equal(held.status, 201, held.text);
      assert.equal(held.json.reservation.expert_id, 'all-ada');
      assert.deepEqual(held.json.reservation.team, ['all-bob', 'all-cy']);
      assert.equal(s.emulator.state.sessions.get(held.json.reservation.checkout_session_id).amount_total, 5000);
      for (const m of ['all-bob', 'all-cy']) assert.equal((await hold(`${m}-own`, start, 2)).json.error.code, 'slot_unavailable');
      // Cy is booked at the next start: the meeting is not offered there.
      const next = slot(4, 11);
      assert.equal((await hold('all-cy-own', next, 3)).status, 201);
      const slots = await s.call('GET', `/v1/events/board/slots?from=${start}&to=${slot(4, 12)}`);
      const free = Object.fromEntries(slots.json.slots.map((x) => [x.start, x.available]));
      assert.equal(free[start], false);
      assert.equal(free[next], false);
      assert.equal(free[slot(4, 11, 30)], true);
      s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const got = await s.call('GET', `/v1/reservations/${held.json.reservation.id}`);
      assert.equal(got.json.reservation.status, 'confirmed');
    });

    it('a meeting and the members\' own bookings racing for one time: exactly one wins', async () => {
      const start = slot(5, 9);
      const answers = await Promise.all([
        hold('board', start, 10),
        hold('all-bob-own', start, 11),
        hold('all-cy-own', start, 12),
        hold('board', start, 13),
      ]);
      const won = answers.filter((r) => r.status === 201);
      const meeting = won.some((r) => r.json.reservation.event_id === 'board');
      // Either one meeting, or the members' own bookings (one each): never both.
      if (meeting) assert.equal(won.length, 1, answers.map((r) => r.status).join(','));
      else assert.ok(won.length >= 1 && won.length <= 2, answers.map((r) => r.status).join(','));
      for (const r of answers) if (r.status !== 201) assert.equal(r.json.error.code, 'slot_unavailable', r.text);
    });
  });
}
