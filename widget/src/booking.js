// <slotguard-booking>: the guest's booking widget, a custom element with no framework,
// built on @slotguard/client. It lists an event type's free times for a week, grouped by
// day in the guest's time zone (with the expert's zone beside each time), holds the
// chosen one and sends the guest to Checkout. Checkout comes back to the API's own
// return route (/return/?reservation=...&outcome=...), where <slotguard-booking-result>
// says what became of the booking.
//
//   <script type="module" src="https://booking.example.com/slotguard-booking.js"></script>
//   <slotguard-booking event="intro-30" api="https://booking.example.com"></slotguard-booking>
//
// Attributes: event (an event id, or several comma-separated), expert (list that
// expert's event types instead), api (the API's origin; default: the page's own),
// expert-time-zone (shown beside each time), time-zone (the guest's; default: the
// browser's), day (YYYY-MM-DD, the first day shown), redirect-delay-ms (1500).
// Events: `slotguard-held` (cancelable: preventDefault() keeps the guest on the page;
// detail {reservation, checkoutUrl}) and `slotguard-error` (detail {code, message}).
import {
  DAY, addDays, browserTimeZone, createClient, dayIn, durationUntil, el, formatDay, formatPrice, formatShortDay,
  formatTime, isSlotguardError, problemText, rfc3339, startOfDay, timeZones, validTimeZone, zoneName,
} from './shared.js';
import { STYLE } from './style.js';

/** How many nearby free times a "just taken" notice offers. */
const NEAREST = 3;

