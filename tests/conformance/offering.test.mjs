// What is offered and how a booking changes, through the HTTP API of a Node
// host with the Stripe emulator: an expert's working hours in their time zone, busy
// blocks from other calendars, seated events, reschedule, cancellation with a refund
// policy. Every answer is checked against docs/openapi.yaml by the harness. The time
// zone expectations are computed here, independently of the core, with JavaScript's
// Intl; the suite runs once per wasm build (SLOTGUARD_WASM), so both builds are held to
// the same daylight-saving rules.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { contract } from './support/contract.mjs';
import { STORES, WASM, eventBody, guest, slot, startStack, stripeCalls } from './support/harness.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const NO_RSV = 'rsv_00000000000000000000000000000000';

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const everyDay = (intervals) => Object.fromEntries(DAYS.map((d) => [d, intervals]));
const hhmm = (text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
const dateOf = (rfc3339) => rfc3339.slice(0, 10);

// ---------------------------------------------------------------- Intl, independently

const formatters = new Map();
/** The local wall-clock time of an instant in a zone, by Intl. */
function wall(zone, ms) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const time = `${p.hour}:${p.minute}`;
  return { date: `${p.year}-${p.month}-${p.day}`, time, minutes: hhmm(time), asUtc: Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) };
}

/** local - UTC, in minutes, at an instant (whole minutes). */
function offsetMinutes(zone, ms) {
  const t = Math.floor(ms / MIN) * MIN;
  return (wall(zone, t).asUtc - t) / MIN;
}

/** The instants of a year at which the zone's offset changes, by an hourly scan. */
function transitions(zone, year) {
  const out = [];
  const end = Date.UTC(year + 1, 0, 1);
  let previous = offsetMinutes(zone, Date.UTC(year, 0, 1));
  for (let t = Date.UTC(year, 0, 1) + HOUR; t < end; t += HOUR) {
    const now = offsetMinutes(zone, t);
    if (now !== previous) out.push({ at: t, before: previous, after: now });
    previous = now;
  }
  return out;
}

/**
 * The starts an expert with these local intervals (minutes of the day) should be offered
 * in [from, to): aligned to the step from local midnight, the first occurrence of their
 * wall time, the whole appointment inside one interval of the start's local day.
 */
function expectedStarts(zone, intervals, from, to, durationMin, stepMin) {
  const out = [];
  for (let t = from; t < to; t += 15 * MIN) {
    const w = wall(zone, t);
    if (w.minutes % stepMin !== 0) continue;
    const anHourEarlier = wall(zone, t - HOUR);
    if (anHourEarlier.date === w.date && anHourEarlier.time === w.time) continue; // a repeated time, again
    const lastMinute = wall(zone, t + durationMin * MIN - MIN);
    if (lastMinute.date !== w.date) continue;
    if (intervals.some(([a, b]) => w.minutes >= a && lastMinute.minutes + 1 <= b)) out.push(iso(t));
  }
  return out;
}

// ---------------------------------------------------------------- small helpers

function statusCount(answers) {
  const by = {};
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
  return by;
}

async function putEvent(s, id, body) {
  const r = await s.call('PUT', `/v1/events/${id}`, { body, headers: s.admin });
  assert.ok(r.status === 201 || r.status === 200, r.text);
  return r.json.event;
}

async function putHours(s, expert, body) {
  const r = await s.call('PUT', `/v1/experts/${expert}/availability`, { body, headers: s.admin });
  assert.ok(r.status === 201 || r.status === 200, r.text);
  return r.json.availability;
}

const book = (s, event_id, start, who) => s.call('POST', '/v1/reservations', { body: { event_id, start, guest: who } });

async function slotsOf(s, event, from, to) {
  const r = await s.call('GET', `/v1/events/${event}/slots?from=${from}&to=${to}`);
  assert.equal(r.status, 200, r.text);
  return r.json.slots;
}

/** Holds a slot and pays for it on the emulator: the reservation, confirmed. */
async function confirmed(s, event, start, who) {
  const held = await book(s, event, start, who);
  assert.equal(held.status, 201, held.text);
  s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
  await s.emulator.webhooks.idle();
  const got = await s.call('GET', `/v1/reservations/${held.json.reservation.id}`);
  assert.equal(got.json.reservation.status, 'confirmed', got.text);
  return got.json.reservation;
}

function refundsOf(emulator, paymentIntent) {
  return [...emulator.state.refunds.values()].filter((r) => r.payment_intent === paymentIntent);
}

function expectError(answer, status, code) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.json?.error?.code, code, answer.text);
}

// ---------------------------------------------------------------- the routes and their bad inputs

