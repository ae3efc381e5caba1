// The expert's console (examples/booking-page/console/): a static admin page on the
// typed client. The admin token lives only in this module's memory: never in storage,
// the address or a cookie, so closing or reloading the tab signs out. Every action is
// one existing API call:
//   the week's bookings       listReservations (expert_id, from, to; every page of it)
//   busy blocks               listBusy, putBusy, deleteBusy
//   working hours, overrides  getAvailability, putAvailability
//   cancelling a booking      cancelReservation, after showing the refund its terms give
//   event types               listEvents
import {
  addDays, browserTimeZone, createClient, dayIn, el, formatDay, formatPrice, formatShortDay, formatTime,
  instantOf, isSlotguardError, problemText, rfc3339, startOfDay, timeZones, validTimeZone,
} from './shared.js';

const WEEKDAYS = /** @type {const} */ (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const WEEKDAY_NAMES = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const STATUS_NAMES = {
  pending_payment: 'awaiting payment', confirmed: 'confirmed', released: 'released', refunded: 'refunded', awaiting_approval: 'awaiting approval',
};

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** What the signed-in console knows; null when signed out. */
let session = /** @type {null | {
 *   client: ReturnType<typeof createClient>, expert: string, timeZone: string, weekStart: string,
 *   availability: any | null, events: any[], reservations: any[], busy: any[] }} */ (null);

function say(text, { alert = false } = {}) {
  const box = $(alert ? 'console-alert' : 'console-status');
  box.replaceChildren(text ? el('p', { text }) : '');
  if (alert && text) box.focus();
}

// ---- signing in ---------------------------------------------------------------------

async function signIn(e) {
  e.preventDefault();
  const token = $('token').value;
  const expert = $('expert').value.trim();
  $('sign-in-error').hidden = true;
  if (!token || !expert) return;
  const client = createClient({ adminToken: token });
  $('sign-in-button').disabled = true;
  try {
    // The availability document says whether the token is good and the expert's zone.
    let availability = null;
    try {
      availability = (await client.getAvailability({ path: { expert_id: expert } })).availability ?? null;
    } catch (error) {
      if (!isSlotguardError(error, 'availability_not_found')) throw error;
    }
    const timeZone = availability?.time_zone && validTimeZone(availability.time_zone) ? availability.time_zone : browserTimeZone();
    session = { client, expert, timeZone, weekStart: mondayOf(dayIn(Date.now(), timeZone)), availability, events: [], reservations: [], busy: [] };
  } catch (error) {
    $('sign-in-button').disabled = false;
    const text = isSlotguardError(error, 'unauthorized') ? 'The admin token was not accepted. Check it and try again.' : problemText(error);
    $('sign-in-error').textContent = text;
    $('sign-in-error').hidden = false;
    $('sign-in-error').focus();
    return;
  }
  $('token').value = ''; // the token stays in `session` only
  $('sign-in-button').disabled = false;
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('signed-in-as').textContent = `Signed in for ${expert} (${session.timeZone.replace(/_/g, ' ')} time).`;
  drawAvailability();
  await Promise.all([loadWeek(), loadEvents()]);
  $('app-title').focus();
}

function signOut() {
  session = null;
  for (const id of ['calendar', 'events', 'weekly', 'overrides', 'console-status', 'console-alert', 'booking-details']) $(id).replaceChildren();
  $('app').hidden = true;
  $('sign-in').hidden = false;
  $('token').focus();
}

/** Monday of the ISO week that holds `day`. */
function mondayOf(day) {
  const [y, m, d] = day.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

// ---- the week: bookings and busy blocks -----------------------------------------------

async function loadWeek() {
  if (!session) return;
  const s = session;
  const from = startOfDay(s.weekStart, s.timeZone);
  const to = startOfDay(addDays(s.weekStart, 7), s.timeZone);
  $('week-label').textContent = `${formatShortDay(from, s.timeZone)} – ${formatShortDay(to - 1, s.timeZone)}`;
  $('calendar').setAttribute('aria-busy', 'true');
  try {
    const reservations = [];
    let cursor;
    do {
      const page = await s.client.listReservations({ query: { expert_id: s.expert, from: rfc3339(from), to: rfc3339(to), limit: 100, cursor } });
      reservations.push(...page.reservations);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const { busy } = await s.client.listBusy({ path: { expert_id: s.expert }, query: { from: rfc3339(from), to: rfc3339(to) } });
    s.reservations = reservations;
    s.busy = busy;
  } catch (error) {
    $('calendar').setAttribute('aria-busy', 'false');
    $('calendar').replaceChildren(el('p', { class: 'notice', text: `The week could not be loaded. ${problemText(error)}` }));
    return;
  }
  $('calendar').setAttribute('aria-busy', 'false');
  drawWeek();
}

function drawWeek() {
  if (!session) return;
  const s = session;
  const days = Array.from({ length: 7 }, (_, i) => addDays(s.weekStart, i));
  $('calendar').replaceChildren(...days.map((day) => {
    const items = [
      ...s.reservations.filter((r) => dayIn(Date.parse(r.start), s.timeZone) === day).map((r) => ({ at: r.start, node: bookingItem(r) })),
      ...s.busy.filter((b) => dayIn(Date.parse(b.start), s.timeZone) === day).map((b) => ({ at: b.start, node: busyItem(b) })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const noon = instantOf(day, '12:00', s.timeZone);
    return el('section', { class: 'day', 'aria-labelledby': `day-${day}`, 'data-day': day },
      el('h3', { id: `day-${day}`, text: formatShortDay(noon, s.timeZone) }),
      items.length ? el('ul', { class: 'items' }, ...items.map((i) => i.node)) : el('p', { class: 'muted small', text: 'Nothing booked' }));
  }));
}

function bookingItem(r) {
  const s = /** @type {NonNullable<typeof session>} */ (session);
  const time = `${formatTime(r.start, s.timeZone)}–${formatTime(r.end, s.timeZone)}`;
  const status = STATUS_NAMES[r.status] ?? r.status;
  return el('li', { class: `booking status-${r.status}`, 'data-reservation': r.id },
    el('button', { type: 'button', class: 'item', onclick: () => openBooking(r) },
      el('span', { class: 'time', text: time }),
      el('span', { text: `${r.guest?.name ?? r.guest?.email ?? ''} · ${r.event_id}` }),
      el('span', { class: 'badge', text: status })));
}

function busyItem(b) {
  const s = /** @type {NonNullable<typeof session>} */ (session);
  const time = `${formatTime(b.start, s.timeZone)}–${formatTime(b.end, s.timeZone)}`;
  return el('li', { class: 'busy', 'data-busy': b.id },
    el('span', { class: 'time', text: time }), el('span', { text: 'Busy' }),
    el('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove busy block ${time} on ${formatDay(b.start, s.timeZone)}`, text: 'Remove',
      onclick: () => removeBusy(b) }));
}

async function removeBusy(b) {
  if (!session) return;
  try {
    await session.client.deleteBusy({ path: { expert_id: session.expert, block_id: b.id } });
    say(`The busy block at ${formatTime(b.start, session.timeZone)} on ${formatDay(b.start, session.timeZone)} was removed.`);
  } catch (error) {
    say(`The busy block could not be removed. ${problemText(error)}`, { alert: true });
  }
  await loadWeek();
}

async function addBusy(e) {
  e.preventDefault();
  if (!session) return;
  const s = session;
  const day = $('busy-day').value;
  const from = $('busy-from').value;
  const to = $('busy-to').value;
  if (!day || !from || !to) return $('busy-form').reportValidity();
  const start = instantOf(day, from, s.timeZone);
  const end = to <= from ? instantOf(addDays(day, 1), to, s.timeZone) : instantOf(day, to, s.timeZone);
  const id = `console-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const answer = await s.client.putBusy({ path: { expert_id: s.expert, block_id: id }, body: { start: rfc3339(start), end: rfc3339(end) } });
    const overlaps = /** @type {any} */ (answer).overlapping_reservations ?? [];
    say(`Busy ${from}–${to} on ${formatDay(start, s.timeZone)} was added.${overlaps.length ? ` It overlaps ${overlaps.length} booking(s), which stand.` : ''}`);
  } catch (error) {
    say(`The busy block could not be added. ${problemText(error)}`, { alert: true });
    return;
  }
  s.weekStart = mondayOf(day);
  await loadWeek();
}

// ---- a booking: details and cancelling ------------------------------------------------

/** What cancelling `r` now gives back, by the terms it was booked with (as the core decides). */
function refundPreview(r, now = Date.now()) {
  const event = session?.events.find((e) => e.id === r.event_id);
  if (r.status === 'pending_payment') return { ok: true, text: 'Nothing has been paid: cancelling releases the hold and frees the time.' };
  if (r.status === 'awaiting_approval') return { ok: true, text: 'The card is only authorized: cancelling releases the hold and the card is not charged.' };
  if (r.status !== 'confirmed') return { ok: false, text: `This booking is ${STATUS_NAMES[r.status] ?? r.status}; there is nothing to cancel.` };
  /** @type {{ until: string | null, refund_percent: number }[] | null} */
  let tiers = null;
  if (r.cancellation === null) return { ok: false, text: 'This booking was made under no cancellation terms, so it cannot be cancelled here.' };
  if (r.cancellation?.tiers) tiers = r.cancellation.tiers;
  else if (event?.cancellation?.tiers) {
    const first = Date.parse(r.start);
    tiers = event.cancellation.tiers.map((t) => ({ until: rfc3339(first - t.before_minutes * 60_000), refund_percent: t.refund_percent }));
  }
  if (!tiers) return { ok: false, text: 'This booking was made under no cancellation terms, so it cannot be cancelled here.' };
  const tier = tiers.find((t) => t.until === null || now <= Date.parse(t.until));
  const percent = tier?.refund_percent ?? 0;
  const price = event?.price;
  const amount = price ? { amount: Math.floor((price.amount * percent) / 100), currency: price.currency } : null;
  const money = amount ? formatPrice(amount) : `${percent} %`;
  return { ok: true, percent, amount,
    text: percent > 0 ? `Cancelling now refunds ${money} (${percent} % of ${price ? formatPrice(price) : 'the price'}) to the guest.`
      : 'Cancelling now refunds nothing: it is later than every refund tier of this booking.' };
}

function openBooking(r) {
  if (!session) return;
  const s = session;
  const dialog = $('booking-dialog');
  const rows = [
    ['Guest', `${r.guest?.name ?? ''} <${r.guest?.email ?? ''}>`],
    ['Event type', r.event_id],
    ['Expert', r.expert_id],
    ['When', `${formatDay(r.start, s.timeZone)}, ${formatTime(r.start, s.timeZone)}–${formatTime(r.end, s.timeZone)}`],
    ['Status', STATUS_NAMES[r.status] ?? r.status],
    ['Reference', r.id],
  ];
  if (r.refund) rows.push(['Refunded', formatPrice(r.refund)]);
  $('booking-details').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const preview = refundPreview(r);
  $('refund-preview').textContent = preview.text;
  const cancel = $('cancel-booking');
  cancel.hidden = !preview.ok;
  cancel.textContent = preview.amount && preview.percent ? `Cancel and refund ${formatPrice(preview.amount)}` : 'Cancel booking';
  cancel.onclick = () => cancelBooking(r);
  dialog.showModal();
}

async function cancelBooking(r) {
  if (!session) return;
  const s = session;
  $('booking-dialog').close();
  try {
    const { reservation } = await s.client.cancelReservation({ path: { id: r.id } });
    const refunded = reservation.refund ? ` ${formatPrice(reservation.refund)} is refunded to the guest.` : '';
    say(`The booking of ${r.guest?.name ?? r.guest?.email} on ${formatDay(r.start, s.timeZone)} at ${formatTime(r.start, s.timeZone)} was cancelled.${refunded}`);
  } catch (error) {
    say(`The booking could not be cancelled. ${problemText(error)}`, { alert: true });
  }
  await loadWeek();
}

// ---- working hours and date overrides -----------------------------------------------

/** A row of intervals with time inputs, an "add" and a "remove" for each. */
function intervalsEditor(label, intervals, idPrefix) {
  const list = el('div', { class: 'intervals', 'data-intervals': idPrefix });
  const add = (from = '09:00', to = '17:00') => {
    const n = list.children.length + 1;
    const row = el('div', { class: 'interval' },
      el('label', { class: 'visually-hidden', for: `${idPrefix}-from-${n}`, text: `${label}: interval ${n} from` }),
      el('input', { type: 'time', id: `${idPrefix}-from-${n}`, class: 'from', value: from, required: true }),
      el('span', { 'aria-hidden': 'true', text: '–' }),
      el('label', { class: 'visually-hidden', for: `${idPrefix}-to-${n}`, text: `${label}: interval ${n} to` }),
      el('input', { type: 'time', id: `${idPrefix}-to-${n}`, class: 'to', value: to, required: true }));
    row.append(el('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${label} interval ${n}`, text: 'Remove', onclick: () => row.remove() }));
    list.append(row);
  };
  for (const [from, to] of intervals) add(from, to);
  const addButton = el('button', { type: 'button', class: 'secondary small', text: 'Add hours', 'aria-label': `Add hours on ${label}`,
    onclick: () => {
      const last = /** @type {HTMLInputElement | null | undefined} */ (list.lastElementChild?.querySelector('.to'))?.value;
      add(last && last < '23:00' ? last : '09:00', last && last < '23:00' ? `${String(Math.min(23, Number(last.slice(0, 2)) + 1)).padStart(2, '0')}:${last.slice(3)}` : '17:00');
    } });
  return el('div', { class: 'intervals-editor' }, list, addButton);
}

