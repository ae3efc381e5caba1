// The booking page's behaviour (index.html): lists the expert's event types and the
// free times of the chosen day, reserves with an Idempotency-Key, and sends the guest
// to checkout. Every answer of POST /v1/reservations is turned into a sentence the
// guest can act on; a time someone else just took refreshes the list.
import {
  allAttempts,
  api,
  dayRange,
  durationUntil,
  errorCode,
  formatDate,
  formatPrice,
  formatTime,
  listEvents,
  loadConfig,
  localDay,
  newReference,
  rfc3339,
  saveAttempt,
  timeZone,
} from './booking-api.js';

const cfg = loadConfig();
const $ = (id) => document.getElementById(id);
const form = $('booking-form');
const dayInput = $('day');
const slotsBox = $('slots');
const slotsMessage = $('slots-message');
const statusBox = $('status');
const reserveButton = $('reserve');

/** @type {Array<object>} */
let events = [];
let slotsGeneration = 0; // only the latest slot request may draw the list
let busy = false;

// An unfinished attempt (no definitive answer yet: a 503 or a lost connection) keeps its
// Idempotency-Key, so reserving the same time again cannot hold it twice; this is what
// the API asks for ("retry with the same Idempotency-Key").
const UNFINISHED = 'slotguard.booking.unfinished';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (v !== false && v !== undefined && v !== null) node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children);
  return node;
}

function setStatus(...parts) {
  statusBox.replaceChildren(...parts.map((p) => (typeof p === 'string' ? el('p', { text: p }) : p)));
}

function showSlotsMessage(text, { focus = true } = {}) {
  slotsMessage.textContent = text;
  slotsMessage.hidden = !text;
  if (text && focus) slotsMessage.focus();
}

const selectedEvent = () => events.find((e) => e.id === form.elements.event?.value) ?? null;

/** Keeps the choice in the address, so a reload or a shared link shows the same day. */
function rememberChoice() {
  const url = new URL(location.href);
  const ev = selectedEvent();
  if (ev) url.searchParams.set('event', ev.id);
  if (dayInput.value) url.searchParams.set('day', dayInput.value);
  history.replaceState(null, '', url);
}

function renderEvents(preferred) {
  const list = $('event-list');
  if (events.length === 0) {
    list.replaceChildren(el('p', { class: 'notice', text: 'Nothing can be booked with this expert right now.' }));
    return;
  }
  const chosen = events.some((e) => e.id === preferred) ? preferred : events[0].id;
  list.replaceChildren(
    ...events.map((e) => {
      const id = `event-${e.id}`;
      return el(
        'label',
        { class: 'choice', for: id },
        el('input', { type: 'radio', name: 'event', id, value: e.id, checked: e.id === chosen, required: true }),
        el('span', { class: 'choice-title', text: e.title }),
        el('span', { class: 'choice-meta', text: `${e.duration_minutes} min · ${formatPrice(e.price)}` }),
      );
    }),
  );
}

/** The day picker's bounds follow the event: today to its booking horizon. */
function boundDays() {
  const ev = selectedEvent();
  const today = new Date();
  dayInput.min = localDay(today);
  if (ev?.max_advance_days) dayInput.max = localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() + ev.max_advance_days));
  if (!dayInput.value || dayInput.value < dayInput.min) dayInput.value = dayInput.min;
  if (dayInput.max && dayInput.value > dayInput.max) dayInput.value = dayInput.max;
}

function shiftDay(days) {
  if (!dayInput.value) return;
  const [from] = dayRange(dayInput.value);
  const next = localDay(new Date(from.getFullYear(), from.getMonth(), from.getDate() + days));
  if ((dayInput.min && next < dayInput.min) || (dayInput.max && next > dayInput.max)) return;
  dayInput.value = next;
  loadSlots();
}

/**
 * Draws the free times of the chosen event and day. `keepMessage` leaves the message
 * above the list (e.g. "just taken") in place while the list is refreshed under it.
 */