describe(`offering: availability, busy blocks, event fields, bad inputs (${WASM})`, () => {
  let s;
  const noAuth = { authorization: 'Bearer not-the-admin-token-0000' };
  before(async () => {
    s = await startStack();
  });
  after(() => s.stop());

  it('availability: 201 then 200, normalised, GET, DELETE, 404 once gone', async () => {
    const path = '/v1/experts/hours-crud/availability';
    const body = {
      time_zone: 'Europe/Lisbon',
      weekly: { mon: [['09:00', '12:00'], ['13:00', '17:30']], fri: [['10:00', '11:00']] },
      overrides: [
        { date: '2027-12-27', intervals: [['10:00', '13:00']] },
        { date: '2027-12-24', intervals: [] },
        { date: '2028-02-29', intervals: [['09:00', '10:00']] }, // a leap day is a real date
      ],
    };
    const created = await s.call('PUT', path, { body, headers: s.admin });
    assert.equal(created.status, 201, created.text);
    const doc = created.json.availability;
    assert.equal(doc.time_zone, 'Europe/Lisbon');
    assert.deepEqual(Object.keys(doc.weekly).sort(), [...DAYS].sort(), 'every day is listed');
    assert.deepEqual(doc.weekly.mon, [['09:00', '12:00'], ['13:00', '17:30']]);
    assert.deepEqual(doc.weekly.tue, []);
    assert.deepEqual(doc.overrides.map((o) => o.date), ['2027-12-24', '2027-12-27', '2028-02-29'], 'ordered by date');
    assert.deepEqual(doc.overrides[0].intervals, []);

    const replaced = await s.call('PUT', path, { body, headers: s.admin });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.json.availability, doc);
    const got = await s.call('GET', path, { headers: s.admin });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json.availability, doc);

    const deleted = await s.call('DELETE', path, { headers: s.admin });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { deleted: true });
    expectError(await s.call('GET', path, { headers: s.admin }), 404, 'availability_not_found');
    assert.equal((await s.call('DELETE', path, { headers: s.admin })).status, 200, 'DELETE is repeatable');
  });

  it('availability: every route wants the admin token (401 + WWW-Authenticate), and nothing is written', async () => {
    const path = '/v1/experts/hours-auth/availability';
    const body = { time_zone: 'UTC', weekly: everyDay([['09:00', '17:00']]) };
    for (const headers of [{}, noAuth]) {
      const put = await s.call('PUT', path, { body, headers });
      expectError(put, 401, 'unauthorized');
      assert.equal(put.headers['www-authenticate'], 'Bearer');
      expectError(await s.call('GET', path, { headers }), 401, 'unauthorized');
      expectError(await s.call('DELETE', path, { headers }), 401, 'unauthorized');
    }
    expectError(await s.call('GET', path, { headers: s.admin }), 404, 'availability_not_found');
  });

  it('availability: refuses bad documents with 422 validation_failed (and bad JSON with 400)', async () => {
    const path = '/v1/experts/hours-bad/availability';
    const ok = { time_zone: 'Europe/Lisbon', weekly: { mon: [['09:00', '12:00']] } };
    const bad = {
      'an unknown zone': { ...ok, time_zone: 'Mars/Olympus_Mons' },
      'a zone in the wrong case': { ...ok, time_zone: 'europe/lisbon' },
      'no zone': { weekly: ok.weekly },
      'a zone that is not a string': { ...ok, time_zone: 1 },
      'overlapping intervals': { ...ok, weekly: { mon: [['09:00', '12:00'], ['11:00', '13:00']] } },
      'unordered intervals': { ...ok, weekly: { tue: [['13:00', '14:00'], ['09:00', '10:00']] } },
      'an interval that ends before it starts': { ...ok, weekly: { wed: [['12:00', '09:00']] } },
      'an empty interval': { ...ok, weekly: { wed: [['09:00', '09:00']] } },
      '24:00': { ...ok, weekly: { thu: [['09:00', '24:00']] } },
      'a time without a leading zero': { ...ok, weekly: { thu: [['9:00', '12:00']] } },
      'minute 60': { ...ok, weekly: { thu: [['09:60', '12:00']] } },
      'an interval of three times': { ...ok, weekly: { fri: [['09:00', '10:00', '11:00']] } },
      'an unknown weekday': { ...ok, weekly: { monday: [['09:00', '12:00']] } },
      'weekly not an object': { ...ok, weekly: [] },
      'thirteen intervals a day': { ...ok, weekly: { sat: Array.from({ length: 13 }, (_, i) => [`${String(i).padStart(2, '0')}:00`, `${String(i).padStart(2, '0')}:30`]) } },
      'an unknown field': { ...ok, holidays: [] },
      'February 30': { ...ok, overrides: [{ date: '2027-02-30', intervals: [] }] },
      'February 29 of a common year': { ...ok, overrides: [{ date: '2027-02-29', intervals: [] }] },
      'month 13': { ...ok, overrides: [{ date: '2027-13-01', intervals: [] }] },
      'a date not YYYY-MM-DD': { ...ok, overrides: [{ date: '2027-3-01', intervals: [] }] },
      'a repeated date': { ...ok, overrides: [{ date: '2027-03-01', intervals: [] }, { date: '2027-03-01', intervals: [['09:00', '10:00']] }] },
      'an override without intervals': { ...ok, overrides: [{ date: '2027-03-01' }] },
      'an override with 24:00': { ...ok, overrides: [{ date: '2027-03-01', intervals: [['20:00', '24:00']] }] },
      'overrides not a list': { ...ok, overrides: {} },
    };
    for (const [what, body] of Object.entries(bad)) {
      const r = await s.call('PUT', path, { body, headers: s.admin });
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'validation_failed', what);
    }
    expectError(await s.call('PUT', path, { body: '{"time_zone": ', headers: s.admin }), 400, 'invalid_json');
    expectError(await s.call('PUT', path, { body: '[]', headers: s.admin }), 400, 'invalid_json');
    expectError(await s.call('PUT', '/v1/experts/not.an.id/availability', { body: ok, headers: s.admin }), 422, 'validation_failed');
    expectError(await s.call('GET', path, { headers: s.admin }), 404, 'availability_not_found');
    // Touching intervals are fine.
    assert.equal((await s.call('PUT', path, { body: { ...ok, weekly: { mon: [['09:00', '12:00'], ['12:00', '13:00']] } }, headers: s.admin })).status, 201);
  });

  it('event types: seats, reschedule notice and cancellation policy, with their defaults and limits', async () => {
    const plain = await putEvent(s, 'fields-plain', eventBody('fields', { min_notice_minutes: 90 }));
    assert.equal(plain.seats, 1);
    assert.equal(plain.reschedule_min_notice_minutes, 90, 'defaults to min_notice_minutes');
    assert.equal(plain.cancellation, null);

    const full = await putEvent(s, 'fields-full', eventBody('fields', {
      seats: 500,
      reschedule_min_notice_minutes: 0,
      cancellation: { refund_before_minutes: 1440, refund_percent: 50 },
    }));
    assert.equal(full.seats, 500);
    assert.equal(full.reschedule_min_notice_minutes, 0);
    assert.deepEqual(full.reschedule, { before_minutes: 0, max_times: null }, 'the notice in force, no limit');
    assert.deepEqual(plain.reschedule, { before_minutes: 90, max_times: null });
    // The two-field form reads back as its tiers, the one form an event type is shown in.
    assert.deepEqual(full.cancellation, { tiers: [{ before_minutes: 1440, refund_percent: 100 }, { before_minutes: 0, refund_percent: 50 }] });
    assert.deepEqual((await s.call('GET', '/v1/events/fields-full')).json.event, full);
    assert.equal((await putEvent(s, 'fields-full', eventBody('fields', { cancellation: null }))).cancellation, null);

    const bad = {
      'seats 0': { seats: 0 },
      'seats 501': { seats: 501 },
      'seats not an integer': { seats: '2' },
      'a negative reschedule notice': { reschedule_min_notice_minutes: -1 },
      'a reschedule notice over a year': { reschedule_min_notice_minutes: 525601 },
      'refund_percent 101': { cancellation: { refund_before_minutes: 60, refund_percent: 101 } },
      'a negative refund_before_minutes': { cancellation: { refund_before_minutes: -1, refund_percent: 0 } },
      'a policy without refund_percent': { cancellation: { refund_before_minutes: 60 } },
      'a policy that is not an object': { cancellation: true },
      'no tiers': { cancellation: { tiers: [] } },
      'nine tiers': { cancellation: { tiers: [9, 8, 7, 6, 5, 4, 3, 2, 1].map((h) => ({ before_minutes: h * 60, refund_percent: 100 })) } },
      'tiers out of order': { cancellation: { tiers: [{ before_minutes: 60, refund_percent: 100 }, { before_minutes: 120, refund_percent: 50 }] } },
      'a later tier giving more': { cancellation: { tiers: [{ before_minutes: 120, refund_percent: 50 }, { before_minutes: 60, refund_percent: 60 }] } },
      'reschedule.max_times 101': { reschedule: { max_times: 101 } },
      'an unknown reschedule field': { reschedule: { max_time: 1 } },
      'the reschedule notice under two names, disagreeing': { reschedule_min_notice_minutes: 30, reschedule: { before_minutes: 60 } },
      'both forms at once': { cancellation: { tiers: [{ before_minutes: 60, refund_percent: 100 }], refund_percent: 50, refund_before_minutes: 60 } },
    };
    for (const [what, fields] of Object.entries(bad)) {
      const r = await s.call('PUT', '/v1/events/fields-bad', { body: eventBody('fields', fields), headers: s.admin });
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'validation_failed', what);
    }
    expectError(await s.call('GET', '/v1/events/fields-bad'), 404, 'event_not_found');
  });

  it('busy blocks: create, replace, list, delete, and their bad inputs', async () => {
    const expert = 'busy-crud';
    const path = (id) => `/v1/experts/${expert}/busy/${id}`;
    const first = { start: slot(1, 13, 0), end: slot(1, 14, 0) };
    const created = await s.call('PUT', path('cal-1'), { body: first, headers: s.admin });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json, { busy: { id: 'cal-1', ...first }, overlapping_reservations: [] });
    const moved = { start: slot(1, 15, 0), end: slot(1, 16, 30) };
    const replaced = await s.call('PUT', path('cal-1'), { body: moved, headers: s.admin });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.json.busy, { id: 'cal-1', ...moved });
    const whole = { start: slot(2, 0, 0), end: slot(3, 0, 0) }; // exactly 24 hours: allowed
    assert.equal((await s.call('PUT', path('cal-2'), { body: whole, headers: s.admin })).status, 201);
    const early = { start: slot(0, 22, 0), end: slot(1, 2, 0) }; // starts before the range asked below
    assert.equal((await s.call('PUT', path('cal-0'), { body: early, headers: s.admin })).status, 201);

    const listed = await s.call('GET', `/v1/experts/${expert}/busy?from=${slot(1, 0, 0)}&to=${slot(4, 0, 0)}`, { headers: s.admin });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json, {
      busy: [{ id: 'cal-0', ...early }, { id: 'cal-1', ...moved }, { id: 'cal-2', ...whole }],
      more: false,
    });
    const narrow = await s.call('GET', `/v1/experts/${expert}/busy?from=${slot(1, 2, 0)}&to=${slot(1, 15, 0)}`, { headers: s.admin });
    assert.deepEqual(narrow.json.busy, [], 'a block that ends at from or starts at to is not in [from, to)');

    const removed = await s.call('DELETE', path('cal-1'), { headers: s.admin });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json, { busy: { id: 'cal-1', ...moved } });
    expectError(await s.call('DELETE', path('cal-1'), { headers: s.admin }), 404, 'busy_block_not_found');
    expectError(await s.call('DELETE', path('never'), { headers: s.admin }), 404, 'busy_block_not_found');

    const bad = {
      'end before start': { start: slot(1, 10, 0), end: slot(1, 9, 0) },
      'end equal to start': { start: slot(1, 10, 0), end: slot(1, 10, 0) },
      'longer than 24 hours': { start: slot(1, 10, 0), end: slot(2, 10, 1) },
      'no end': { start: slot(1, 10, 0) },
      'no start': { end: slot(1, 10, 0) },
      'a start that is not RFC 3339': { start: 'tomorrow at ten', end: slot(1, 10, 0) },
    };
    for (const [what, body] of Object.entries(bad)) {
      const r = await s.call('PUT', path('bad'), { body, headers: s.admin });
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'validation_failed', what);
    }
    expectError(await s.call('PUT', path('bad'), { body: 'nope', headers: s.admin }), 400, 'invalid_json');
    expectError(await s.call('PUT', `/v1/experts/${expert}/busy/a.b`, { body: first, headers: s.admin }), 422, 'validation_failed');
    expectError(await s.call('DELETE', path('bad'), { headers: s.admin }), 404, 'busy_block_not_found');

    const list = (q, headers = s.admin) => s.call('GET', `/v1/experts/${expert}/busy?${q}`, { headers });
    expectError(await list(`from=${slot(1, 0, 0)}`), 422, 'validation_failed');
    expectError(await list(`from=${slot(2, 0, 0)}&to=${slot(1, 0, 0)}`), 422, 'validation_failed');
    expectError(await list(`from=${slot(0, 0, 0)}&to=${slot(93, 0, 0)}`), 422, 'validation_failed');
    assert.equal((await list(`from=${slot(0, 0, 0)}&to=${slot(92, 0, 0)}`)).status, 200, '92 days are allowed');
    expectError(await list('from=%zz'), 400, 'invalid_query');

    for (const headers of [{}, noAuth]) {
      expectError(await s.call('PUT', path('auth'), { body: first, headers }), 401, 'unauthorized');
      expectError(await s.call('DELETE', path('cal-2'), { headers }), 401, 'unauthorized');
      expectError(await list(`from=${slot(1, 0, 0)}&to=${slot(2, 0, 0)}`, headers), 401, 'unauthorized');
    }
    assert.equal((await list(`from=${slot(1, 0, 0)}&to=${slot(4, 0, 0)}`)).json.busy.length, 2, 'the refused calls changed nothing');
  });

  it('reschedule: bad inputs', async () => {
    await putEvent(s, 'resched-bad', eventBody('resched-bad'));
    const held = await book(s, 'resched-bad', slot(1, 9, 0), guest(900));
    assert.equal(held.status, 201, held.text);
    const path = `/v1/reservations/${held.json.reservation.id}/reschedule`;
    expectError(await s.call('POST', path, { body: {} }), 422, 'validation_failed');
    expectError(await s.call('POST', path, { body: { start: null } }), 422, 'validation_failed');
    expectError(await s.call('POST', path, { body: { start: 'next tuesday' } }), 422, 'validation_failed');
    expectError(await s.call('POST', path, { body: '{"start":' }), 400, 'invalid_json');
    expectError(await s.call('POST', path, { body: '"x"' }), 400, 'invalid_json');
    expectError(await s.call('POST', path, { body: { start: slot(1, 9, 10) } }), 422, 'slot_not_offered');
    expectError(await s.call('POST', path, { body: { start: '2020-01-01T09:00:00Z' } }), 422, 'slot_not_offered');
    expectError(await s.call('POST', path, { body: { start: slot(400, 9, 0) } }), 422, 'slot_not_offered');
    expectError(await s.call('POST', `/v1/reservations/${NO_RSV}/reschedule`, { body: { start: slot(1, 10, 0) } }), 404, 'reservation_not_found');
    expectError(await s.call('POST', '/v1/reservations/not.an.id/reschedule', { body: { start: slot(1, 10, 0) } }), 404, 'reservation_not_found');
    const still = await s.call('GET', `/v1/reservations/${held.json.reservation.id}`);
    assert.equal(still.json.reservation.start, slot(1, 9, 0), 'nothing moved');
    const wrongMethod = await s.call('GET', path);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
  });
});