/** The intervals an editor holds, as the API takes them. */
/** @returns {[string, string][]} */
function readIntervals(container) {
  return [...container.querySelectorAll('.interval')].map((row) => [row.querySelector('.from').value, row.querySelector('.to').value]);
}

function drawAvailability() {
  if (!session) return;
  const doc = session.availability ?? { time_zone: session.timeZone, weekly: {}, overrides: [] };
  const zone = $('avail-tz');
  zone.replaceChildren(...[...new Set([doc.time_zone, ...timeZones()])].map((z) => el('option', { value: z, text: z.replace(/_/g, ' ') })));
  zone.value = doc.time_zone;
  $('weekly').replaceChildren(...WEEKDAYS.map((d) => el('div', { class: 'weekday', 'data-weekday': d },
    el('h4', { text: WEEKDAY_NAMES[d] }), intervalsEditor(WEEKDAY_NAMES[d], doc.weekly?.[d] ?? [], `w-${d}`))));
  $('overrides').replaceChildren(...(doc.overrides ?? []).map((o) => overrideRow(o.date, o.intervals)));
  $('avail-state').textContent = session.availability ? '' : 'No working hours are set: every aligned start, day and night, is offered.';
}

function overrideRow(date, intervals) {
  const n = crypto.randomUUID().slice(0, 6);
  const row = el('div', { class: 'override', 'data-override': date || '' },
    el('label', { for: `o-date-${n}`, text: 'Date' }),
    el('input', { type: 'date', id: `o-date-${n}`, class: 'o-date', value: date, required: true }),
    intervalsEditor(`override ${date || 'new'}`, intervals, `o-${n}`),
    el('p', { class: 'muted small', text: 'No hours: a day off.' }));
  row.append(el('button', { type: 'button', class: 'secondary small', text: 'Remove this date', onclick: () => row.remove() }));
  return row;
}

