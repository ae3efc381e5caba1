// Calendar feeds over HTTP, without a calendar server: the feed list and its
// validation, and the core's side of the sync (POST .../calendars/{feed_id}/sync) fed
// with events directly, as the hosts' sync would after reading a feed. Every answer is
// checked against docs/openapi.yaml. What a real feed does end to end is
// tests/calendars/radicale.test.mjs.
//
//   - feeds: http(s) only, at most 5, no duplicates, unknown fields refused; ids from URLs;
//   - a sync adds, keeps, moves and removes only its feed's blocks;
//   - an event longer than a day becomes pieces of at most a day; all-day events cover
//     the expert's local days;
//   - {"error"} changes nothing, is counted and logged;
//   - malformed syncs are refused with 422 naming the problem;
//   - the maintenance list names each feed with the window;
//   - removing a feed removes its blocks, and never the app's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, startStack } from './support/harness.mjs';

const DAY = 86_400_000;
const MIDNIGHT = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;
const at = (days, hh, mm = 0) => new Date(MIDNIGHT + days * DAY + (hh * 60 + mm) * 60_000).toISOString().replace('.000Z', 'Z');
const date = (days) => at(days, 0).slice(0, 10);

describe(`calendar feeds (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
  });
  after(() => s.stop());

  const feedsOf = (expert, body) => s.call('PUT', `/v1/experts/${expert}/calendars`, { body, headers: s.admin });
  const syncOf = (expert, feed, body) => s.call('POST', `/v1/experts/${expert}/calendars/${feed}/sync`, { body, headers: s.admin });
  const busyOf = async (expert, fromDays = -1, toDays = 30) => {
    const r = await s.call('GET', `/v1/experts/${expert}/busy?from=${at(fromDays, 0)}&to=${at(toDays, 0)}`, { headers: s.admin });
    assert.equal(r.status, 200, r.text);
    return r.json.busy;
  };

  it('the feed list: validated, 201 then 200, ids from the URLs, GET, 404 for an expert without one', async () => {
    for (const [body, message] of [
      [{ feeds: [{ url: 'ftp://example.com/cal.ics' }] }, /http or https/],
      [{ feeds: [{ url: 'webcal://example.com/cal.ics' }] }, /http or https/],
      [{ feeds: [{ url: 'https:///no-host' }] }, /host/],
      [{ feeds: [{ url: 'https://example.com/a b.ics' }] }, /printable ASCII/],
      [{ feeds: [{ url: `https://example.com/${'x'.repeat(2048)}` }] }, /2048/],
      [{ feeds: Array.from({ length: 6 }, (_, i) => ({ url: `https://example.com/${i}.ics` })) }, /at most 5/],
      [{ feeds: [{ url: 'https://example.com/a.ics' }, { url: 'https://example.com/a.ics' }] }, /twice/],
      [{ feeds: [{ url: 'https://example.com/a.ics', name: 'x' }] }, /unknown field feeds\[\]\.name/],
      [{ feed: [] }, /unknown field feed/],
      [{}, /feeds is required/],
    ]) {
      const r = await feedsOf('cal-valid', body);
      assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.equal(r.json.error.code, 'validation_failed');
      assert.match(r.json.error.message, message);
    }
    const missing = await s.call('GET', '/v1/experts/cal-valid/calendars', { headers: s.admin });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'calendars_not_found');
    const first = await feedsOf('cal-valid', { feeds: [{ url: 'https://example.com/a.ics' }, { url: 'HTTP://example.com/b.ics' }] });
    assert.equal(first.status, 201, first.text);
    const ids = first.json.calendars.feeds.map((f) => f.id);
    assert.equal(new Set(ids).size, 2);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}$/);
    const again = await feedsOf('cal-valid', { feeds: [{ url: 'https://example.com/a.ics' }] });
    assert.equal(again.status, 200);
    assert.equal(again.json.calendars.feeds[0].id, ids[0], 'an id follows from its URL');
    const got = await s.call('GET', '/v1/experts/cal-valid/calendars', { headers: s.admin });
    assert.deepEqual(got.json.calendars.feeds, [{ id: ids[0], url: 'https://example.com/a.ics' }]);
  });

  it('a sync adds, keeps, moves and removes its feed\'s blocks, and no one else\'s', async () => {
    const put = await feedsOf('cal-sync', { feeds: [{ url: 'https://example.com/one.ics' }, { url: 'https://example.com/two.ics' }] });
    const [one, two] = put.json.calendars.feeds.map((f) => f.id);
    const own = await s.call('PUT', '/v1/experts/cal-sync/busy/lunch', { body: { start: at(0, 12), end: at(0, 13) }, headers: s.admin });
    assert.equal(own.status, 201);
    const a = { key: 'a@x', start: at(0, 9), end: at(0, 10) };
    const b = { key: 'b@x|2026', start: at(1, 9), end: at(1, 10) };
    let r = await syncOf('cal-sync', one, { events: [a, b] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.sync, { feed_id: one, outcome: 'applied', added: 2, moved: 0, removed: 0, unchanged: 0 });
    r = await syncOf('cal-sync', two, { events: [{ key: 'a@x', start: at(2, 9), end: at(2, 10) }] });
    assert.equal(r.json.sync.added, 1, 'the same key in another feed is another block');
    r = await syncOf('cal-sync', one, { events: [b, { ...a, start: at(0, 10), end: at(0, 11) }] });
    assert.deepEqual(r.json.sync, { feed_id: one, outcome: 'applied', added: 0, moved: 1, removed: 0, unchanged: 1 });
    r = await syncOf('cal-sync', one, { events: [b] });
    assert.deepEqual(r.json.sync, { feed_id: one, outcome: 'applied', added: 0, moved: 0, removed: 1, unchanged: 1 });
    const blocks = await busyOf('cal-sync');
    assert.deepEqual(blocks.map((x) => [x.id.slice(0, 13), x.start]).sort(), [
      [`cal-${one}-`, at(1, 9)],
      [`cal-${two}-`, at(2, 9)],
      ['lunch', at(0, 12)],
    ].sort());
    r = await syncOf('cal-sync', one, { events: [] });
    assert.equal(r.json.sync.removed, 1, 'a feed read as empty has no busy time');
    assert.deepEqual((await busyOf('cal-sync')).map((x) => x.id.startsWith(`cal-${two}-`) || x.id === 'lunch'), [true, true]);
  });

  it('a long event becomes pieces of at most a day; all-day events are the expert\'s local days', async () => {
    const put = await feedsOf('cal-long', { feeds: [{ url: 'https://example.com/long.ics' }] });
    const feed = put.json.calendars.feeds[0].id;
    let r = await syncOf('cal-long', feed, { events: [{ key: 'trip', start: at(0, 6), end: at(2, 18) }] });
    assert.equal(r.json.sync.added, 3, r.text);
    assert.deepEqual((await busyOf('cal-long')).map((b) => [b.start, b.end]), [
      [at(0, 6), at(1, 6)],
      [at(1, 6), at(2, 6)],
      [at(2, 6), at(2, 18)],
    ]);
    // New York is UTC-5 in winter, UTC-4 in summer: the day starts at its own midnight.
    const hours = await s.call('PUT', '/v1/experts/cal-long/availability', { body: { time_zone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] } }, headers: s.admin });
    assert.equal(hours.status, 201, hours.text);
    r = await syncOf('cal-long', feed, { events: [{ key: 'holiday', start_date: date(3), end_date: date(5) }] });
    assert.deepEqual(r.json.sync, { feed_id: feed, outcome: 'applied', added: 2, moved: 0, removed: 3, unchanged: 0 });
    const days = await busyOf('cal-long');
    assert.equal(days.length, 2);
    const offsetH = (Date.parse(days[0].start) - Date.parse(`${date(3)}T00:00:00Z`)) / 3_600_000;
    assert.ok(offsetH === 4 || offsetH === 5, `New York's midnight is 04:00 or 05:00 UTC, not ${days[0].start}`);
    assert.equal(Date.parse(days[1].end) - Date.parse(days[0].start) <= 2 * DAY + 3_600_000, true);
  });

  it('{"error"} changes nothing: the last good blocks stay, counted and logged', async () => {
    const put = await feedsOf('cal-fail', { feeds: [{ url: 'https://example.com/flaky.ics' }] });
    const feed = put.json.calendars.feeds[0].id;
    await syncOf('cal-fail', feed, { events: [{ key: 'k', start: at(0, 9), end: at(0, 10) }] });
    const r = await syncOf('cal-fail', feed, { error: 'the feed answered HTTP 503' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.sync, { feed_id: feed, outcome: 'failed', kept: 1 });
    assert.equal((await busyOf('cal-fail')).length, 1);
    const metrics = await s.call('GET', '/metrics');
    assert.match(metrics.text, /slotguard_calendar_syncs_total\{outcome="failed"\} [1-9]/);
    assert.ok(s.logs.some((l) => l.event === 'calendar_feed_failed' && l.expert_id === 'cal-fail' && l.feed_id === feed && /503/.test(l.error)));
    assert.ok(!s.logs.some((l) => JSON.stringify(l).includes('example.com/flaky')), 'a feed URL may hold a secret: never logged');
  });

  it('malformed syncs are refused with 422 naming the problem; an unknown feed is 404', async () => {
    const put = await feedsOf('cal-bad', { feeds: [{ url: 'https://example.com/bad.ics' }] });
    const feed = put.json.calendars.feeds[0].id;
    const ev = { key: 'k', start: at(0, 9), end: at(0, 10) };
    for (const [body, message] of [
      [{}, /events .* or error/],
      [{ events: [], error: 'x' }, /events .* or error/],
      [{ events: [ev], extra: 1 }, /unknown field extra/],
      [{ events: [{ ...ev, title: 'x' }] }, /unknown field events\[\]\.title/],
      [{ events: [{ ...ev, key: '' }] }, /key is required/],
      [{ events: [{ ...ev, end: at(0, 8) }] }, /end must be after the start/],
      [{ events: [{ key: 'k', start: 'tomorrow', end: at(0, 8) }] }, /RFC 3339/],
      [{ events: [{ key: 'k', start_date: '2026-02-30', end_date: '2026-03-02' }] }, /real dates/],
      [{ events: [{ key: 'k', start_date: date(1), end_date: date(2), start: at(0, 9) }] }, /not both/],
      [{ events: [ev, { ...ev, start: at(1, 9), end: at(1, 10) }] }, /share the key k/],
      [{ events: Array.from({ length: 25 }, (_, i) => ({ key: `long-${i}`, start: at(0, 0), end: at(89, 0) })) }, /at most 2000 busy blocks/],
      [{ error: 42 }, /error must be a string/],
    ]) {
      const r = await syncOf('cal-bad', feed, body);
      assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.match(r.json.error.message, message);
    }
    for (const other of ['00000000', 'not-a-feed']) {
      const r = await syncOf('cal-bad', other, { events: [] });
      assert.equal(r.status, 404);
      assert.equal(r.json.error.code, 'calendar_feed_not_found');
    }
    assert.deepEqual(await busyOf('cal-bad'), [], 'nothing refused was written');
  });

  it('the maintenance list names each expert\'s feeds and the window', async () => {
    const r = await s.call('POST', '/v1/maintenance/calendars', { body: {}, headers: s.admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(Date.parse(r.json.from) % DAY, 0);
    assert.equal(Date.parse(r.json.to) - Date.parse(r.json.from), 90 * DAY, 'calendar_horizon_days: 90 by default');
    const sync = r.json.feeds.filter((f) => f.expert_id === 'cal-sync');
    assert.deepEqual(sync.map((f) => f.url), ['https://example.com/one.ics', 'https://example.com/two.ics']);
    const unauthorised = await s.call('POST', '/v1/maintenance/calendars', { body: {} });
    assert.equal(unauthorised.status, 401);
  });

  it('removing the feeds removes their blocks and never the app\'s own', async () => {
    const r = await s.call('DELETE', '/v1/experts/cal-sync/calendars', { headers: s.admin });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { deleted: true, blocks_removed: 1 });
    assert.deepEqual((await busyOf('cal-sync')).map((b) => b.id), ['lunch']);
    assert.equal((await s.call('GET', '/v1/experts/cal-sync/calendars', { headers: s.admin })).status, 404);
    const listed = await s.call('POST', '/v1/maintenance/calendars', { body: {}, headers: s.admin });
    assert.ok(!listed.json.feeds.some((f) => f.expert_id === 'cal-sync'));
  });
});