async function loadSlots({ keepMessage = false } = {}) {
  const ev = selectedEvent();
  const day = dayInput.value;
  if (!keepMessage) showSlotsMessage('', { focus: false });
  if (!ev || !day) {
    slotsBox.replaceChildren();
    return;
  }
  rememberChoice();
  const generation = ++slotsGeneration;
  const fieldset = $('slots-fieldset');
  fieldset.setAttribute('aria-busy', 'true');
  $('slots-legend').textContent = `3. Free times on ${formatDate(dayRange(day)[0].toISOString())}`;
  slotsBox.replaceChildren(el('p', { class: 'muted', text: 'Loading free times…' }));

  const [from, to] = dayRange(day);
  const answer = await api(
    cfg.apiBase,
    'GET',
    `/v1/events/${encodeURIComponent(ev.id)}/slots?from=${rfc3339(from)}&to=${rfc3339(to)}`,
  );
  if (generation !== slotsGeneration) return; // a newer choice is already loading
  fieldset.setAttribute('aria-busy', 'false');

  if (answer.status !== 200) {
    const retry = el('button', { type: 'button', class: 'secondary', text: 'Try again' });
    retry.addEventListener('click', () => loadSlots());
    const text =
      answer.status === 0 || answer.status >= 500
        ? 'The free times could not be loaded. Check your connection and try again.'
        : 'This day cannot be booked. Please pick another day.';
    slotsBox.replaceChildren(el('p', { class: 'notice', text }), retry);
    return;
  }
  const free = answer.json.slots.filter((s) => s.available);
  if (free.length === 0) {
    slotsBox.replaceChildren(el('p', { class: 'muted', id: 'no-slots', text: 'No free times on this day. Please try another day.' }));
    return;
  }
  slotsBox.replaceChildren(
    ...free.map((s, i) => {
      const id = `slot-${i}`;
      const label = `${formatTime(s.start)} – ${formatTime(s.end)}`;
      return el(
        'label',
        { class: 'slot', for: id },
        el('input', { type: 'radio', name: 'slot', id, value: s.start, required: true, 'data-end': s.end }),
        el('span', { text: label }),
      );
    }),
  );
}

function readUnfinished() {
  try {
    return JSON.parse(sessionStorage.getItem(UNFINISHED) ?? 'null');
  } catch {
    return null;
  }
}

function writeUnfinished(value) {
  try {
    if (value) sessionStorage.setItem(UNFINISHED, JSON.stringify(value));
    else sessionStorage.removeItem(UNFINISHED);
  } catch {
    // without storage a retry simply gets a new key
  }
}