// ---------------------------------------------------------------- availability enforcement

describe(`offering: working hours decide what is offered and held (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
    // UTC keeps the expectations the same on any day the suite runs.
    await putHours(s, 'hours', {
      time_zone: 'UTC',
      weekly: everyDay([['09:00', '12:00']]),
      overrides: [
        { date: dateOf(slot(2)), intervals: [] },
        { date: dateOf(slot(3)), intervals: [['14:00', '15:00']] },
      ],
    });
    await putEvent(s, 'hours-30', eventBody('hours'));
    await putEvent(s, 'hours-60', eventBody('hours', { duration_minutes: 60 }));
    await putEvent(s, 'free-30', eventBody('no-hours'));
  });
  after(() => s.stop());

  it('/slots lists only starts whose whole appointment lies inside an interval of the day', async () => {
    const starts = async (event, day) => (await slotsOf(s, event, slot(day, 0, 0), slot(day + 1, 0, 0))).map((x) => x.start);
    assert.deepEqual(await starts('hours-30', 1), [9, 9.5, 10, 10.5, 11, 11.5].map((h) => slot(1, Math.floor(h), (h % 1) * 60)));
    assert.deepEqual(await starts('hours-60', 1), [9, 9.5, 10, 10.5, 11].map((h) => slot(1, Math.floor(h), (h % 1) * 60)));
    assert.deepEqual(await starts('hours-30', 2), [], 'a day off');
    assert.deepEqual(await starts('hours-30', 3), [slot(3, 14, 0), slot(3, 14, 30)], 'a short day replaces the weekday');
    assert.deepEqual(await starts('hours-60', 3), [slot(3, 14, 0)]);
    assert.equal((await starts('free-30', 1)).length, 48, 'an expert without availability keeps every aligned start');
  });

  it('POST /v1/reservations refuses a start outside the hours with 422 slot_not_offered', async () => {
    const outside = [
      ['hours-30', slot(1, 8, 30)], // before the day starts
      ['hours-30', slot(1, 12, 0)], // at its end
      ['hours-60', slot(1, 11, 30)], // runs past its end
      ['hours-30', slot(2, 10, 0)], // a day off
      ['hours-30', slot(3, 10, 0)], // outside the override's hours
      ['hours-30', slot(1, 3, 0)], // the middle of the night
    ];
    let n = 100;
    for (const [event, start] of outside) {
      const r = await book(s, event, start, guest(n++));
      assert.equal(r.status, 422, `${event} ${start}: ${r.text}`);
      assert.equal(r.json.error.code, 'slot_not_offered');
    }
    assert.equal(stripeCalls(s.emulator, 'POST /v1/checkout/sessions'), 0, 'no refused start reached Stripe');
    assert.equal((await book(s, 'hours-30', slot(1, 11, 30), guest(120))).status, 201, 'the last start of the day');
    assert.equal((await book(s, 'hours-60', slot(3, 14, 0), guest(121))).status, 201, 'inside the override');
    assert.equal((await book(s, 'free-30', slot(1, 3, 0), guest(122))).status, 201, 'another expert, no hours: any time');
  });

  it('changing or deleting the hours changes what is offered at once', async () => {
    const day = (event) => slotsOf(s, event, slot(4, 0, 0), slot(5, 0, 0));
    await putHours(s, 'hours', { time_zone: 'UTC', weekly: everyDay([['18:00', '19:00']]) });
    assert.deepEqual((await day('hours-30')).map((x) => x.start), [slot(4, 18, 0), slot(4, 18, 30)]);
    expectError(await book(s, 'hours-30', slot(4, 9, 0), guest(130)), 422, 'slot_not_offered');
    assert.equal((await s.call('DELETE', '/v1/experts/hours/availability', { headers: s.admin })).status, 200);
    assert.equal((await day('hours-30')).length, 48);
    assert.equal((await book(s, 'hours-30', slot(4, 9, 0), guest(131))).status, 201);
  });
});

// ---------------------------------------------------------------- busy blocks against holds

describe(`offering: busy blocks conflict with holds (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
    await putEvent(s, 'busy-30', eventBody('busy'));
    await putEvent(s, 'busy-60', eventBody('busy', { duration_minutes: 60, buffer_after_minutes: 15 }));
  });
  after(() => s.stop());

  it('a block takes its time from holds; a block over reservations is stored and names them', async () => {
    const blocked = await s.call('PUT', '/v1/experts/busy/busy/gym', { body: { start: slot(1, 10, 0), end: slot(1, 11, 0) }, headers: s.admin });
    assert.equal(blocked.status, 201, blocked.text);
    assert.deepEqual(blocked.json.overlapping_reservations, []);
    const view = await slotsOf(s, 'busy-30', slot(1, 9, 0), slot(1, 12, 0));
    assert.deepEqual(view.map((x) => [x.start.slice(11, 16), x.available]), [
      ['09:00', true], ['09:30', true], ['10:00', false], ['10:30', false], ['11:00', true], ['11:30', true],
    ]);
    expectError(await book(s, 'busy-30', slot(1, 10, 0), guest(200)), 409, 'slot_unavailable');
    expectError(await book(s, 'busy-30', slot(1, 10, 30), guest(201)), 409, 'slot_unavailable');
    // 09:00-10:00 plus a 15-minute buffer after reaches into the block.
    expectError(await book(s, 'busy-60', slot(1, 9, 0), guest(202)), 409, 'slot_unavailable');

    const a = await book(s, 'busy-30', slot(1, 11, 0), guest(203));
    const b = await confirmed(s, 'busy-30', slot(1, 11, 30), guest(204));
    assert.equal(a.status, 201);
    const over = await s.call('PUT', '/v1/experts/busy/busy/dentist', { body: { start: slot(1, 11, 15), end: slot(1, 12, 30) }, headers: s.admin });
    assert.equal(over.status, 201, over.text);
    assert.deepEqual(over.json.overlapping_reservations.sort(), [a.json.reservation.id, b.id].sort());
    // Both bookings still stand: the app decides what to do about them.
    assert.equal((await s.call('GET', `/v1/reservations/${a.json.reservation.id}`)).json.reservation.status, 'pending_payment');
    assert.equal((await s.call('GET', `/v1/reservations/${b.id}`)).json.reservation.status, 'confirmed');
    // A released reservation is not listed.
    assert.equal((await s.call('DELETE', `/v1/reservations/${a.json.reservation.id}`)).status, 200);
    const again = await s.call('PUT', '/v1/experts/busy/busy/dentist', { body: { start: slot(1, 11, 15), end: slot(1, 12, 30) }, headers: s.admin });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json.overlapping_reservations, [b.id]);
  });

  it('moving or deleting a block frees its old time', async () => {
    const path = '/v1/experts/busy/busy/lunch';
    assert.equal((await s.call('PUT', path, { body: { start: slot(2, 12, 0), end: slot(2, 13, 0) }, headers: s.admin })).status, 201);
    expectError(await book(s, 'busy-30', slot(2, 12, 0), guest(210)), 409, 'slot_unavailable');
    assert.equal((await s.call('PUT', path, { body: { start: slot(2, 13, 0), end: slot(2, 14, 0) }, headers: s.admin })).status, 200);
    assert.equal((await book(s, 'busy-30', slot(2, 12, 0), guest(211))).status, 201, 'the old time is free');
    expectError(await book(s, 'busy-30', slot(2, 13, 0), guest(212)), 409, 'slot_unavailable');
    assert.equal((await s.call('DELETE', path, { headers: s.admin })).status, 200);
    assert.equal((await book(s, 'busy-30', slot(2, 13, 0), guest(213))).status, 201, 'deleted: free again');
  });

  it('a block and holds racing for the same time never both stand', async () => {
    const start = slot(3, 9, 0);
    const [blockAnswer, ...holds] = await Promise.all([
      s.call('PUT', '/v1/experts/busy/busy/race', { body: { start, end: slot(3, 10, 0) }, headers: s.admin }),
      ...Array.from({ length: 20 }, (_, i) => book(s, 'busy-30', start, guest(220 + i))),
    ]);
    assert.equal(blockAnswer.status, 201, blockAnswer.text);
    const won = holds.filter((h) => h.status === 201).map((h) => h.json.reservation.id);
    assert.ok(won.length <= 1, `at most one hold: ${won.length}`);
    for (const h of holds.filter((x) => x.status !== 201)) assert.equal(h.json.error.code, 'slot_unavailable');
    // The block was stored either way; a hold that won before it is the one it names.
    assert.deepEqual(blockAnswer.json.overlapping_reservations, won);
  });
});