async function saveAvailability(e) {
  e.preventDefault();
  if (!session) return;
  const s = session;
  /** @type {Record<string, [string, string][]>} */
  const weekly = {};
  for (const d of WEEKDAYS) {
    const intervals = readIntervals($('weekly').querySelector(`[data-weekday="${d}"]`));
    if (intervals.length) weekly[d] = intervals.sort((a, b) => a[0].localeCompare(b[0]));
  }
  const overrides = [...$('overrides').querySelectorAll('.override')].map((row) => ({
    date: row.querySelector('.o-date').value,
    intervals: readIntervals(row).sort((a, b) => a[0].localeCompare(b[0])),
  })).sort((a, b) => a.date.localeCompare(b.date));
  /** @type {any} */
  const body = { time_zone: $('avail-tz').value, weekly, overrides };
  if (s.availability?.limits) body.limits = s.availability.limits;
  try {
    const answer = await s.client.putAvailability({ path: { expert_id: s.expert }, body });
    s.availability = answer.availability;
    s.timeZone = answer.availability.time_zone;
    say('Working hours saved.');
    drawAvailability();
    await loadWeek();
  } catch (error) {
    say(`The working hours were not saved. ${problemText(error)}`, { alert: true });
  }
}

// ---- event types ----------------------------------------------------------------------

