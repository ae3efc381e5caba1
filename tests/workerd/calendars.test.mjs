// Calendar feeds in the Worker (workerd via miniflare), on D1 and on Durable Objects per
// expert: the cron's scheduled() syncs each expert's feeds after its sweep, with the
// same shared pass as the Node host (js-bridge/src/calendar-sync.js), so an event in
// the feed blocks its slot, a moved one follows, and a feed that fails keeps its last
// good block. The feed is served by this process (node:http), as a calendar server
// would; tests/calendars/ does the same against Radicale through the Node host.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { eventBody, slot, startWorker, waitForLog } from './helpers.mjs';

const ical = (iso) => iso.replace(/[-:]/g, '');
const vcalendar = (start, end) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//slotguard tests//EN', 'BEGIN:VEVENT', 'UID:w1', 'DTSTAMP:20260101T000000Z', `DTSTART:${ical(start)}`, `DTEND:${ical(end)}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

for (const [store, bindings] of [
  ['d1', {}],
  ['durable_object', { SLOTGUARD_DO_MODE: 'per-expert' }],
]) {
  describe(`calendar feeds in the Worker (${store}${bindings.SLOTGUARD_DO_MODE ? ', per expert' : ''})`, () => {
    let w;
    let feed;
    const state = { status: 200, body: '' };
    const expert = `wcal-${store.replace('_', '')}`;
    const eventId = `ev-${expert}`;

    before(async () => {
      feed = http.createServer((req, res) => res.writeHead(state.status, { 'content-type': 'text/calendar' }).end(state.body));
      await new Promise((resolve) => feed.listen(0, '127.0.0.1', resolve));
      w = await startWorker({ store, bindings: { SLOTGUARD_LOG_LEVEL: 'info', ...bindings } });
      assert.equal((await w.request('PUT', `/v1/events/${eventId}`, { admin: true, body: eventBody(expert, { slot_step_minutes: 30 }) })).status, 201);
      const put = await w.request('PUT', `/v1/experts/${expert}/calendars`, { admin: true, body: { feeds: [{ url: `http://127.0.0.1:${feed.address().port}/cal.ics` }] } });
      assert.equal(put.status, 201, put.text);
    });
    after(async () => {
      await w?.close();
      await new Promise((resolve) => feed?.close(resolve));
    });

    const free = async (start) => {
      const res = await w.request('GET', `/v1/events/${eventId}/slots?from=${start}&to=${slot(3, 23)}`);
      assert.equal(res.status, 200, res.text);
      return res.body.slots.find((s) => s.start === start)?.available;
    };
    async function cron() {
      const before = w.logs.length;
      const worker = await w.mf.getWorker();
      await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      const done = await waitForLog(w, (l) => l.event === 'scheduled_calendar_sync' && w.logs.indexOf(l) >= before && l.applied + l.failed > 0);
      assert.ok(done, 'the cron synced the calendar');
      return done;
    }

    test('the cron turns the feed\'s event into a busy block, and follows it when it moves', async () => {
      state.body = vcalendar(slot(2, 9), slot(2, 10));
      assert.equal(await free(slot(2, 9)), true);
      assert.deepEqual(await cron().then(({ applied, failed }) => ({ applied, failed })), { applied: 1, failed: 0 });
      assert.equal(await free(slot(2, 9)), false);
      assert.equal(await free(slot(2, 9, 30)), false);
      state.body = vcalendar(slot(2, 11), slot(2, 12));
      await cron();
      assert.deepEqual([await free(slot(2, 9)), await free(slot(2, 11))], [true, false]);
    });

    test('a feed that fails keeps its last good block, and the core logs it', async () => {
      state.status = 503;
      const run = await cron();
      assert.equal(run.failed, 1);
      assert.equal(await free(slot(2, 11)), false);
      assert.ok(await waitForLog(w, (l) => l.event === 'calendar_feed_failed' && /503/.test(l.error)));
    });
  });
}