// ---------------------------------------------------------------- seats

for (const store of STORES) {
  describe(`offering: seats (${WASM}, ${store} store)`, () => {
    const GUESTS = 300;
    const SEATS = 10;
    let s;
    before(async () => {
      s = await startStack({ store });
      await putEvent(s, 'workshop', eventBody('seats', { seats: SEATS, duration_minutes: 60 }));
      await putEvent(s, 'one-to-one', eventBody('seats'));
    });
    after(() => s.stop());

    it(`${GUESTS} concurrent guests for a ${SEATS}-seat start: exactly ${SEATS} holds and ${SEATS} Checkout Sessions`, async () => {
      const start = slot(1, 9, 0);
      const before = await slotsOf(s, 'workshop', start, slot(1, 9, 30));
      assert.deepEqual(before.map((x) => [x.available, x.seats_left]), [[true, SEATS]]);
      const sessionsBefore = stripeCalls(s.emulator, 'POST /v1/checkout/sessions');
      const answers = await Promise.all(
        Array.from({ length: GUESTS }, (_, i) => book(s, 'workshop', start, { email: `seat${i}@example.com`, name: `Seat Guest ${i}` })),
      );
      assert.deepEqual(statusCount(answers), { 201: SEATS, 409: GUESTS - SEATS });
      for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.json.error.code, 'slot_unavailable');
      assert.equal(stripeCalls(s.emulator, 'POST /v1/checkout/sessions') - sessionsBefore, SEATS, `exactly ${SEATS} sessions created`);
      assert.equal(s.emulator.stats().sessions.total, SEATS);
      const ids = new Set(answers.filter((x) => x.status === 201).map((x) => x.json.reservation.id));
      assert.equal(ids.size, SEATS);

      const listed = await s.call('GET', `/v1/reservations?expert_id=seats&from=${slot(0, 0, 0)}&to=${slot(3, 0, 0)}`, { headers: s.admin });
      assert.equal(listed.json.reservations.filter((r) => r.status === 'pending_payment').length, SEATS);
      const full = await slotsOf(s, 'workshop', start, slot(1, 9, 30));
      assert.deepEqual(full.map((x) => [x.available, x.seats_left]), [[false, 0]]);
    });

    it('seats_left counts down; a seat freed is a seat offered; other bookings of the expert still may not overlap', async () => {
      const start = slot(2, 9, 0);
      const seatsLeft = async () => (await slotsOf(s, 'workshop', start, slot(2, 9, 30)))[0].seats_left;
      assert.equal(await seatsLeft(), SEATS);
      const first = await book(s, 'workshop', start, guest(300));
      assert.equal(first.status, 201);
      assert.equal(await seatsLeft(), SEATS - 1);
      assert.equal((await book(s, 'workshop', start, guest(301))).status, 201);
      assert.equal(await seatsLeft(), SEATS - 2);
      // Another start of the same event type that overlaps, and another event type: 409.
      expectError(await book(s, 'workshop', slot(2, 9, 30), guest(302)), 409, 'slot_unavailable');
      expectError(await book(s, 'one-to-one', slot(2, 9, 30), guest(303)), 409, 'slot_unavailable');
      const view = await slotsOf(s, 'workshop', slot(2, 8, 0), slot(2, 11, 0));
      assert.deepEqual(view.map((x) => [x.start.slice(11, 16), x.available, x.seats_left]), [
        ['08:00', true, SEATS], ['08:30', false, 0], ['09:00', true, SEATS - 2], ['09:30', false, 0], ['10:00', true, SEATS], ['10:30', true, SEATS],
      ]);
      assert.equal((await s.call('DELETE', `/v1/reservations/${first.json.reservation.id}`)).status, 200);
      assert.equal(await seatsLeft(), SEATS - 1);
      // A one-to-one event shows no seats_left.
      const single = await slotsOf(s, 'one-to-one', slot(2, 12, 0), slot(2, 13, 0));
      for (const x of single) assert.deepEqual(Object.keys(x).sort(), ['available', 'end', 'start']);
    });
  });
}