async function loadEvents() {
  if (!session) return;
  const s = session;
  try {
    s.events = (await s.client.listEvents({ query: { expert_id: s.expert } })).events;
  } catch (error) {
    $('events').replaceChildren(el('p', { class: 'notice', text: `The event types could not be loaded. ${problemText(error)}` }));
    return;
  }
  if (s.events.length === 0) return $('events').replaceChildren(el('p', { class: 'muted', text: 'No event types yet.' }));
  const head = el('tr', {}, ...['Title', 'Id', 'Length', 'Price', 'Rules'].map((h) => el('th', { scope: 'col', text: h })));
  $('events').replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...s.events.map((ev) => {
    const rules = [];
    if (ev.pool) rules.push(`team pool: ${ev.pool.experts.join(', ')}`);
    if (ev.limits?.per_day) rules.push(`at most ${ev.limits.per_day} a day`);
    if (ev.limits?.per_week) rules.push(`at most ${ev.limits.per_week} a week`);
    if (ev.cancellation?.tiers) rules.push(`refunds: ${ev.cancellation.tiers.map((t) => `${t.refund_percent} % up to ${Math.round(t.before_minutes / 60)} h before`).join(', ')}`);
    if (ev.approval?.required) rules.push('needs approval');
    return el('tr', { 'data-event': ev.id }, el('th', { scope: 'row', text: ev.title }), el('td', { text: ev.id }),
      el('td', { text: `${ev.duration_minutes} min` }), el('td', { text: formatPrice(ev.price) }), el('td', { text: rules.join('; ') || '—' }));
  }))));
}

// ---- wiring -----------------------------------------------------------------------------

const q = new URLSearchParams(location.search);
if (q.get('expert')) $('expert').value = q.get('expert');
$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', signOut);
$('prev-week').addEventListener('click', () => { if (session) { session.weekStart = addDays(session.weekStart, -7); loadWeek(); } });
$('next-week').addEventListener('click', () => { if (session) { session.weekStart = addDays(session.weekStart, 7); loadWeek(); } });
$('this-week').addEventListener('click', () => { if (session) { session.weekStart = mondayOf(dayIn(Date.now(), session.timeZone)); loadWeek(); } });
$('busy-form').addEventListener('submit', addBusy);
$('availability-form').addEventListener('submit', saveAvailability);
$('add-override').addEventListener('click', () => {
  const row = overrideRow('', []);
  $('overrides').append(row);
  row.querySelector('input')?.focus();
});
$('keep-booking').addEventListener('click', () => $('booking-dialog').close());

