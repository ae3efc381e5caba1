// Calendar feeds end to end: a real calendar server (Radicale, started by scripts/test,
// SLOTGUARD_TEST_RADICALE_URL), the Node host on SQLite, and the shared sync
// (host.syncCalendars(): what the host's timer runs). Events are written to Radicale as
// .ics resources (HTTP PUT and DELETE), the host reads the collection as an iCalendar
// feed, and the tests watch /v1/events/{id}/slots follow:
//
//   - an event added blocks its slots; moved, it frees the old ones and blocks the new;
//     deleted, it frees them;
//   - a daily series with an EXDATE blocks each occurrence but the excluded one;
//   - a two-day all-day event blocks both whole days (split into blocks of a day);
//   - TRANSP:TRANSPARENT blocks nothing;
//   - a busy block the app wrote itself is never touched by any sync;
//   - a feed that fails (HTTP 500, then text that is not iCalendar) keeps its last good
//     blocks, counts slotguard_calendar_syncs_total{outcome="failed"} and logs
//     calendar_feed_failed; a feed that reads as empty does clear its blocks;
//   - removing the feeds removes their blocks and nothing else.
//
//   SLOTGUARD_TEST_RADICALE_URL=http://127.0.0.1:5232 node --test tests/calendars/radicale.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startStack, request } from '../conformance/support/harness.mjs';

const RADICALE = process.env.SLOTGUARD_TEST_RADICALE_URL;
const EXPERT = 'cal-ada';
const EVENT = 'cal-consult';
const DAY = 86_400_000;
const MIDNIGHT = Math.floor(Date.now() / DAY) * DAY + 2 * DAY; // the day after tomorrow, UTC

/** D + days at hh:mm UTC, RFC 3339 without milliseconds. */
const at = (days, hh, mm = 0) => new Date(MIDNIGHT + days * DAY + (hh * 60 + mm) * 60_000).toISOString().replace('.000Z', 'Z');
/** The iCalendar form of at(): 20261209T090000Z. */
const ical = (days, hh, mm = 0) => at(days, hh, mm).replace(/[-:]/g, '');
/** D + days as an iCalendar DATE: 20261209. */
const icalDate = (days) => ical(days, 0).slice(0, 8);