// ---------------------------------------------------------------- reschedule

describe(`offering: reschedule (${WASM})`, () => {
  let s;
  const received = [];
  let receiver;
  before(async () => {
    receiver = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    s = await startStack({
      notifyUrl: `http://127.0.0.1:${receiver.address().port}/hooks`,
      notifySecret: 'ntfsec_offering_0123456789abcdef',
      notifyIntervalMs: 0,
    });
    await putEvent(s, 'move', eventBody('mover', { reschedule_min_notice_minutes: 0 }));
    await putEvent(s, 'move-late', eventBody('mover-late', { reschedule_min_notice_minutes: 3 * 24 * 60 }));
    await putEvent(s, 'move-once', eventBody('mover-once', { reschedule: { before_minutes: 0, max_times: 1 } }));
  });
  after(async () => {
    await s.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const reschedule = (id, start) => s.call('POST', `/v1/reservations/${id}/reschedule`, { body: { start } });

  it('moves a pending hold in one step: the old time is free, the new one taken, the checkout still valid', async () => {
    const held = await book(s, 'move', slot(1, 9, 0), guest(400));
    assert.equal(held.status, 201);
    const { id, checkout_session_id } = held.json.reservation;
    const moved = await reschedule(id, slot(1, 10, 0));
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.reservation.id, id);
    assert.equal(moved.json.reservation.start, slot(1, 10, 0));
    assert.equal(moved.json.reservation.end, slot(1, 10, 30));
    assert.equal(moved.json.reservation.status, 'pending_payment');
    assert.equal(moved.json.reservation.checkout_session_id, checkout_session_id);
    assert.equal(moved.json.checkout_url, held.json.checkout_url);
    assert.equal(s.emulator.state.sessions.get(checkout_session_id).status, 'open');
    const view = await slotsOf(s, 'move', slot(1, 9, 0), slot(1, 10, 30));
    assert.deepEqual(view.map((x) => x.available), [true, true, false]);
    assert.equal((await book(s, 'move', slot(1, 9, 0), guest(401))).status, 201, 'the old time is free');
    const same = await reschedule(id, slot(1, 10, 0));
    assert.equal(same.status, 200, 'moving to where it is changes nothing');
    assert.equal(same.json.reservation.start, slot(1, 10, 0));
  });

  it('into a taken time: 409 slot_unavailable, and the booking keeps its time', async () => {
    const mine = await confirmed(s, 'move', slot(2, 9, 0), guest(410));
    const theirs = await book(s, 'move', slot(2, 11, 0), guest(411));
    assert.equal(theirs.status, 201);
    const refused = await reschedule(mine.id, slot(2, 11, 0));
    expectError(refused, 409, 'slot_unavailable');
    const after = (await s.call('GET', `/v1/reservations/${mine.id}`)).json.reservation;
    assert.equal(after.start, slot(2, 9, 0));
    assert.equal(after.status, 'confirmed');
    expectError(await book(s, 'move', slot(2, 9, 0), guest(412)), 409, 'slot_unavailable'); // still held by mine
  });

  it('moves a confirmed booking; the payment stays attached; reservation.rescheduled is sent', async () => {
    const booking = await confirmed(s, 'move', slot(3, 9, 0), guest(420));
    const moved = await reschedule(booking.id, slot(3, 15, 0));
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.reservation.status, 'confirmed');
    assert.equal(moved.json.reservation.start, slot(3, 15, 0));
    assert.equal(moved.json.reservation.payment_intent_id, booking.payment_intent_id);
    assert.equal(moved.json.checkout_url, undefined, 'no checkout for a paid booking');
    assert.equal((await book(s, 'move', slot(3, 9, 0), guest(421))).status, 201);
    expectError(await book(s, 'move', slot(3, 15, 0), guest(422)), 409, 'slot_unavailable');

    await s.host.notify();
    const notes = received.filter((n) => n.data.reservation.id === booking.id);
    const rescheduled = notes.filter((n) => n.type === 'reservation.rescheduled');
    assert.equal(rescheduled.length, 1, JSON.stringify(notes.map((n) => n.type)));
    assert.equal(rescheduled[0].data.reservation.start, slot(3, 15, 0));
    const validate = contract().schemaValidator('#/components/schemas/Notification', { $ref: '#/components/schemas/Notification' });
    for (const n of received) assert.ok(validate(n), `${n.type}: ${JSON.stringify(validate.errors)}`);
  });

  it('409 reservation_not_movable: released, or sooner than the reschedule notice; 422 for a new start inside it', async () => {
    const held = await book(s, 'move', slot(4, 9, 0), guest(430));
    assert.equal((await s.call('DELETE', `/v1/reservations/${held.json.reservation.id}`)).status, 200);
    expectError(await reschedule(held.json.reservation.id, slot(4, 10, 0)), 409, 'reservation_not_movable');

    const soon = await book(s, 'move-late', slot(1, 9, 0), guest(431)); // under 3 days away
    assert.equal(soon.status, 201);
    expectError(await reschedule(soon.json.reservation.id, slot(6, 9, 0)), 409, 'reservation_not_movable');
    const later = await book(s, 'move-late', slot(6, 9, 0), guest(432));
    assert.equal(later.status, 201);
    expectError(await reschedule(later.json.reservation.id, slot(1, 10, 0)), 422, 'slot_not_offered');
    const fine = await reschedule(later.json.reservation.id, slot(7, 9, 0));
    assert.equal(fine.status, 200, fine.text);
  });

  it('reschedule.max_times: the move past it is 409 reschedule_limit_reached; the booking stays paid where it is', async () => {
    const booking = await confirmed(s, 'move-once', slot(1, 9, 0), guest(450));
    assert.equal(booking.reschedule_count, 0);
    const moved = await reschedule(booking.id, slot(1, 11, 0));
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.reservation.reschedule_count, 1);
    const again = await reschedule(booking.id, slot(1, 11, 0));
    assert.equal(again.status, 200, 'the same move repeated changes nothing');
    assert.equal(again.json.reservation.reschedule_count, 1, 'and is not counted again');
    const refused = await reschedule(booking.id, slot(1, 13, 0));
    expectError(refused, 409, 'reschedule_limit_reached');
    assert.match(refused.json.error.message, /reschedule\.max_times/);
    const after = (await s.call('GET', `/v1/reservations/${booking.id}`)).json.reservation;
    assert.equal(after.status, 'confirmed');
    assert.equal(after.start, slot(1, 11, 0));
    assert.equal(after.payment_intent_id, booking.payment_intent_id);
    assert.equal((await book(s, 'move-once', slot(1, 13, 0), guest(451))).status, 201, 'the refused time stayed free');
    expectError(await book(s, 'move-once', slot(1, 11, 0), guest(452)), 409, 'slot_unavailable');
  });

  it('respects the expert\'s working hours', async () => {
    await putHours(s, 'mover', { time_zone: 'UTC', weekly: everyDay([['09:00', '12:00']]) });
    const held = await book(s, 'move', slot(5, 9, 0), guest(440));
    assert.equal(held.status, 201);
    expectError(await reschedule(held.json.reservation.id, slot(5, 13, 0)), 422, 'slot_not_offered');
    assert.equal((await reschedule(held.json.reservation.id, slot(5, 11, 30))).status, 200);
  });
});

