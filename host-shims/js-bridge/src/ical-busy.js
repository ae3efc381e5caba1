// An iCalendar feed's busy time, as the core's calendar sync takes it (POST
// /v1/experts/{id}/calendars/{feed}/sync, core/slotguard/api/calendars_handler.cpp).
// Reading iCalendar is ical.js's job (RFC 5545: line folding, escapes, RRULE, EXDATE,
// RECURRENCE-ID overrides, VTIMEZONE): this module only asks it which events fall in
// the core's window and says each one's key, start and end. What the events then
// become (blocks of at most a day, their ids, which ones are removed) the core decides.
//
//   - An event is busy unless TRANSP:TRANSPARENT or STATUS:CANCELLED (an override of
//     one occurrence decides for that occurrence).
//   - Its key is its UID; an occurrence of a recurring event adds which occurrence
//     ("<UID>|<RECURRENCE-ID>"), so a moved occurrence keeps its key and its block.
//   - Times with a TZID the feed defines (VTIMEZONE) are ical.js's; a TZID it does not
//     define is read as an IANA zone (Intl); times without a zone (floating) as UTC.
//   - An all-day event (DTSTART;VALUE=DATE) is sent as dates: the core places them in
//     the expert's own time zone.
import ICAL from 'ical.js';

/** @typedef {{key: string, start: string, end: string} | {key: string, start_date: string, end_date: string}} BusyEvent */

const DAY_MS = 86_400_000;
// A recurring event is expanded at most this far; one that began long ago and repeats
// often still reaches today well within it.
const MAX_OCCURRENCES_PER_EVENT = 20_000;

/**
 * The busy events of `icsText` that overlap [fromMs, toMs).
 * Throws (an Error with the parser's message) when the text is not iCalendar.
 * @param {string} icsText
 * @param {number} fromMs
 * @param {number} toMs
 * @returns {BusyEvent[]}
 */
export function busyEventsOf(icsText, fromMs, toMs) {
  const root = new ICAL.Component(ICAL.parse(icsText));
  if (root.name !== 'vcalendar') throw new Error(`not an iCalendar feed (the top component is ${root.name})`);
  /** @type {Map<string, {master?: ICAL.Component, overrides: ICAL.Component[]}>} */
  const byUid = new Map();
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
    if (!uid) continue; // RFC 5545 requires one; without it nothing keys the block
    const entry = byUid.get(uid) ?? { overrides: [] };
    if (vevent.hasProperty('recurrence-id')) entry.overrides.push(vevent);
    else entry.master = vevent;
    byUid.set(uid, entry);
  }
  /** @type {BusyEvent[]} */
  const out = [];
  for (const [uid, { master, overrides }] of byUid) {
    if (master) {
      const event = new ICAL.Event(master, { exceptions: overrides });
      if (event.isRecurring()) expandRecurring(event, uid, fromMs, toMs, out);
      else pushIfBusy(master, uid, event.startDate, event.endDate, fromMs, toMs, out);
    } else {
      // Overrides whose series the feed does not carry: each stands alone.
      for (const o of overrides) {
        const event = new ICAL.Event(o);
        pushIfBusy(o, `${uid}|${event.recurrenceId}`, event.startDate, event.endDate, fromMs, toMs, out);
      }
    }
  }
  return out;
}

/**
 * @param {ICAL.Event} event  @param {string} uid  @param {number} fromMs  @param {number} toMs
 * @param {BusyEvent[]} out
 */
function expandRecurring(event, uid, fromMs, toMs, out) {
  const it = event.iterator();
  for (let n = 0; n < MAX_OCCURRENCES_PER_EVENT; n++) {
    const next = it.next();
    if (!next) return;
    const details = event.getOccurrenceDetails(next);
    // Occurrences come in order of their original start; an override may move one
    // anywhere, so the loop ends only once originals are past the window and a day.
    if (instantOf(next, event.component.getFirstProperty('dtstart')) >= toMs + DAY_MS) return;
    pushIfBusy(details.item.component, `${uid}|${next}`, details.startDate, details.endDate, fromMs, toMs, out);
  }
}

/**
 * @param {ICAL.Component} component  the VEVENT that says whether this time is busy
 * @param {string} key  @param {ICAL.Time} start  @param {ICAL.Time | null} end
 * @param {number} fromMs  @param {number} toMs  @param {BusyEvent[]} out
 */
function pushIfBusy(component, key, start, end, fromMs, toMs, out) {
  if (!start) return;
  const transp = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  if (transp === 'TRANSPARENT' || status === 'CANCELLED') return;
  if (start.isDate) {
    // No DTEND and no DURATION: one day (RFC 5545 3.6.1).
    let last = end;
    if (!last || last.compare(start) <= 0) {
      last = start.clone();
      last.adjust(1, 0, 0, 0);
    }
    // Dates are placed in the expert's zone by the core: a day's margin either side.
    if (dateMs(last) <= fromMs - DAY_MS || dateMs(start) >= toMs + DAY_MS) return;
    out.push({ key, start_date: start.toString(), end_date: last.toString() });
    return;
  }
  if (!end) return; // a date-time event without an end takes no time
  const startMs = instantOf(start, component.getFirstProperty('dtstart'));
  const endMs = instantOf(end, component.getFirstProperty('dtend') ?? component.getFirstProperty('dtstart'));
  if (!(endMs > startMs) || endMs <= fromMs || startMs >= toMs) return;
  out.push({ key, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() });
}

/** @param {ICAL.Time} t */
function dateMs(t) {
  return Date.UTC(t.year, t.month - 1, t.day);
}

/**
 * The instant of a date-time. A zone ical.js knows (UTC, a VTIMEZONE of the feed)
 * decides; a time ical.js left floating takes the TZID of `prop` as an IANA zone when
 * the platform knows it, else UTC.
 * @param {ICAL.Time} t  @param {ICAL.Property | null} prop
 */
function instantOf(t, prop) {
  const zone = t.zone;
  if (zone && zone !== ICAL.Timezone.localTimezone && zone.tzid !== 'floating') return t.toUnixTime() * 1000;
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const tzid = prop?.getParameter('tzid');
  const id = typeof tzid === 'string' ? ianaZone(tzid) : null;
  if (!id) return wall;
  // The offset at a first guess, then at the instant it gives (right across a change).
  let utc = wall - offsetMs(id, wall);
  utc = wall - offsetMs(id, utc);
  return utc;
}

/** @type {Map<string, string | null>} */
const knownZones = new Map();

/** A TZID the platform knows as an IANA zone (some feeds prefix it with a path), or null.
 * @param {string} tzid */
function ianaZone(tzid) {
  if (knownZones.has(tzid)) return /** @type {string | null} */ (knownZones.get(tzid));
  /** @type {string | null} */
  let found = null;
  const parts = tzid.split('/').filter(Boolean);
  for (const candidate of [tzid, parts.slice(-2).join('/'), parts.slice(-3).join('/')]) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: candidate });
      found = candidate;
      break;
    } catch {
      // not a zone this platform knows
    }
  }
  knownZones.set(tzid, found);
  return found;
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/** The zone's offset from UTC at `utcMs`, in ms (positive east of Greenwich).
 * @param {string} zone  @param {number} utcMs */
function offsetMs(zone, utcMs) {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(zone, f);
  }
  /** @type {Record<string, number>} */
  const p = {};
  for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}
