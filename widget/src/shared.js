// What the booking widget and the expert's console share: the client, times in a
// chosen IANA time zone (Intl only, no time-zone library), prices, and small DOM helpers.
import { createClient, isSlotguardError } from '../../client/src/index.js';

export { createClient, isSlotguardError };

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** The browser's own time zone, e.g. "Europe/Lisbon". */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Every IANA zone the browser knows (its own first when the list lacks it). */
export function timeZones() {
  /** @type {string[]} */
  let zones = [];
  try {
    zones = /** @type {any} */ (Intl).supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const own = browserTimeZone();
  return zones.includes(own) ? zones : [own, ...zones];
}

/** True when `zone` is a time zone Intl accepts. */
export function validTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall clock of `ms` in `timeZone` as numbers.
 * @param {number} ms @param {string} timeZone
 */
function wallClock(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(ms);
  /** @type {Record<string, number>} */
  const v = {};
  for (const p of parts) if (p.type !== 'literal') v[p.type] = Number(p.value);
  return v;
}

/** How far `timeZone` is ahead of UTC at `ms`, in ms. */
export function offsetMs(ms, timeZone) {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour % 24, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** "HH:MM" (24 h) of `ms` in `timeZone`. */
export function hhmmIn(ms, timeZone) {
  const w = wallClock(ms, timeZone);
  return `${String(w.hour % 24).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

/** "YYYY-MM-DD" of `ms` in `timeZone`. */
export function dayIn(ms, timeZone) {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant of local `hh:mm` on `day` ("YYYY-MM-DD") in `timeZone` (a skipped time moves forward). */
export function instantOf(day, hhmm, timeZone) {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

/** Local midnight starting `day` in `timeZone`. */
export const startOfDay = (day, timeZone) => instantOf(day, '00:00', timeZone);

/** `day` moved by `n` calendar days. */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** RFC 3339 in UTC without milliseconds, as the API writes its own timestamps. */
export const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Times and dates in the browser's language, in `timeZone`. */
export const formatTime = (iso, timeZone) =>
  new Intl.DateTimeFormat(undefined, { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(iso));

export const formatDay = (msOrIso, timeZone) =>
  new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(msOrIso));

export const formatShortDay = (msOrIso, timeZone) =>
  new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(msOrIso));

export const formatWhen = (iso, timeZone) =>
  new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));

/** A zone's short name at `iso` in the browser's language ("GMT+9", "WET", ...). */
export function zoneName(iso, timeZone) {
  const part = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(iso))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** Prices are in minor units; how many depends on the currency (JPY has none). */
export function formatPrice(price) {
  if (!price) return '';
  const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency: price.currency.toUpperCase() });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(price.amount / 10 ** digits);
}

/** "in 29 minutes", in the browser's language. */
export function durationUntil(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / MINUTE));
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });
  return minutes < 90 ? rtf.format(minutes, 'minute') : rtf.format(Math.round(minutes / 60), 'hour');
}

/**
 * An element: attributes (`text` sets its text; false/null/undefined leave one out),
 * then its children. A listener is an `on<event>` attribute holding a function.
 * @param {string} tag @param {Record<string, any>} [attrs] @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined && v !== null) node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children);
  return node;
}

/** What a failed call means to a person, in one sentence. */
export function problemText(error) {
  if (!isSlotguardError(error)) return 'The booking service could not be reached. Check your connection and try again.';
  if (error.status >= 500) return 'The booking service is busy or unavailable right now. Please try again in a moment.';
  return error.detail;
}

/** A date without its weekday or time ("12 March 2026"), in the browser's language. */
export const formatDate = (msOrIso, timeZone) =>
  new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: 'long' }).format(new Date(msOrIso));

// The guest's prepaid pack, remembered in this browser per API and event type (a pack is
// bought for one event type), so that coming back to the page offers its credits again.
// Storage may be refused (private windows, blocked cookies): the guest then pastes the code.
const packKey = (api, eventId) => `slotguard-pack:${api || location.origin}:${eventId}`;

/** The pack id remembered for `eventId` on this API, or null. */
export function rememberedPack(api, eventId) {
  try {
    return localStorage.getItem(packKey(api, eventId));
  } catch {
    return null;
  }
}

/** Remembers `packId` for `eventId` (null forgets it). */
export function rememberPack(api, eventId, packId) {
  try {
    if (packId) localStorage.setItem(packKey(api, eventId), packId);
    else localStorage.removeItem(packKey(api, eventId));
  } catch {
    // not remembered: the guest keeps the code the page shows
  }
}

/**
 * Where a pack stands for booking: `usable`, `pending` (its payment has not arrived),
 * `lapsed` (its checkout expired unpaid), `expired` or `used_up`.
 * @param {{ status: string, credits_left: number, expires_at?: string | null }} pack
 */
export function packState(pack, now = Date.now()) {
  if (pack.status === 'pending_payment') return 'pending';
  if (pack.status !== 'active') return 'lapsed';
  if (pack.expires_at && Date.parse(pack.expires_at) <= now) return 'expired';
  return pack.credits_left > 0 ? 'usable' : 'used_up';
}

/** "3 of 4 credits left", counted in the browser's language. */
export const creditsText = (pack) =>
  `${pack.credits_left} of ${pack.sessions} ${pack.sessions === 1 ? 'credit' : 'credits'} left`;
