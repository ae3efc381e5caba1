// Booking caps over HTTP: an event type's limits.per_day and the expert's per_week (in
// the availability document) refuse the next hold with booking_cap_reached, /slots
// marks the full day's starts unavailable, a cancelled hold frees its place, and many
// guests racing for a day's last places never pass the cap. Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

for (const store of STORES) {
  describe(`booking caps (${WASM}, ${store})`, () => {
    // A Monday well ahead, so every day of its ISO week is bookable.
    const now = Date.now();
    const monday = Math.floor(now / DAY) * DAY + ((8 - new Date(now).getUTCDay()) % 7 || 7) * DAY;
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    const hold = (event_id, start, n) => s.call('POST', '/v1/reservations', { body: { event_id, start, guest: guest(n) } });
    const freeStarts = async (event, day) => {
      const r = await s.call('GET', `/v1/events/${event}/slots?from=${iso(day)}&to=${iso(day + DAY)}`);
      assert.equal(r.status, 200, r.text);
      return r.json.slots.filter((x) => x.available).map((x) => x.start);
    };

    before(async () => {
      s = await startStack({ store });
      const capped = eventBody('capped', { expert_id: 'cap-ada', limits: { per_day: 2 } });
      const put = await s.call('PUT', '/v1/events/capped', { body: capped, headers: s.admin });
      assert.equal(put.status, 201, put.text);
      assert.deepEqual(put.json.event.limits, { per_day: 2 });
      const plain = eventBody('weekly', { expert_id: 'cap-bob' });
      assert.equal((await s.call('PUT', '/v1/events/weekly', { body: plain, headers: s.admin })).status, 201);
      const hours = { time_zone: 'UTC', weekly: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']], wed: [['08:00', '18:00']] }, limits: { per_week: 2 } };
      const avail = await s.call('PUT', '/v1/experts/cap-bob/availability', { body: hours, headers: s.admin });
      assert.equal(avail.status, 201, avail.text);
    });
    after(() => s?.stop());

    it('the day\'s third hold is refused by name, /slots shows the day full, a cancel frees a place', async () => {
      const day = monday + DAY;
      const a = await hold('capped', iso(day + 9 * 3600e3), 1);
      const b = await hold('capped', iso(day + 10 * 3600e3), 2);
      assert.equal(a.status, 201, a.text);
      assert.equal(b.status, 201, b.text);
      const third = await hold('capped', iso(day + 11 * 3600e3), 3);
      assert.equal(third.status, 409, third.text);
      assert.equal(third.json.error.code, 'booking_cap_reached');
      assert.deepEqual(await freeStarts('capped', day), []);
      assert.ok((await freeStarts('capped', day + DAY)).length > 0);
      const cancel = await s.call('DELETE', `/v1/reservations/${a.json.reservation.id}`);
      assert.equal(cancel.status, 200, cancel.text);
      assert.equal((await hold('capped', iso(day + 11 * 3600e3), 3)).status, 201);
    });

    it('the expert\'s per_week counts across days of the ISO week', async () => {
      assert.equal((await hold('weekly', iso(monday + 9 * 3600e3), 4)).status, 201);
      assert.equal((await hold('weekly', iso(monday + DAY + 9 * 3600e3), 5)).status, 201);
      const full = await hold('weekly', iso(monday + 2 * DAY + 9 * 3600e3), 6);
      assert.equal(full.json?.error?.code, 'booking_cap_reached', full.text);
      assert.match(full.json.error.message, /per_week/);
      // The next ISO week is open.
      assert.equal((await hold('weekly', iso(monday + 7 * DAY + 9 * 3600e3), 6)).status, 201);
    });

    it('twelve guests racing for a capped day: exactly two win', async () => {
      const day = monday + 3 * DAY;
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        hold('capped', iso(day + (6 + i) * 3600e3), 20 + i)));
      const won = answers.filter((r) => r.status === 201).length;
      const refused = answers.filter((r) => r.json?.error?.code === 'booking_cap_reached').length;
      assert.equal(won, 2, answers.map((r) => r.status).join(','));
      assert.equal(refused, 10, answers.map((r) => r.text).join('\n'));
    });

    it('a malformed limit is a 422 naming the field', async () => {
      const bad = await s.call('PUT', '/v1/events/capped', { body: eventBody('capped', { expert_id: 'cap-ada', limits: { per_day: 0 } }), headers: s.admin });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.error.message, 'limits.per_day must be an integer from 1 to 1000');
    });
  });
}