export class SlotguardBooking extends HTMLElement {
  static observedAttributes = ['event', 'expert', 'api', 'expert-time-zone', 'time-zone', 'day'];

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    /** @type {any[]} */
    this.events = [];
    /** @type {any[]} */
    this.slots = [];
    this.eventId = '';
    this.timeZone = browserTimeZone();
    this.weekStart = '';
    this.generation = 0;
    this.busy = false;
    this.reloadQueued = false;
    this.built = false;
    /** @type {{ api: string, client: ReturnType<typeof createClient> } | null} */
    this.clientFor = null;
  }

  connectedCallback() {
    if (!this.built) this.build();
    this.queueReload();
  }

  attributeChangedCallback() {
    if (this.built) this.queueReload();
  }

  /** Several attributes set in one go load once. */
  queueReload() {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    queueMicrotask(() => {
      this.reloadQueued = false;
      this.load();
    });
  }

  /** One client per API origin: it remembers the Idempotency-Key of an unanswered hold. */
  get client() {
    const api = this.getAttribute('api') ?? '';
    if (!this.clientFor || this.clientFor.api !== api) this.clientFor = { api, client: createClient(api ? { baseUrl: api } : {}) };
    return this.clientFor.client;
  }

  get expertTimeZone() {
    const zone = this.getAttribute('expert-time-zone');
    return zone && validTimeZone(zone) ? zone : null;
  }

  /** @param {string} id */
  $(id) {
    return /** @type {any} */ (this.root.getElementById(id));
  }

  build() {
    this.built = true;
    const zoneSelect = /** @type {HTMLSelectElement} */ (el('select', { id: 'tz', onchange: () => this.setTimeZone(zoneSelect.value) }));
    this.root.replaceChildren(
      el('style', { text: STYLE }),
      el('form', { id: 'form', class: 'sg', 'aria-labelledby': 'title', novalidate: true, onsubmit: (e) => this.reserve(e) },
        el('h2', { id: 'title', text: 'Book an appointment' }),
        el('fieldset', { id: 'event-fieldset', 'aria-busy': 'true' },
          el('legend', { text: 'What would you like to book?' }),
          el('div', { id: 'events', class: 'choices' }, el('p', { class: 'muted', text: 'Loading…' }))),
        el('div', { class: 'zone-row' },
          el('label', { for: 'tz', text: 'Times are shown in' }), zoneSelect,
          el('p', { id: 'expert-zone', class: 'muted small', hidden: true })),
        el('fieldset', { id: 'slots-fieldset', 'aria-busy': 'true', 'aria-describedby': 'week-label' },
          el('legend', { id: 'slots-legend', text: 'Free times' }),
          el('div', { class: 'week-row' },
            el('button', { type: 'button', id: 'prev-week', class: 'secondary', onclick: () => this.shiftWeek(-7) },
              el('span', { 'aria-hidden': 'true', text: '← ' }), 'Previous week'),
            el('p', { id: 'week-label', class: 'week-label' }),
            el('button', { type: 'button', id: 'next-week', class: 'secondary', onclick: () => this.shiftWeek(7) },
              'Next week', el('span', { 'aria-hidden': 'true', text: ' →' }))),
          el('div', { id: 'notice', class: 'notice', role: 'alert', tabindex: '-1', hidden: true }),
          el('div', { id: 'slots', class: 'days' })),
        el('fieldset', {},
          el('legend', { text: 'Your details' }),
          el('div', { class: 'field' },
            el('label', { for: 'name', text: 'Name' }),
            el('input', { id: 'name', name: 'name', autocomplete: 'name', required: true, maxlength: '200' })),
          el('div', { class: 'field' },
            el('label', { for: 'email', text: 'E-mail' }),
            el('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: '254' }))),
        el('button', { type: 'submit', id: 'reserve', text: 'Reserve and pay' }),
        el('p', { class: 'muted small', text: 'The time is held for you while you pay. If you leave checkout without paying, it is released.' }),
        el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' })),
    );
  }

  /** Reads the attributes and loads the event types, then the week. */
  async load() {
    const zone = this.getAttribute('time-zone');
    if (zone && validTimeZone(zone)) this.timeZone = zone;
    this.fillZones();
    const expertZone = this.expertTimeZone;
    this.$('expert-zone').hidden = !expertZone;
    if (expertZone) this.$('expert-zone').textContent = `The expert works in ${expertZone.replace(/_/g, ' ')} time; their time is shown beside each of yours.`;
    const day = this.getAttribute('day');
    this.weekStart = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : dayIn(Date.now(), this.timeZone);

    const box = this.$('events');
    this.$('event-fieldset').setAttribute('aria-busy', 'true');
    box.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
    try {
      this.events = await this.fetchEvents();
    } catch (error) {
      this.$('event-fieldset').setAttribute('aria-busy', 'false');
      box.replaceChildren(el('p', { class: 'notice', text: problemText(error) }),
        el('button', { type: 'button', class: 'secondary', text: 'Try again', onclick: () => this.load() }));
      this.emitError(error);
      return;
    }
    this.$('event-fieldset').setAttribute('aria-busy', 'false');
    if (this.events.length === 0) {
      box.replaceChildren(el('p', { class: 'notice', text: 'Nothing can be booked here right now.' }));
      this.$('slots').replaceChildren();
      return;
    }
    if (!this.events.some((e) => e.id === this.eventId)) this.eventId = this.events[0].id;
    box.replaceChildren(...this.events.map((e) => {
      const id = `event-${e.id}`;
      return el('label', { class: 'choice', for: id },
        el('input', { type: 'radio', name: 'event', id, value: e.id, checked: e.id === this.eventId,
          onchange: () => { this.eventId = e.id; this.loadSlots(); } }),
        el('span', { class: 'choice-title', text: e.title }),
        el('span', { class: 'choice-meta', text: `${e.duration_minutes} min · ${formatPrice(e.price)}` }));
    }));
    await this.loadSlots();
  }

  async fetchEvents() {
    const ids = (this.getAttribute('event') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const client = this.client;
    if (ids.length > 0) {
      const found = await Promise.all(ids.map((id) => client.getEvent({ path: { event_id: id } }).then(
        (a) => a.event,
        (error) => { if (isSlotguardError(error, 'event_not_found')) return null; throw error; })));
      return found.filter(Boolean);
    }
    const expert = this.getAttribute('expert');
    if (!expert) return [];
    return (await client.listEvents({ query: { expert_id: expert } })).events;
  }

  fillZones() {
    const select = this.$('tz');
    const zones = new Set([this.timeZone, browserTimeZone(), ...(this.expertTimeZone ? [this.expertTimeZone] : []), ...timeZones()]);
    if (select.options.length !== zones.size) {
      select.replaceChildren(...[...zones].map((z) => el('option', { value: z, text: z.replace(/_/g, ' ') })));
    }
    select.value = this.timeZone;
  }

  setTimeZone(zone) {
    if (!validTimeZone(zone)) return;
    this.timeZone = zone;
    this.drawSlots();
    this.say(`Times are now shown in ${zone.replace(/_/g, ' ')} time.`);
  }

  get event() {
    return this.events.find((e) => e.id === this.eventId) ?? null;
  }

  /** The first and last day a guest may look at: today to the event's horizon. */
  dayBounds() {
    const today = dayIn(Date.now(), this.timeZone);
    const ev = this.event;
    return { min: today, max: ev?.max_advance_days ? addDays(today, ev.max_advance_days) : null };
  }

  shiftWeek(days) {
    const { min, max } = this.dayBounds();
    let next = addDays(this.weekStart, days);
    if (next < min) next = min;
    if (max && next > max) return;
    this.weekStart = next;
    this.loadSlots();
  }

  /** Loads the week's slots; `keepNotice` leaves a "just taken" notice in place. */
  async loadSlots({ keepNotice = false } = {}) {
    const ev = this.event;
    if (!ev) return;
    if (!keepNotice) this.showNotice(null);
    const { min, max } = this.dayBounds();
    if (this.weekStart < min) this.weekStart = min;
    this.$('prev-week').disabled = this.weekStart <= min;
    this.$('next-week').disabled = Boolean(max && addDays(this.weekStart, 7) > max);
    const generation = ++this.generation;
    const fieldset = this.$('slots-fieldset');
    fieldset.setAttribute('aria-busy', 'true');
    this.$('slots').replaceChildren(el('p', { class: 'muted', id: 'loading', text: 'Loading free times…' }));
    const from = startOfDay(this.weekStart, this.timeZone);
    const to = Math.min(startOfDay(addDays(this.weekStart, 7), this.timeZone), from + 7 * DAY);
    this.$('week-label').textContent = `${formatShortDay(from, this.timeZone)} – ${formatShortDay(to - 1, this.timeZone)}`;
    try {
      const answer = await this.client.getSlots({ path: { event_id: ev.id }, query: { from: rfc3339(from), to: rfc3339(to) } });
      if (generation !== this.generation) return;
      this.slots = answer.slots.filter((s) => s.available);
    } catch (error) {
      if (generation !== this.generation) return;
      fieldset.setAttribute('aria-busy', 'false');
      this.$('slots').replaceChildren(el('p', { class: 'notice', id: 'slots-error', text: `The free times could not be loaded. ${problemText(error)}` }),
        el('button', { type: 'button', class: 'secondary', text: 'Try again', onclick: () => this.loadSlots() }));
      this.emitError(error);
      return;
    }
    fieldset.setAttribute('aria-busy', 'false');
    this.drawSlots();
  }

  /** The free times, one group per day of the guest's zone, the expert's time beside each. */
  drawSlots() {
    const box = this.$('slots');
    const chosen = this.chosenStart();
    if (this.slots.length === 0) {
      box.replaceChildren(el('p', { class: 'muted', id: 'no-slots', text: 'No free times this week. Try the next week.' }));
      return;
    }
    /** @type {Map<string, any[]>} */
    const byDay = new Map();
    for (const s of this.slots) {
      const day = dayIn(Date.parse(s.start), this.timeZone);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day)?.push(s);
    }
    const expertZone = this.expertTimeZone;
    const showExpert = expertZone && expertZone !== this.timeZone;
    let index = 0;
    box.replaceChildren(...[...byDay].map(([day, slots]) => {
      const dayLabel = formatDay(slots[0].start, this.timeZone);
      return el('fieldset', { class: 'day', 'data-day': day },
        el('legend', { text: dayLabel }),
        el('div', { class: 'slots' }, ...slots.map((s) => {
          const id = `slot-${index++}`;
          const mine = formatTime(s.start, this.timeZone);
          const theirs = showExpert ? `${formatTime(s.start, expertZone)} ${zoneName(s.start, expertZone)}` : '';
          return el('label', { class: 'slot', for: id },
            el('input', { type: 'radio', name: 'slot', id, value: s.start, checked: s.start === chosen,
              'aria-label': showExpert ? `${mine} on ${dayLabel} (${theirs} for the expert)` : `${mine} on ${dayLabel}` }),
            el('span', { class: 'mine', text: mine }),
            showExpert ? el('span', { class: 'theirs', 'aria-hidden': 'true', text: theirs }) : '');
        })));
    }));
  }

  chosenStart() {
    return /** @type {HTMLInputElement | null} */ (this.root.querySelector('input[name="slot"]:checked'))?.value ?? null;
  }

  /** @param {string} text @param {HTMLElement} [extra] */
  say(text, extra) {
    this.$('status').replaceChildren(el('p', { text }), ...(extra ? [extra] : []));
  }

  /** The notice above the list ("just taken"), with buttons for the nearest free times. */
  showNotice(text, offers = []) {
    const notice = this.$('notice');
    notice.hidden = !text;
    if (!text) return notice.replaceChildren();
    const buttons = offers.map((s) => el('button', { type: 'button', class: 'secondary offer',
      text: `${formatShortDay(s.start, this.timeZone)}, ${formatTime(s.start, this.timeZone)}`,
      onclick: () => this.pick(s.start) }));
    notice.replaceChildren(el('p', { id: 'notice-text', text }),
      ...(buttons.length ? [el('p', { class: 'small', text: 'The nearest free times:' }), el('div', { class: 'offers' }, ...buttons)] : []));
    notice.focus();
  }

  pick(start) {
    const input = /** @type {HTMLInputElement | null} */ (this.root.querySelector(`input[name="slot"][value="${start}"]`));
    if (!input) return;
    input.checked = true;
    input.focus();
  }

  /** The free times nearest to `start`, leaving out `skipDay` (a day that is full). */
  /** @param {string} start @param {string | null} [skipDay] */
  nearest(start, skipDay = null) {
    const at = Date.parse(start);
    return this.slots
      .filter((s) => s.start !== start && (!skipDay || dayIn(Date.parse(s.start), this.timeZone) !== skipDay))
      .sort((a, b) => Math.abs(Date.parse(a.start) - at) - Math.abs(Date.parse(b.start) - at))
      .slice(0, NEAREST)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  setBusy(on) {
    this.busy = on;
    this.$('reserve').disabled = on;
    this.$('form').setAttribute('aria-busy', on ? 'true' : 'false');
  }

  emitError(error) {
    const detail = isSlotguardError(error) ? { code: error.code, message: error.detail } : { code: 'network', message: String(error?.message ?? error) };
    this.dispatchEvent(new CustomEvent('slotguard-error', { detail, bubbles: true, composed: true }));
  }

  /** @param {SubmitEvent} e */
  async reserve(e) {
    e.preventDefault();
    if (this.busy) return;
    const ev = this.event;
    const start = this.chosenStart();
    const name = this.$('name').value.trim();
    const email = this.$('email').value.trim();
    if (!start) {
      this.say('Please choose a time first.');
      this.$('status').focus();
      return;
    }
    if (!ev || !this.$('form').reportValidity() || !name || !email) return;

    this.setBusy(true);
    this.showNotice(null);
    this.say(`Reserving ${formatTime(start, this.timeZone)}…`);
    try {
      const answer = await this.client.createReservation({ body: { event_id: ev.id, start, guest: { email, name } } });
      this.held(answer.reservation, answer.checkout_url ?? '');
    } catch (error) {
      this.setBusy(false);
      this.emitError(error);
      await this.refused(error, start);
    }
  }

  /** The time is the guest's: with whom, until when, then Checkout. */
  held(r, checkoutUrl) {
    const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
    const link = el('a', { href: checkoutUrl, id: 'checkout-link', text: 'Continue to payment' });
    this.$('status').replaceChildren(
      el('p', { id: 'held', text: `${when} with ${r.expert_id} is held for you until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)}). Taking you to payment…` }),
      el('p', {}, link));
    this.$('status').focus();
    const go = this.dispatchEvent(new CustomEvent('slotguard-held', { detail: { reservation: r, checkoutUrl }, bubbles: true, composed: true, cancelable: true }));
    if (!go || !/^https?:\/\//.test(checkoutUrl)) return this.setBusy(false);
    const delay = Number(this.getAttribute('redirect-delay-ms') ?? 1500);
    setTimeout(() => location.assign(checkoutUrl), Number.isFinite(delay) ? delay : 1500);
  }

  /** Every refusal of a hold as something the guest can act on. */
  async refused(error, start) {
    const time = `${formatTime(start, this.timeZone)} on ${formatDay(start, this.timeZone)}`;
    if (isSlotguardError(error, 'slot_unavailable', 'slot_not_offered', 'booking_cap_reached')) {
      this.say('');
      await this.loadSlots({ keepNotice: true });
      if (error.code === 'booking_cap_reached') {
        const day = dayIn(Date.parse(start), this.timeZone);
        return this.showNotice(`Sorry, ${formatDay(start, this.timeZone)} is fully booked. Please pick another day.`, this.nearest(start, day));
      }
      const text = error.code === 'slot_unavailable'
        ? `Sorry, ${time} was just taken by someone else.`
        : `Sorry, ${time} can no longer be booked.`;
      return this.showNotice(text, this.nearest(start));
    }
    if (isSlotguardError(error, 'event_not_found')) {
      this.say('This appointment type is no longer offered.');
      return this.load();
    }
    if (isSlotguardError(error, 'validation_failed')) this.say(`Please check your details: ${error.detail}.`);
    else if (isSlotguardError(error, 'too_many_holds', 'rate_limited')) this.say(error.detail);
    else if (isSlotguardError(error, 'payment_provider_error')) this.say('Checkout could not be opened, so the time was not kept. Please try again.');
    else if (!isSlotguardError(error) || error.status >= 500) {
      // The client keeps the Idempotency-Key of an unanswered hold: pressing again retries it.
      this.say('The booking service could not be reached. Your choice is kept: press "Reserve and pay" again in a moment.');
    } else this.say(`Nothing was reserved: ${error.detail}`);
    this.$('status').focus();
  }
}
