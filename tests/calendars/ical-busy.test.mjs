// The expansion of iCalendar feeds into busy events (host-shims/js-bridge/src/ical-busy.js),
// on plain .ics fixtures, without a server or the core: which events are busy, their
// keys, recurrences with EXDATE and moved or freed occurrences, time zones from a
// VTIMEZONE and from an IANA TZID across a daylight-saving change, all-day events as
// dates, and text that is not iCalendar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { busyEventsOf } from '../../host-shims/js-bridge/src/ical-busy.js';

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}.ics`, import.meta.url), 'utf8');
const MARCH = [Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z')];
const byKey = (events) => Object.fromEntries(events.map(({ key, ...rest }) => [key, rest]));

test('single events: busy ones in the window; transparent, cancelled and past ones left out', () => {
  const events = byKey(busyEventsOf(fixture('single'), ...MARCH));
  assert.deepEqual(Object.keys(events).sort(), ['allday-1@example.com', 'allday-2@example.com', 'folded@example.com', 'plain-1@example.com']);
  assert.deepEqual(events['plain-1@example.com'], { start: '2026-03-10T14:00:00.000Z', end: '2026-03-10T15:30:00.000Z' });
  // DURATION instead of DTEND, in a folded and escaped event.
  assert.deepEqual(events['folded@example.com'], { start: '2026-03-13T08:00:00.000Z', end: '2026-03-13T08:45:00.000Z' });
});

test('all-day events are dates (the core places them in the expert\'s zone); no DTEND is one day', () => {
  const events = byKey(busyEventsOf(fixture('single'), ...MARCH));
  assert.deepEqual(events['allday-1@example.com'], { start_date: '2026-03-16', end_date: '2026-03-19' });
  assert.deepEqual(events['allday-2@example.com'], { start_date: '2026-03-20', end_date: '2026-03-21' });
});

test('a weekly series in a VTIMEZONE: EXDATE skipped, one occurrence moved, one made free, DST followed', () => {
  const events = busyEventsOf(fixture('recurring'), ...MARCH).filter((e) => e.key.startsWith('weekly-1'));
  assert.deepEqual(events, [
    // 10:00 Eastern: EST (-5) before 8 March, EDT (-4) after.
    { key: 'weekly-1@example.com|2026-03-02T10:00:00', start: '2026-03-02T15:00:00.000Z', end: '2026-03-02T16:00:00.000Z' },
    { key: 'weekly-1@example.com|2026-03-09T10:00:00', start: '2026-03-09T14:00:00.000Z', end: '2026-03-09T15:00:00.000Z' },
    // 16 March: EXDATE. 23 March: moved to Tuesday 15:00, keyed by the original occurrence.
    { key: 'weekly-1@example.com|2026-03-23T10:00:00', start: '2026-03-24T19:00:00.000Z', end: '2026-03-24T20:00:00.000Z' },
    // 30 March: TRANSP:TRANSPARENT on that occurrence only.
  ]);
});

test('a daily series that began years ago is expanded only within the window', () => {
  const events = busyEventsOf(fixture('recurring'), ...MARCH).filter((e) => e.key.startsWith('daily-forever'));
  assert.equal(events.length, 31);
  assert.equal(events[0].start, '2026-03-01T12:00:00.000Z');
  assert.equal(events[30].start, '2026-03-31T12:00:00.000Z');
  const week = busyEventsOf(fixture('recurring'), Date.parse('2026-03-10T00:00:00Z'), Date.parse('2026-03-17T00:00:00Z'));
  assert.equal(week.filter((e) => e.key.startsWith('daily-forever')).length, 7);
});

test('an IANA TZID without a VTIMEZONE follows that zone across its change; a floating time is UTC', () => {
  const events = byKey(busyEventsOf(fixture('iana'), ...MARCH));
  // Europe/Berlin: CET (+1) until 29 March 2026 02:00, CEST (+2) after.
  assert.equal(events['berlin-1@example.com|2026-03-28T09:00:00'].start, '2026-03-28T08:00:00.000Z');
  assert.equal(events['berlin-1@example.com|2026-03-29T09:00:00'].start, '2026-03-29T07:00:00.000Z');
  assert.equal(events['floating-1@example.com'].start, '2026-03-27T09:00:00.000Z');
});

test('text that is not iCalendar throws, so the sync reports the feed as failed', () => {
  assert.throws(() => busyEventsOf(fixture('broken'), ...MARCH), /invalid line/);
  assert.throws(() => busyEventsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n', ...MARCH), /not an iCalendar feed/);
});