// ---------------------------------------------------------------- cancellation with a refund policy

describe(`offering: cancelling a confirmed booking under its policy (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
    // Full refund more than 48 hours ahead, half within them.
    await putEvent(s, 'half', eventBody('cancel', { price: { amount: 5001, currency: 'eur' }, cancellation: { refund_before_minutes: 2880, refund_percent: 50 } }));
    // Always within the window, and nothing back within it.
    await putEvent(s, 'nothing', eventBody('cancel', { cancellation: { refund_before_minutes: 525600, refund_percent: 0 } }));
    await putEvent(s, 'strict', eventBody('cancel'));
    // Three tiers: all of it six days ahead, 75 % two days ahead, half until an hour before.
    await putEvent(s, 'tiered', eventBody('cancel', {
      price: { amount: 5001, currency: 'eur' },
      cancellation: { tiers: [
        { before_minutes: 8640, refund_percent: 100 },
        { before_minutes: 2880, refund_percent: 75 },
        { before_minutes: 60, refund_percent: 50 },
      ] },
    }));
  });
  after(() => s.stop());

  const cancel = (id) => s.call('DELETE', `/v1/reservations/${id}`);

  it('more than refund_before_minutes ahead: refunded in full, the slot freed', async () => {
    const booking = await confirmed(s, 'half', slot(5, 9, 0), guest(500));
    const r = await cancel(booking.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.reservation.status, 'refunded');
    assert.equal(r.json.reservation.release_reason, 'cancelled');
    assert.deepEqual(r.json.reservation.refund, { amount: 5001, currency: 'eur' });
    const refunds = refundsOf(s.emulator, booking.payment_intent_id);
    assert.deepEqual(refunds.map((x) => x.amount), [5001]);
    assert.equal(refunds[0].metadata.reservation_id, booking.id);
    assert.equal((await book(s, 'half', slot(5, 9, 0), guest(501))).status, 201, 'the slot is free again');
    const again = await cancel(booking.id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json.reservation.refund, { amount: 5001, currency: 'eur' });
    assert.equal(refundsOf(s.emulator, booking.payment_intent_id).length, 1, 'a repeated DELETE refunds nothing more');
  });

  it('within refund_before_minutes: refund_percent of the price, as the emulator shows', async () => {
    const booking = await confirmed(s, 'half', slot(0, 20, 0), guest(510)); // under 48 hours away
    const r = await cancel(booking.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.reservation.status, 'refunded');
    assert.deepEqual(r.json.reservation.refund, { amount: 2500, currency: 'eur' }, '50 % of 5001, in whole cents, rounded down');
    const refunds = refundsOf(s.emulator, booking.payment_intent_id);
    assert.deepEqual(refunds.map((x) => [x.amount, x.status]), [[2500, 'succeeded']]);
    const charge = [...s.emulator.state.charges.values()].find((c) => c.payment_intent === booking.payment_intent_id);
    assert.equal(charge.amount_refunded, 2500);
    assert.equal(charge.refunded, false, 'partly refunded');
  });

  it('tiers: the tier the cancellation is still ahead of, as the emulator shows', async () => {
    const half = await confirmed(s, 'tiered', slot(0, 20, 30), guest(540)); // 20 to 44 hours away
    assert.equal(half.cancellation.tiers.length, 3);
    assert.equal(half.cancellation.tiers[2].until, iso(Date.parse(slot(0, 20, 30)) - HOUR), 'the last tier ends an hour before the start');
    const r = await cancel(half.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.reservation.status, 'refunded');
    assert.deepEqual(r.json.reservation.refund, { amount: 2500, currency: 'eur' }, '50 % of 5001, rounded down');
    assert.deepEqual(refundsOf(s.emulator, half.payment_intent_id).map((x) => [x.amount, x.status]), [[2500, 'succeeded']]);
    const charge = [...s.emulator.state.charges.values()].find((c) => c.payment_intent === half.payment_intent_id);
    assert.equal(charge.amount_refunded, 2500);

    const most = await confirmed(s, 'tiered', slot(3, 9, 30), guest(541)); // 81 to 106 hours away
    const m = await cancel(most.id);
    assert.deepEqual(m.json.reservation.refund, { amount: 3750, currency: 'eur' }, '75 % of 5001, rounded down');
    assert.deepEqual(refundsOf(s.emulator, most.payment_intent_id).map((x) => x.amount), [3750]);
  });

  it('a 0 % policy: released with nothing back, and no refund at Stripe', async () => {
    const booking = await confirmed(s, 'nothing', slot(6, 9, 0), guest(520));
    const refundsBefore = stripeCalls(s.emulator, 'POST /v1/refunds');
    const r = await cancel(booking.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.reservation.status, 'released');
    assert.equal(r.json.reservation.release_reason, 'cancelled');
    assert.equal(r.json.reservation.refund, undefined);
    assert.equal(stripeCalls(s.emulator, 'POST /v1/refunds'), refundsBefore);
    assert.deepEqual(refundsOf(s.emulator, booking.payment_intent_id), []);
    assert.equal((await book(s, 'nothing', slot(6, 9, 0), guest(521))).status, 201, 'the slot is free again');
  });

  it('no policy: 409 reservation_confirmed, and the booking stands', async () => {
    const booking = await confirmed(s, 'strict', slot(7, 9, 0), guest(530));
    expectError(await cancel(booking.id), 409, 'reservation_confirmed');
    assert.equal((await s.call('GET', `/v1/reservations/${booking.id}`)).json.reservation.status, 'confirmed');
    expectError(await book(s, 'strict', slot(7, 9, 0), guest(531)), 409, 'slot_unavailable');
    assert.deepEqual(refundsOf(s.emulator, booking.payment_intent_id), []);
  });
});

// ---------------------------------------------------------------- time zones across daylight-saving changes

// The hosts' clock is set (createSlotguard's `now`, the emulator's clock) to mid-January
// 2026, so that the 2026 changes are still ahead and the 2027 ones within the horizon.
const CLOCK_BASE = Date.UTC(2026, 0, 15, 12, 0, 0);
const ZONES = {
  // What people know about each change: the local times a spring change skips and an
  // autumn change repeats. Intl finds the dates and the offsets.
  'Europe/Lisbon': { changed: ['01:00', '01:30'] },
  'America/New_York': { spring: ['02:00', '02:30'], autumn: ['01:00', '01:30'] },
  'Australia/Sydney': { changed: ['02:00', '02:30'] },
};
const NIGHT = [['00:00', '04:00']];
const MORNING = [['09:00', '12:00']];
const NIGHT_WALLS = ['00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30'];

describe(`offering: time zones across the 2026 and 2027 changes (${WASM}, clock ${iso(CLOCK_BASE)})`, () => {
  let s;
  const startedAt = Date.now();
  const clock = () => CLOCK_BASE + (Date.now() - startedAt);
  const idOf = (zone) => zone.replace(/[^A-Za-z]/g, '-').toLowerCase();
  before(async () => {
    s = await startStack({ clock });
    for (const zone of Object.keys(ZONES)) {
      await putHours(s, idOf(zone), { time_zone: zone, weekly: everyDay([...NIGHT, ...MORNING]) });
      await putEvent(s, idOf(zone), eventBody(idOf(zone), { max_advance_days: 730 }));
    }
  });
  after(() => s.stop());

  it('Intl finds two changes a year in each zone', () => {
    for (const zone of Object.keys(ZONES))
      for (const year of [2026, 2027]) assert.equal(transitions(zone, year).length, 2, `${zone} ${year}`);
  });

  let guestNo = 700;
  for (const [zone, known] of Object.entries(ZONES)) {
    for (const year of [2026, 2027]) {
      for (const change of transitions(zone, year)) {
        const spring = change.after > change.before; // clocks go forward: an hour is skipped
        const day = wall(zone, change.at).date;
        it(`${zone}: ${spring ? 'clocks forward' : 'clocks back'} on ${day} (UTC ${iso(change.at)})`, async () => {
          const event = idOf(zone);
          const from = Math.floor(change.at / HOUR) * HOUR - 48 * HOUR;
          const to = from + 96 * HOUR;
          const offered = await slotsOf(s, event, iso(from), iso(to));
          const intervals = [...NIGHT, ...MORNING].map(([a, b]) => [hhmm(a), hhmm(b)]);

          // Exactly what Intl says should be offered, all of it free.
          assert.deepEqual(offered.map((x) => x.start), expectedStarts(zone, intervals, from, to, 30, 30));
          for (const x of offered) {
            assert.equal(x.available, true);
            const w = wall(zone, Date.parse(x.start));
            assert.ok(intervals.some(([a, b]) => w.minutes >= a && w.minutes + 30 <= b), `${x.start} is ${w.time} local, outside the hours`);
          }

          // The night of the change: a skipped local time is absent, a repeated one appears once.
          const nightOfChange = offered.map((x) => wall(zone, Date.parse(x.start))).filter((w) => w.date === day && w.minutes < 240).map((w) => w.time);
          const changed = known.changed ?? (spring ? known.spring : known.autumn);
          if (spring) assert.deepEqual(nightOfChange, NIGHT_WALLS.filter((t) => !changed.includes(t)));
          else assert.deepEqual(nightOfChange, NIGHT_WALLS, 'each local time once, in order');

          // 09:00 stays 09:00 local on both sides; its UTC time moves by the change.
          const nineOn = (date) => offered.filter((x) => { const w = wall(zone, Date.parse(x.start)); return w.date === date && w.time === '09:00'; });
          const dayBefore = wall(zone, change.at - 24 * HOUR).date;
          const dayAfter = wall(zone, change.at + 24 * HOUR).date;
          const [nineBefore] = nineOn(dayBefore);
          const [nineAfter] = nineOn(dayAfter);
          assert.ok(nineBefore && nineAfter, `09:00 is offered on ${dayBefore} and ${dayAfter}`);
          const shift = (change.after - change.before) * MIN;
          assert.equal(Date.parse(nineAfter.start) - Date.parse(nineBefore.start), 2 * DAY - shift);
          assert.equal(Date.parse(nineBefore.start), Date.UTC(...dayBefore.split('-').map((v, i) => +v - (i === 1 ? 1 : 0)), 9) - change.before * MIN);

          // The hold follows the same rule: 09:00 local after the change is held; a start
          // outside the hours, and the second occurrence of a repeated time, are refused.
          const held = await book(s, event, nineAfter.start, guest(guestNo++));
          assert.equal(held.status, 201, held.text);
          expectError(await book(s, event, iso(Date.parse(nineAfter.start) - 30 * MIN), guest(guestNo++)), 422, 'slot_not_offered');
          if (!spring) {
            const firstTime = offered.find((x) => { const w = wall(zone, Date.parse(x.start)); return w.date === day && w.time === changed[0]; });
            const secondTime = Date.parse(firstTime.start) + HOUR;
            assert.equal(wall(zone, secondTime).time, changed[0], 'Intl agrees the time happens twice');
            expectError(await book(s, event, iso(secondTime), guest(guestNo++)), 422, 'slot_not_offered');
            assert.equal((await book(s, event, firstTime.start, guest(guestNo++))).status, 201, 'the first occurrence is held');
          }
        });
      }
    }
  }
});