function setBusy(on) {
  busy = on;
  reserveButton.disabled = on;
  form.setAttribute('aria-busy', on ? 'true' : 'false');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * POST /v1/reservations. A 503 with Retry-After (the store or Stripe briefly away) is
 * retried a few times under the same key: the hold, if made, is found again.
 */
async function postReservation(body, key) {
  let answer;
  for (let attempt = 0; attempt < 3; attempt++) {
    answer = await api(cfg.apiBase, 'POST', '/v1/reservations', { body, headers: { 'idempotency-key': key } });
    if (answer.status !== 503 || !answer.retryAfter) return answer;
    setStatus('Still reserving: the booking service is busy, trying again…');
    await sleep(Math.min(answer.retryAfter, 5) * 1000);
  }
  return answer;
}

/** The time is ours: say until when, then go to checkout. */
function showHeld(record) {
  const until = formatTime(record.expiresAt);
  const link = el('a', { href: record.checkoutUrl, id: 'checkout-link', text: 'Continue to payment' });
  const heldText = `${formatTime(record.start)} on ${formatDate(record.start)} is held for you until ${until} (${durationUntil(record.expiresAt)}). Taking you to payment…`;
  setStatus(el('p', { id: 'held', text: heldText }), el('p', {}, link));
  statusBox.focus();
  setTimeout(() => location.assign(record.checkoutUrl), cfg.redirectDelayMs);
}

async function reserve(event) {
  event.preventDefault();
  if (busy) return;
  const ev = selectedEvent();
  const slot = form.querySelector('input[name="slot"]:checked');
  const name = form.elements.name.value.trim();
  const email = form.elements.email.value.trim();
  if (!ev || !slot || !name || !email) return form.reportValidity();

  const start = slot.value;
  const fingerprint = JSON.stringify([cfg.apiBase, ev.id, start, email, name]);
  const previous = readUnfinished();
  const attempt = previous?.fingerprint === fingerprint ? previous : { fingerprint, key: crypto.randomUUID(), ref: newReference() };
  writeUnfinished(attempt);

  // Stripe fills {CHECKOUT_SESSION_ID} into success_url; the reservation id is found
  // again from `ref` (sessionStorage). Same ref on a retry, so the body is the same.
  const returnPage = new URL('return/', location.href);
  returnPage.search = '';
  returnPage.hash = '';
  const body = {
    event_id: ev.id,
    start,
    guest: { email, name },
    success_url: `${returnPage.href}?ref=${attempt.ref}&outcome=paid&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${returnPage.href}?ref=${attempt.ref}&outcome=cancelled`,
  };

  setBusy(true);
  setStatus(`Reserving ${formatTime(start)}…`);
  const answer = await postReservation(body, attempt.key);
  const code = errorCode(answer);

  if (answer.status === 201 && answer.json?.reservation) {
    writeUnfinished(null);
    const r = answer.json.reservation;
    const checkoutUrl = answer.json.checkout_url;
    const record = {
      ref: attempt.ref,
      reservationId: r.id,
      apiBase: cfg.apiBase,
      eventId: ev.id,
      eventTitle: ev.title,
      start: r.start,
      end: r.end,
      expiresAt: r.expires_at,
      checkoutUrl,
      bookingUrl: location.href,
      createdAt: Date.now(),
    };
    saveAttempt(attempt.ref, record);
    if (!/^https?:\/\//.test(checkoutUrl ?? '')) {
      setBusy(false);
      setStatus('The time is held, but checkout could not be opened. Please try again in a moment.');
      return;
    }
    showHeld(record);
    return; // stays busy: the page is leaving
  }

  setBusy(false);
  if (answer.status === 0 || answer.status === 503) {
    // Keep the key: pressing the button again retries the same attempt.
    setStatus('The booking service could not be reached. Your choice is kept: press "Reserve and pay" again in a moment.');
    statusBox.focus();
    return;
  }
  writeUnfinished(null);
  setStatus('');

  if (answer.status === 409 && code === 'slot_unavailable') {
    const own = allAttempts().find((a) => a.eventId === ev.id && a.start === start && new Date(a.expiresAt) > new Date());
    if (own) {
      setStatus(
        el('p', { text: `You already hold ${formatTime(start)} until ${formatTime(own.expiresAt)}.` }),
        el('p', {}, el('a', { href: own.checkoutUrl, text: 'Continue to payment' })),
      );
      statusBox.focus();
      return;
    }
    showSlotsMessage(`Sorry, ${formatTime(start)} was just taken by someone else. The list now shows the times that are still free.`);
    await loadSlots({ keepMessage: true });
    return;
  }
  if (answer.status === 422 && code === 'slot_not_offered') {
    showSlotsMessage(`${formatTime(start)} can no longer be booked. The list now shows the times that are still free.`);
    await loadSlots({ keepMessage: true });
    return;
  }
  if (answer.status === 404 && code === 'event_not_found') {
    setStatus('This event type is no longer offered. Please choose another one.');
    await loadPage();
    return;
  }
  if (answer.status === 429) {
    setStatus(answer.json?.error?.message ?? 'Too many reservations at once. Please finish or cancel the ones you have, then try again.');
  } else if (answer.status === 502) {
    setStatus('Checkout could not be opened, so the time was not kept. Please try again.');
  } else if (answer.status === 422 && code === 'validation_failed') {
    setStatus(`Please check your details: ${answer.json.error.message}.`);
  } else {
    setStatus('Something went wrong and nothing was reserved. Please try again.');
  }
  statusBox.focus();
}

async function loadPage() {
  const q = new URLSearchParams(location.search);
  $('tz').textContent = timeZone();
  if (q.get('day') && /^\d{4}-\d{2}-\d{2}$/.test(q.get('day'))) dayInput.value = q.get('day');

  const eventFieldset = $('event-fieldset');
  eventFieldset.setAttribute('aria-busy', 'true');
  const listed = await listEvents(cfg);
  eventFieldset.setAttribute('aria-busy', 'false');
  if (!listed.ok) {
    const retry = el('button', { type: 'button', class: 'secondary', text: 'Try again' });
    retry.addEventListener('click', () => loadPage());
    $('event-list').replaceChildren(el('p', { class: 'notice', text: 'The booking service could not be reached.' }), retry);
    return;
  }
  events = listed.events;
  renderEvents(q.get('event'));
  boundDays();
  await loadSlots();
}

form.addEventListener('submit', reserve);
$('event-list').addEventListener('change', () => {
  boundDays();
  loadSlots();
});
dayInput.addEventListener('change', () => loadSlots());
$('prev-day').addEventListener('click', () => shiftDay(-1));
$('next-day').addEventListener('click', () => shiftDay(1));
// Coming back with the browser's Back button from checkout: the list may be stale.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) {
    setBusy(false);
    setStatus('');
    loadSlots();
  }
});

loadPage();
