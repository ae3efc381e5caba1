// What both pages of the booking example share: reading the configuration, calling the
// slotguard API, formatting times and prices for the guest, and remembering a booking
// attempt across the trip to checkout (sessionStorage: Stripe can put the Checkout
// Session id into success_url, but not slotguard's reservation id, which does not exist
// yet when the URLs are sent).

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The configuration: config.js, then the query parameters that may override it. */
export function loadConfig(search = location.search) {
  const base = window.SLOTGUARD_BOOKING ?? {};
  const q = new URLSearchParams(search);
  const cfg = {
    apiBase: typeof base.apiBase === 'string' ? base.apiBase : '',
    expertId: base.expertId || 'dr-ada',
    fallbackEventIds: Array.isArray(base.fallbackEventIds) ? base.fallbackEventIds : [],
    redirectDelayMs: Number.isFinite(base.redirectDelayMs) ? base.redirectDelayMs : 1500,
  };
  if (q.get('expert')) cfg.expertId = q.get('expert');
  if (q.get('events')) cfg.fallbackEventIds = q.get('events').split(',').filter(Boolean);
  const api = q.get('api');
  if (api && apiOriginAllowed(api, base.allowedApiOrigins ?? [])) cfg.apiBase = new URL(api).origin;
  cfg.apiBase = cfg.apiBase.replace(/\/+$/, '');
  return cfg;
}

/**
 * ?api= sends the guest's name and e-mail where it points, and the guest's browser to
 * whatever checkout_url comes back: a link to this page must not be able to aim it at
 * someone else's server. So only origins the deployer listed, the page's own, or
 * loopback while developing on loopback.
 */
function apiOriginAllowed(value, allowed) {
  let u;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.origin === location.origin || allowed.includes(u.origin)) return true;
  return LOOPBACK.has(u.hostname) && LOOPBACK.has(location.hostname);
}

/**
 * One API call. Never throws: a network failure comes back as {status: 0}, so callers
 * handle every outcome in one place. `json` is the parsed body (or null).
 */
export async function api(apiBase, method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, cache: 'no-store' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(`${apiBase}${path}`, init);
  } catch {
    return { status: 0, json: null, retryAfter: null };
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return { status: res.status, json, retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null };
}

export const errorCode = (answer) => answer.json?.error?.code ?? null;

/**
 * The expert's event types: GET /v1/events?expert_id= where the core has it, else each
 * configured id on its own (an id that is not found is skipped).
 */
export async function listEvents(cfg) {
  const listed = await api(cfg.apiBase, 'GET', `/v1/events?expert_id=${encodeURIComponent(cfg.expertId)}`);
  if (listed.status === 200 && Array.isArray(listed.json?.events)) return { events: listed.json.events, ok: true };
  if (listed.status === 0) return { events: [], ok: false };
  const answers = await Promise.all(
    cfg.fallbackEventIds.map((id) => api(cfg.apiBase, 'GET', `/v1/events/${encodeURIComponent(id)}`)),
  );
  if (answers.some((a) => a.status === 0 || a.status >= 500)) return { events: [], ok: false };
  const events = answers.filter((a) => a.status === 200 && a.json?.event).map((a) => a.json.event);
  return { events: events.filter((e) => e.expert_id === cfg.expertId), ok: true };
}

/** RFC 3339 in UTC without milliseconds, as the API writes its own timestamps. */
export const rfc3339 = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The guest's local day "YYYY-MM-DD" as [start, end) instants (DST days are 23 or 25 h). */
export function dayRange(day) {
  const [y, m, d] = day.split('-').map(Number);
  return [new Date(y, m - 1, d), new Date(y, m - 1, d + 1)];
}

/** "YYYY-MM-DD" of a date in the guest's time zone (what <input type=date> holds). */
export function localDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export const formatTime = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso) =>
  new Date(iso).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export const formatWhen = (iso) => `${formatDate(iso)}, ${formatTime(iso)}`;

/** Prices are in minor units; how many depends on the currency (JPY has none). */
export function formatPrice(price) {
  if (!price) return '';
  const currency = price.currency.toUpperCase();
  const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits;
  return fmt.format(price.amount / 10 ** digits);
}

/** "in 29 minutes" / "in 2 hours" from now until `iso`. */
export function durationUntil(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / 60000));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hours`;
}

// ---- the attempt, kept across the trip to checkout --------------------------------

const ATTEMPT_PREFIX = 'slotguard.booking.';

/** A random reference for the return URLs (not the Idempotency-Key, which stays private). */
export const newReference = () => crypto.randomUUID();

export function saveAttempt(ref, record) {
  try {
    sessionStorage.setItem(ATTEMPT_PREFIX + ref, JSON.stringify(record));
  } catch {
    // storage full or disabled: the return URL also carries the reservation id when it can
  }
}

export function loadAttempt(ref) {
  try {
    return JSON.parse(sessionStorage.getItem(ATTEMPT_PREFIX + ref) ?? 'null');
  } catch {
    return null;
  }
}

/** Every attempt of this tab that reached checkout, newest first. */
export function allAttempts() {
  const out = [];
  try {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i);
      if (!key.startsWith(ATTEMPT_PREFIX)) continue;
      const record = JSON.parse(sessionStorage.getItem(key) ?? 'null');
      if (record?.reservationId) out.push(record);
    }
  } catch {
    // no storage: nothing remembered
  }
  return out.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
}