/** One VEVENT (and its overrides) in a VCALENDAR, CRLF-terminated. */
function vcalendar(...lines) {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//slotguard tests//EN', 'BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

async function radicale(method, path, body) {
  const res = await fetch(`${RADICALE}${path}`, { method, body, headers: body ? { 'content-type': 'text/calendar' } : {} });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${method} ${path} on Radicale: ${res.status}`);
}

/** A feed this test serves itself, to make it fail on demand. */
function startFlakyFeed() {
  const state = { status: 200, body: '' };
  const server = http.createServer((req, res) => res.writeHead(state.status, { 'content-type': 'text/calendar' }).end(state.body));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ state, url: `http://127.0.0.1:${server.address().port}/flaky.ics`, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

describe('calendar feeds from a Radicale server', { skip: !RADICALE && 'SLOTGUARD_TEST_RADICALE_URL is not set (scripts/test starts Radicale)' }, () => {
  let stack;
  let flaky;
  // A fresh principal per run: the server may outlive one run (a manual one).
  const principal = `/${EXPERT}-${process.pid}-${Date.now()}/`;
  const collection = `${principal}work/`;

  /** Whether each start (D + days at hh:mm) is available, from /slots. */
  async function free(...starts) {
    const out = [];
    for (const [days, hh, mm = 0] of starts) {
      const from = at(days, hh, mm);
      const to = at(days, hh, mm + 30);
      const res = await stack.call('GET', `/v1/events/${EVENT}/slots?from=${from}&to=${to}`);
      assert.equal(res.status, 200, res.text);
      const s = res.json.slots.find((x) => x.start === from);
      assert.ok(s, `no slot offered at ${from}`);
      out.push(s.available);
    }
    return out;
  }

  async function sync(expected) {
    const summary = await stack.host.syncCalendars();
    assert.deepEqual(summary, expected);
  }

  const syncMetric = async (outcome) => {
    const res = await request(stack.url, 'GET', '/metrics');
    const line = res.text.split('\n').find((l) => l.startsWith(`slotguard_calendar_syncs_total{outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  before(async () => {
    stack = await startStack({ store: 'sqlite', calendarSyncIntervalMs: 0 });
    flaky = await startFlakyFeed();
    await radicale('MKCOL', principal);
    await radicale('MKCALENDAR', collection);
    const put = await stack.call('PUT', `/v1/events/${EVENT}`, {
      headers: stack.admin,
      body: { expert_id: EXPERT, title: 'Consultation', duration_minutes: 30, slot_step_minutes: 30, price: { amount: 5000, currency: 'eur' }, payment_method_types: ['card'] },
    });
    assert.equal(put.status, 201, put.text);
    const feeds = await stack.call('PUT', `/v1/experts/${EXPERT}/calendars`, {
      headers: stack.admin,
      body: { feeds: [{ url: `${RADICALE}${collection}` }, { url: flaky.url }] },
    });
    assert.equal(feeds.status, 201, feeds.text);
    // A block the app wrote by hand, named like a calendar's: no sync may touch it.
    const own = await stack.call('PUT', `/v1/experts/${EXPERT}/busy/cal-lunch`, { headers: stack.admin, body: { start: at(0, 12), end: at(0, 13) } });
    assert.equal(own.status, 201, own.text);
    flaky.state.body = vcalendar('UID:flaky-1', `DTSTART:${ical(1, 9)}`, `DTEND:${ical(1, 10)}`);
  });

  after(async () => {
    await stack?.stop();
    await flaky?.close();
  });

  it('an empty calendar blocks nothing; the other feed\'s event does', async () => {
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([0, 9], [0, 10], [1, 9], [0, 12]), [true, true, false, false]);
  });

  it('an event added to the calendar blocks its slots', async () => {
    await radicale('PUT', `${collection}e1.ics`, vcalendar('UID:e1', `DTSTART:${ical(0, 9)}`, `DTEND:${ical(0, 10)}`, 'SUMMARY:Dentist'));
    assert.deepEqual(await free([0, 9], [0, 9, 30], [0, 10]), [true, true, true], 'nothing changes before a sync');
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([0, 8, 30], [0, 9], [0, 9, 30], [0, 10]), [true, false, false, true]);
  });

  it('a moved event frees its old slots and blocks the new ones, under the same block', async () => {
    const before = await stack.call('GET', `/v1/experts/${EXPERT}/busy?from=${at(0, 0)}&to=${at(1, 0)}`, { headers: stack.admin });
    const id = before.json.busy.find((b) => b.start === at(0, 9)).id;
    await radicale('PUT', `${collection}e1.ics`, vcalendar('UID:e1', `DTSTART:${ical(0, 10)}`, `DTEND:${ical(0, 11)}`, 'SUMMARY:Dentist, later'));
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([0, 9], [0, 9, 30], [0, 10], [0, 10, 30], [0, 11]), [true, true, false, false, true]);
    const after = await stack.call('GET', `/v1/experts/${EXPERT}/busy?from=${at(0, 0)}&to=${at(1, 0)}`, { headers: stack.admin });
    assert.deepEqual(after.json.busy.find((b) => b.id === id), { id, start: at(0, 10), end: at(0, 11) });
    assert.match(id, /^cal-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('a daily series blocks each occurrence but the one its EXDATE removes', async () => {
    await radicale('PUT', `${collection}r1.ics`, vcalendar('UID:r1', `DTSTART:${ical(0, 14)}`, `DTEND:${ical(0, 14, 30)}`, 'RRULE:FREQ=DAILY;COUNT=4', `EXDATE:${ical(1, 14)}`));
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([0, 14], [1, 14], [2, 14], [3, 14], [4, 14], [2, 14, 30]), [false, true, false, false, true, true]);
  });

  it('a two-day all-day event blocks both whole days; a transparent event blocks nothing', async () => {
    await radicale('PUT', `${collection}a1.ics`, vcalendar('UID:a1', `DTSTART;VALUE=DATE:${icalDate(5)}`, `DTEND;VALUE=DATE:${icalDate(7)}`, 'SUMMARY:Away'));
    await radicale('PUT', `${collection}t1.ics`, vcalendar('UID:t1', `DTSTART:${ical(0, 16)}`, `DTEND:${ical(0, 17)}`, 'TRANSP:TRANSPARENT'));
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([4, 23, 30], [5, 0], [5, 23, 30], [6, 9], [6, 23, 30], [7, 0], [0, 16]), [true, false, false, false, false, true, true]);
  });

  it('a feed that fails keeps its last good blocks, counts and logs it; one that reads empty clears them', async () => {
    const failedBefore = await syncMetric('failed');
    flaky.state.status = 500;
    await sync({ applied: 1, failed: 1, refused: 0 });
    assert.deepEqual(await free([1, 9]), [false], 'an HTTP 500 keeps the block');
    flaky.state.status = 200;
    flaky.state.body = '<html>not a calendar</html>';
    await sync({ applied: 1, failed: 1, refused: 0 });
    assert.deepEqual(await free([1, 9]), [false], 'an unparsable feed keeps the block');
    assert.equal(await syncMetric('failed'), failedBefore + 2);
    const logged = stack.logs.filter((r) => r.event === 'calendar_feed_failed');
    assert.ok(logged.some((r) => /HTTP 500/.test(r.error)), JSON.stringify(logged));
    assert.ok(logged.every((r) => r.expert_id === EXPERT && /^[0-9a-f]{8}$/.test(r.feed_id)));
    flaky.state.body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//slotguard tests//EN', 'END:VCALENDAR', ''].join('\r\n');
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([1, 9]), [true], 'a calendar that is read and empty has no busy time');
  });

  it('an event deleted from the calendar frees its slots; the app\'s own block stays through every sync', async () => {
    await radicale('DELETE', `${collection}e1.ics`);
    await sync({ applied: 2, failed: 0, refused: 0 });
    assert.deepEqual(await free([0, 10], [0, 10, 30], [0, 12]), [true, true, false]);
    const own = await stack.call('GET', `/v1/experts/${EXPERT}/busy?from=${at(0, 0)}&to=${at(1, 0)}`, { headers: stack.admin });
    assert.ok(own.json.busy.some((b) => b.id === 'cal-lunch' && b.start === at(0, 12)));
  });

  it('removing the feeds removes their blocks and nothing else', async () => {
    const del = await stack.call('DELETE', `/v1/experts/${EXPERT}/calendars`, { headers: stack.admin });
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.blocks_removed, 5, del.text); // 3 occurrences, 2 days
    assert.deepEqual(await free([0, 14], [2, 14], [5, 9], [6, 9], [0, 12]), [true, true, true, true, false]);
    await sync({ applied: 0, failed: 0, refused: 0 });
    const left = await stack.call('GET', `/v1/experts/${EXPERT}/busy?from=${at(0, 0)}&to=${at(30, 0)}`, { headers: stack.admin });
    assert.deepEqual(left.json.busy.map((b) => b.id), ['cal-lunch']);
  });
});
