// <slotguard-booking>: the guest's booking widget, a custom element with no framework,
// built on @slotguard/client. It lists an event type's free times for a week, grouped by
// day in the guest's time zone (with the expert's zone beside each time), holds the
// chosen one and sends the guest to Checkout. An event type of a team pool is booked
// with any available expert of the pool, and the hold says which one it got. Where the
// event type allows a series (not a pool's, not one that needs approval), the guest may
// repeat the chosen time weekly, 2 to 12 times: every start is held in one commit or
// none is, and one Checkout takes the total. Checkout comes back to the API's own
// return route (/return/?reservation=...&outcome=...), where <slotguard-booking-result>
// says what became of the booking (of every occurrence of a series).
// An event type that sells prepaid packs (`packs`) offers them under the form: the guest
// buys one through Checkout (back at /return/?pack=...), and the page remembers the
// pack for that event type in this browser (or takes its code, pasted), shows the
// credits left and books a time "with a credit": confirmed at once, no Checkout.
//
//   <script type="module" src="https://booking.example.com/slotguard-booking.js"></script>
//   <slotguard-booking event="intro-30" api="https://booking.example.com"></slotguard-booking>
//
// Attributes: event (an event id, or several comma-separated), expert (list that
// expert's event types instead), api (the API's origin; default: the page's own),
// expert-time-zone (shown beside each time), time-zone (the guest's; default: the
// browser's), day (YYYY-MM-DD, the first day shown), pack (a pack id to book with; it is
// remembered), redirect-delay-ms (1500).
// Events: `slotguard-held` (cancelable: preventDefault() keeps the guest on the page;
// detail {reservation, checkoutUrl}), `slotguard-pack-checkout` (the same, for a pack
// bought: detail {pack, checkoutUrl}), `slotguard-booked` (a time booked with a credit:
// detail {reservation, pack}) and `slotguard-error` (detail {code, message}).
import {
  DAY, addDays, browserTimeZone, createClient, creditsText, dayIn, durationUntil, el, formatDate, formatDay, formatPrice,
  formatShortDay, formatTime, hhmmIn, instantOf, isSlotguardError, packState, problemText, rememberPack, rememberedPack,
  rfc3339, startOfDay, timeZones, validTimeZone, zoneName,
} from './shared.js';
import { STYLE } from './style.js';

/** What the form says under its button while the guest would pay at Checkout. */
const HOLD_HINT = 'The time is held for you while you pay. If you leave checkout without paying, it is released.';
const CREDIT_HINT = 'The time is booked at once and one credit of your pack is used: there is nothing to pay.';

/** How many nearby free times a "just taken" notice offers. */
const NEAREST = 3;
/** A series is 2 to 12 starts (POST /v1/reservations with `starts`); the form offers 4 first. */
const SERIES_MIN = 2;
const SERIES_MAX = 12;
const SERIES_DEFAULT = 4;

/** True when an event type takes a series: the core refuses one for a pool's or an approval's. */
export const allowsSeries = (ev) => Boolean(ev) && !ev.pool && !ev.approval?.required;

/** What a guest of a pool's event type is told: any available expert, named after the hold. */
const poolText = (ev) =>
  `You book any available expert of a team of ${ev.pool.experts.length}: each time shown is free with at least one of them, and once the time is held you are told who you got.`;

export class SlotguardBooking extends HTMLElement {
  static observedAttributes = ['event', 'expert', 'api', 'expert-time-zone', 'time-zone', 'day', 'pack'];

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
    /** @type {string | null} */
    this.keptChoice = null;
    /** @type {{ api: string, client: ReturnType<typeof createClient> } | null} */
    this.clientFor = null;
    /** The guest's pack for the chosen event type, as last read (null: none known). @type {any} */
    this.pack = null;
    this.packGeneration = 0;
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
          el('p', { id: 'pool-note', class: 'pool-note', hidden: true }),
          el('div', { id: 'notice', class: 'notice', role: 'alert', tabindex: '-1', hidden: true }),
          el('div', { id: 'slots', class: 'days', onchange: () => this.drawSeries() })),
        el('fieldset', { id: 'repeat-fieldset', hidden: true },
          el('legend', { text: 'How often?' }),
          el('div', { class: 'choices' },
            el('label', { class: 'choice', for: 'repeat-once' },
              el('input', { type: 'radio', name: 'repeat', id: 'repeat-once', value: 'once', checked: true, onchange: () => this.drawSeries() }),
              el('span', { class: 'choice-title', text: 'Once' })),
            el('label', { class: 'choice', for: 'repeat-weekly' },
              el('input', { type: 'radio', name: 'repeat', id: 'repeat-weekly', value: 'weekly', onchange: () => this.drawSeries() }),
              el('span', { class: 'choice-title', text: 'Every week, as a series' }),
              el('span', { class: 'choice-meta', text: 'the same time each week, paid at one checkout' }))),
          el('div', { class: 'field', id: 'count-field', hidden: true },
            el('label', { for: 'count', text: `How many appointments (${SERIES_MIN} to ${SERIES_MAX})` }),
            el('input', { id: 'count', name: 'count', type: 'number', inputmode: 'numeric', min: String(SERIES_MIN), max: String(SERIES_MAX),
              value: String(SERIES_DEFAULT), required: true, oninput: () => this.drawSeries() })),
          el('div', { id: 'series-summary', class: 'summary', 'aria-live': 'polite', hidden: true })),
        el('fieldset', {},
          el('legend', { text: 'Your details' }),
          el('div', { class: 'field' },
            el('label', { for: 'name', text: 'Name' }),
            el('input', { id: 'name', name: 'name', autocomplete: 'name', required: true, maxlength: '200' })),
          el('div', { class: 'field' },
            el('label', { for: 'email', text: 'E-mail' }),
            el('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: '254' }))),
        this.buildPayChoice(),
        el('button', { type: 'submit', id: 'reserve', text: 'Reserve and pay' }),
        el('p', { id: 'reserve-hint', class: 'muted small', text: HOLD_HINT }),
        el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' }),
        ...this.buildPacks()),
    );
  }

  /** "How would you like to pay?": shown once the guest has a pack for the event type. */
  buildPayChoice() {
    const choice = (value, title) => el('label', { class: 'choice', for: `pay-${value}` },
      el('input', { type: 'radio', name: 'pay', id: `pay-${value}`, value, checked: value === 'checkout', 'aria-describedby': `pay-${value}-meta`,
        onchange: () => this.drawPay() }),
      el('span', { class: 'choice-title', text: title }),
      el('span', { class: 'choice-meta', id: `pay-${value}-meta` }));
    return el('fieldset', { id: 'pay-fieldset', hidden: true },
      el('legend', { text: 'How would you like to pay?' }),
      el('div', { class: 'choices' }, choice('checkout', 'Pay at checkout'), choice('credit', 'With a credit of my pack')),
      el('div', { id: 'pack-notice', class: 'notice', role: 'alert', tabindex: '-1', hidden: true }),
      el('p', { class: 'pack-code-row small' },
        el('span', { id: 'pack-code-shown' }), ' ',
        el('button', { type: 'button', id: 'forget-pack', class: 'link', text: 'Forget this pack', onclick: () => this.forgetPack() })));
  }

  /** Buying a pack, and using one bought before by its code: shown when the event type sells packs. */
  buildPacks() {
    return [
      el('fieldset', { id: 'buy-fieldset', hidden: true, 'aria-describedby': 'buy-intro' },
        el('legend', { text: 'Buy a pack of sessions' }),
        el('p', { id: 'buy-intro', class: 'small', text: '' }),
        el('div', { id: 'pack-offers', class: 'choices' }),
        el('button', { type: 'button', id: 'buy-pack', class: 'secondary', text: 'Buy this pack', onclick: () => this.buyPack() }),
        el('div', { id: 'buy-status', class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' })),
      el('fieldset', { id: 'code-fieldset', hidden: true },
        el('legend', { text: 'Already have a pack?' }),
        el('div', { class: 'field' },
          el('label', { for: 'pack-code', text: 'Pack code' }),
          el('input', { id: 'pack-code', name: 'pack-code', autocomplete: 'off', spellcheck: 'false', maxlength: '64', placeholder: 'pak_…',
            'aria-describedby': 'pack-code-help',
            onkeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter') { e.preventDefault(); this.usePackCode(); } } }),
          el('p', { id: 'pack-code-error', class: 'field-error small', hidden: true }),
          el('p', { id: 'pack-code-help', class: 'muted small', text: 'The code is on the page you came back to after paying for the pack.' })),
        el('button', { type: 'button', id: 'use-pack', class: 'secondary', text: 'Use this pack', onclick: () => this.usePackCode() })),
    ];
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
    this.packsFor = '';

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
        el('span', { class: 'choice-meta', text: `${e.duration_minutes} min · ${formatPrice(e.price)}${e.pool ? ' · any available expert' : ''}` }));
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
    if (this.packsFor !== ev.id) this.showPacks(ev);
    this.showEventNotes(ev);
    const { min, max } = this.dayBounds();
    if (this.weekStart < min) this.weekStart = min;
    this.$('prev-week').disabled = this.weekStart <= min;
    this.$('next-week').disabled = Boolean(max && addDays(this.weekStart, 7) > max);
    const generation = ++this.generation;
    // The guest's choice stays chosen through a reload while the time is still offered.
    this.keptChoice = this.chosenStart() ?? this.keptChoice;
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
    const chosen = this.chosenStart() ?? this.keptChoice;
    this.keptChoice = null;
    if (this.slots.length === 0) {
      box.replaceChildren(el('p', { class: 'muted', id: 'no-slots', text: 'No free times this week. Try the next week.' }));
      this.drawSeries();
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
    this.drawSeries();
  }

  /** The pool's "any available expert" line, and the series choice where the event type allows one. */
  showEventNotes(ev) {
    const note = this.$('pool-note');
    note.hidden = !ev.pool;
    note.textContent = ev.pool ? poolText(ev) : '';
    const slots = this.$('slots-fieldset');
    if (ev.pool) slots.setAttribute('aria-describedby', 'week-label pool-note');
    else slots.setAttribute('aria-describedby', 'week-label');
    const repeat = this.$('repeat-fieldset');
    repeat.hidden = !allowsSeries(ev) || this.payWithCredit;
    if (repeat.hidden) this.$('repeat-once').checked = true;
    this.drawSeries();
  }

  /** Whether the guest asked for a weekly series (and the event type takes one). */
  get weekly() {
    return allowsSeries(this.event) && !this.payWithCredit && this.$('repeat-weekly').checked;
  }

  /** How many appointments the series has, or null when the field is not 2 to 12. */
  seriesCount() {
    const n = Number(this.$('count').value);
    return Number.isInteger(n) && n >= SERIES_MIN && n <= SERIES_MAX ? n : null;
  }

  /**
   * The series' starts: `start`, then the same wall-clock time each following week in the
   * expert's zone (the one their hours are in; the guest's when it is not known), so a
   * change of summer time keeps the appointment at the expert's usual hour.
   * @param {string} start @param {number} n
   */
  seriesStarts(start, n) {
    const zone = this.expertTimeZone ?? this.timeZone;
    const at = Date.parse(start);
    const day = dayIn(at, zone);
    const time = hhmmIn(at, zone);
    return Array.from({ length: n }, (_, k) => (k === 0 ? start : rfc3339(instantOf(addDays(day, 7 * k), time, zone))));
  }

  /** The series' dates and its total, under the choice; `taken` marks a start the API refused. */
  drawSeries(taken = /** @type {string | null} */ (null)) {
    const weekly = this.weekly;
    this.$('count-field').hidden = !weekly;
    const summary = this.$('series-summary');
    summary.hidden = !weekly;
    if (!weekly) return summary.replaceChildren();
    const ev = this.event;
    const start = this.chosenStart();
    const n = this.seriesCount();
    if (!n) return summary.replaceChildren(el('p', { id: 'series-total', text: `Choose ${SERIES_MIN} to ${SERIES_MAX} appointments.` }));
    if (!start) return summary.replaceChildren(el('p', { id: 'series-total', text: 'Choose a time above: the series repeats it every week.' }));
    const total = ev?.price ? { amount: ev.price.amount * n, currency: ev.price.currency } : null;
    const price = total ? `${formatPrice(total)} in all (${n} × ${formatPrice(ev.price)}), paid at one checkout` : 'one booking for all of them';
    summary.replaceChildren(
      el('p', { id: 'series-total', text: `${n} appointments, ${price}:` }),
      el('ol', { id: 'series-list', class: 'series-list' }, ...this.seriesStarts(start, n).map((t) =>
        el('li', { class: t === taken ? 'taken' : '', 'data-start': t },
          `${formatShortDay(t, this.timeZone)}, ${formatTime(t, this.timeZone)}`,
          t === taken ? el('strong', { text: ' (taken)' }) : ''))));
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
    for (const id of ['reserve', 'buy-pack', 'use-pack']) this.$(id).disabled = on;
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
    if (this.payWithCredit) return this.bookWithCredit(ev, start, { email, name });
    const n = this.weekly ? this.seriesCount() : 1;
    if (!n) {
      this.say(`Please choose ${SERIES_MIN} to ${SERIES_MAX} appointments.`);
      this.$('count').focus();
      return;
    }
    const starts = n > 1 ? this.seriesStarts(start, n) : null;

    this.setBusy(true);
    this.showNotice(null);
    this.drawSeries();
    this.say(starts ? `Reserving ${n} appointments…` : `Reserving ${formatTime(start, this.timeZone)}…`);
    try {
      const guest = { email, name };
      const answer = await this.client.createReservation({ body: starts ? { event_id: ev.id, starts, guest } : { event_id: ev.id, start, guest } });
      this.held(answer.reservation, answer.checkout_url ?? '');
    } catch (error) {
      this.setBusy(false);
      this.emitError(error);
      if (starts) await this.seriesRefused(error, starts);
      else await this.refused(error, start);
    }
  }

  /** The time is the guest's: with whom, until when, then Checkout. */
  held(r, checkoutUrl) {
    const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
    const until = `until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)})`;
    const link = el('a', { href: checkoutUrl, id: 'checkout-link', text: 'Continue to payment' });
    let text = `${when} with ${r.expert_id} is held for you ${until}.`;
    if (this.event?.pool) text = `${when} is held for you ${until} with ${r.expert_id}, the expert of the team who is free then.`;
    if (r.series?.length) text = `Your ${r.series.length} weekly appointments with ${r.expert_id}, the first at ${when}, are held for you ${until}.`;
    this.$('status').replaceChildren(
      el('p', { id: 'held', text: `${text} Taking you to payment…` }),
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
      this.say(`The booking service could not be reached. Your choice is kept: press "${this.$('reserve').textContent}" again in a moment.`);
    } else this.say(`Nothing was reserved: ${error.detail}`);
    this.$('status').focus();
  }

  /**
   * A refused series held nothing. A 409 or 422 names the refused start as `starts[i]`:
   * the guest is told which appointment it was, sees it marked in the list, and may pick
   * another time or fewer weeks.
   * @param {any} error @param {string[]} starts
   */
  async seriesRefused(error, starts) {
    if (!isSlotguardError(error, 'slot_unavailable', 'slot_not_offered', 'booking_cap_reached')) return this.refused(error, starts[0]);
    const at = Number(/starts\[(\d+)\]/.exec(error.detail ?? '')?.[1] ?? -1);
    const which = at >= 0 && at < starts.length ? starts[at] : null;
    this.say('');
    await this.loadSlots({ keepNotice: true });
    this.drawSeries(which);
    const lead = `Sorry, nothing was held: `;
    const after = which === starts[0] ? ' Please choose another time.' : ' Please choose another time, or fewer appointments.';
    if (!which) return this.showNotice(`${lead}${error.detail}.${after}`);
    const named = `appointment ${at + 1} of ${starts.length}, ${formatTime(which, this.timeZone)} on ${formatDay(which, this.timeZone)},`;
    if (error.code === 'slot_unavailable') return this.showNotice(`${lead}${named} is already taken.${after}`, which === starts[0] ? this.nearest(which) : []);
    if (error.code === 'booking_cap_reached') return this.showNotice(`${lead}${named} falls on a day that is fully booked.${after}`);
    const why = error.detail.replace(/^starts\[\d+\] \([^)]*\): /, '');
    return this.showNotice(`${lead}${named} cannot be booked (${why}).${after}`);
  }
  // ---- prepaid packs ---------------------------------------------------------------

  /** What the remembered packs are scoped by, with the event type: the API they were bought on. */
  get apiKey() {
    return this.getAttribute('api') ?? '';
  }

  /** Whether the guest chose to pay with a credit (and the pack has one to give). */
  get payWithCredit() {
    return Boolean(this.pack) && packState(this.pack) === 'usable' && this.$('pay-credit').checked;
  }

  /** The event type's pack offers, then the guest's pack for it. */
  showPacks(ev) {
    this.packsFor = ev.id;
    const offers = ev.packs ?? [];
    this.$('buy-fieldset').hidden = offers.length === 0;
    this.$('code-fieldset').hidden = offers.length === 0;
    this.$('buy-status').replaceChildren();
    this.showPackCodeError(null);
    this.$('pack-offers').replaceChildren(...offers.map((o, i) => {
      const id = `pack-size-${o.sessions}`;
      const each = { amount: Math.round(o.price.amount / o.sessions), currency: o.price.currency };
      return el('label', { class: 'choice', for: id },
        el('input', { type: 'radio', name: 'pack-size', id, value: String(o.sessions), checked: i === 0, onchange: () => this.drawBuy() }),
        el('span', { class: 'choice-title', text: `${o.sessions} sessions for ${formatPrice(o.price)}` }),
        el('span', { class: 'choice-meta', text: `${formatPrice(each)} a session · usable for ${o.valid_days} days from payment` }));
    }));
    this.$('buy-intro').textContent = offers.length
      ? `Pay once for several sessions of ${ev.title}, then book each with a credit, with no checkout. The pack is bought in the name and e-mail above.`
      : '';
    this.drawBuy();
    this.loadPack(ev);
  }

  /** The buy button names the size chosen. */
  drawBuy() {
    const n = this.chosenPackSize();
    this.$('buy-pack').textContent = n ? `Buy ${n} sessions and pay` : 'Buy a pack and pay';
  }

  chosenPackSize() {
    return Number(/** @type {HTMLInputElement | null} */ (this.root.querySelector('input[name="pack-size"]:checked'))?.value ?? 0);
  }

  /**
   * Reads the guest's pack for `ev`: the `pack` attribute's, else the one remembered in
   * this browser. A pack of another event type is not used; one the API does not know is
   * forgotten.
   */
  async loadPack(ev) {
    const generation = ++this.packGeneration;
    this.pack = null;
    this.packNotice(null);
    this.drawPay();
    if (!ev.packs?.length) return;
    const given = this.getAttribute('pack');
    const ids = new Set([given !== this.forgottenPack ? given : null, rememberedPack(this.apiKey, ev.id)].filter(Boolean));
    for (const id of ids) {
      try {
        const { pack } = await this.client.getPack({ path: { pack_id: String(id) } });
        if (generation !== this.packGeneration) return;
        if (pack.event_id === ev.id) return this.setPack(pack);
      } catch (error) {
        if (generation !== this.packGeneration) return;
        if (isSlotguardError(error, 'pack_not_found', 'not_found') && id !== given) rememberPack(this.apiKey, ev.id, null);
        else if (!isSlotguardError(error, 'pack_not_found', 'not_found')) this.emitError(error);
      }
    }
  }

  /** `pack` becomes the guest's: remembered, its credits shown, a credit chosen while it has one. */
  setPack(pack, { choose = true } = {}) {
    this.pack = pack;
    this.forgottenPack = null;
    rememberPack(this.apiKey, pack.event_id, pack.id);
    for (const [field, value] of [['name', pack.guest?.name], ['email', pack.guest?.email]]) {
      if (value && !this.$(field).value.trim()) this.$(field).value = value;
    }
    if (choose) this.$(packState(pack) === 'usable' ? 'pay-credit' : 'pay-checkout').checked = true;
    this.drawPay();
  }

  /** Re-reads the pack (its credits after a booking, its state after a refusal). */
  async refreshPack() {
    if (!this.pack) return;
    try {
      this.pack = (await this.client.getPack({ path: { pack_id: this.pack.id } })).pack;
    } catch (error) {
      if (isSlotguardError(error, 'pack_not_found')) {
        rememberPack(this.apiKey, this.pack.event_id, null);
        this.pack = null;
      }
    }
    this.drawPay();
  }

  forgetPack() {
    if (!this.pack) return;
    rememberPack(this.apiKey, this.pack.event_id, null);
    this.forgottenPack = this.pack.id;
    const code = this.pack.id;
    this.pack = null;
    this.$('pay-checkout').checked = true;
    this.packNotice(null);
    this.drawPay();
    this.say(`This browser no longer remembers your pack. Its code, ${code}, still books with its credits.`);
    this.$('pack-code').focus();
  }

  /** What the pack can do now, beside "With a credit of my pack". */
  packMeta(pack) {
    const until = pack.expires_at ? formatDate(pack.expires_at, this.timeZone) : '';
    switch (packState(pack)) {
      case 'usable': return `${creditsText(pack)}, usable until ${until}`;
      case 'used_up': return `No credits left: all ${pack.sessions} are used`;
      case 'expired': return `Expired on ${until}: its credits can no longer be used`;
      case 'pending': return 'Its payment has not arrived yet';
      default: return 'Not bought: its checkout ended without payment';
    }
  }

  /** The pay choice, the button's words and the series choice follow the pack and the guest's choice. */
  drawPay() {
    const pack = this.pack;
    const ev = this.event;
    this.$('pay-fieldset').hidden = !pack;
    if (pack) {
      const credit = this.$('pay-credit');
      credit.disabled = packState(pack) !== 'usable';
      if (credit.disabled && credit.checked) this.$('pay-checkout').checked = true;
      this.$('pay-credit-meta').textContent = this.packMeta(pack);
      this.$('pay-checkout-meta').textContent = ev?.price ? formatPrice(ev.price) : '';
      this.$('pack-code-shown').textContent = `Your pack's code: ${pack.id}.`;
    }
    const withCredit = this.payWithCredit;
    this.$('reserve').textContent = withCredit ? 'Book with a credit' : 'Reserve and pay';
    this.$('reserve-hint').textContent = withCredit ? CREDIT_HINT : HOLD_HINT;
    if (!ev) return;
    const repeat = this.$('repeat-fieldset');
    repeat.hidden = !allowsSeries(ev) || withCredit;
    if (repeat.hidden) this.$('repeat-once').checked = true;
    this.drawSeries();
  }

  /** The alert in the pay choice: why a credit could not book. `extra` follows the text. */
  packNotice(text, extra = /** @type {Node | null} */ (null)) {
    const notice = this.$('pack-notice');
    notice.hidden = !text;
    if (!text) return notice.replaceChildren();
    notice.replaceChildren(el('p', { id: 'pack-notice-text', text }), ...(extra ? [el('p', {}, extra)] : []));
    notice.focus();
  }

  showPackCodeError(text) {
    const input = this.$('pack-code');
    const error = this.$('pack-code-error');
    error.hidden = !text;
    error.textContent = text ?? '';
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', text ? 'pack-code-error pack-code-help' : 'pack-code-help');
  }

  /** The guest pasted a pack's code: it must be a pack of this event type. */
  async usePackCode() {
    const ev = this.event;
    const input = this.$('pack-code');
    const id = input.value.trim();
    if (!ev || this.busy) return;
    const fail = (text) => {
      this.showPackCodeError(text);
      input.focus();
    };
    if (!id) return fail('Please paste the code of your pack: it starts with pak_.');
    this.packGeneration++;
    try {
      const { pack } = await this.client.getPack({ path: { pack_id: id } });
      if (pack.event_id !== ev.id) {
        const other = this.events.find((e) => e.id === pack.event_id)?.title ?? pack.event_id;
        return fail(`This pack is for another kind of appointment (${other}), not ${ev.title}.`);
      }
      this.showPackCodeError(null);
      input.value = '';
      this.setPack(pack);
      this.say(`Your pack is ready: ${this.packMeta(pack)}.`);
    } catch (error) {
      if (isSlotguardError(error, 'pack_not_found', 'not_found', 'bad_request')) return fail('No pack has this code. Check it and try again.');
      fail(problemText(error));
    }
  }

  /** Buys the chosen pack in the guest's name and sends the guest to its Checkout. */
  async buyPack() {
    const ev = this.event;
    const sessions = this.chosenPackSize();
    const offer = ev?.packs?.find((o) => o.sessions === sessions);
    if (!ev || !offer || this.busy) return;
    const status = this.$('buy-status');
    for (const field of ['name', 'email']) {
      const input = this.$(field);
      if (input.value.trim() && input.checkValidity()) continue;
      status.replaceChildren(el('p', { text: 'Please fill in your name and e-mail above first: the pack is bought in your name, and only that e-mail books with it.' }));
      input.focus();
      return;
    }
    const guest = { name: this.$('name').value.trim(), email: this.$('email').value.trim() };
    this.setBusy(true);
    status.replaceChildren(el('p', { text: `Opening checkout for ${sessions} sessions…` }));
    try {
      const { pack } = await this.client.createPack({ body: { event_id: ev.id, sessions, guest } });
      this.setPack(pack, { choose: false });
      const checkoutUrl = pack.checkout_url ?? '';
      status.replaceChildren(
        el('p', { id: 'pack-bought', text: `Your pack of ${sessions} sessions (${formatPrice(offer.price)}) is waiting for payment; its code is ${pack.id}. Taking you to payment…` }),
        el('p', {}, el('a', { href: checkoutUrl, id: 'pack-checkout-link', text: 'Continue to payment' })));
      status.focus();
      const go = this.dispatchEvent(new CustomEvent('slotguard-pack-checkout', { detail: { pack, checkoutUrl }, bubbles: true, composed: true, cancelable: true }));
      if (!go || !/^https?:\/\//.test(checkoutUrl)) return this.setBusy(false);
      const delay = Number(this.getAttribute('redirect-delay-ms') ?? 1500);
      setTimeout(() => location.assign(checkoutUrl), Number.isFinite(delay) ? delay : 1500);
    } catch (error) {
      this.setBusy(false);
      this.emitError(error);
      let text = `Nothing was bought: ${error?.detail ?? ''}`;
      if (isSlotguardError(error, 'validation_failed')) text = `Please check your details: ${error.detail}.`;
      else if (isSlotguardError(error, 'payment_provider_error')) text = 'Checkout could not be opened, so nothing was bought. Please try again.';
      else if (!isSlotguardError(error) || error.status >= 500) text = 'The booking service could not be reached. Nothing was bought: press the button again in a moment.';
      status.replaceChildren(el('p', { text }));
      status.focus();
    }
  }

  /** Books `start` with a credit of the guest's pack: confirmed at once, no Checkout. */
  async bookWithCredit(ev, start, guest) {
    const pack = this.pack;
    this.setBusy(true);
    this.showNotice(null);
    this.packNotice(null);
    this.say(`Booking ${formatTime(start, this.timeZone)} with a credit…`);
    try {
      const answer = await this.client.createReservation({ body: { event_id: ev.id, start, guest, pack_id: pack.id } });
      await this.refreshPack();
      this.setBusy(false);
      this.bookedWithCredit(answer.reservation);
    } catch (error) {
      this.setBusy(false);
      this.emitError(error);
      const packProblem = isSlotguardError(error, 'pack_used_up', 'pack_expired', 'pack_not_paid', 'pack_not_found')
        || (isSlotguardError(error, 'validation_failed') && /\bpack_id\b/.test(error.detail ?? ''));
      if (packProblem) return this.packRefused(error);
      await this.refused(error, start);
    }
  }

  /** The confirmation, at once: what, with whom, when, and the credits left. */
  bookedWithCredit(r) {
    const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
    const title = this.events.find((e) => e.id === r.event_id)?.title ?? r.event_id;
    this.$('status').replaceChildren(
      el('p', { id: 'booked', text: `Booked: ${title} with ${r.expert_id} at ${when} is confirmed, paid with a credit of your pack.` }),
      ...(this.pack ? [el('p', { id: 'booked-credits', text: `Your pack has ${creditsText(this.pack)}.` })] : []),
      el('p', { class: 'muted small', text: `Booking reference: ${r.id}` }));
    this.$('status').focus();
    this.dispatchEvent(new CustomEvent('slotguard-booked', { detail: { reservation: r, pack: this.pack }, bubbles: true, composed: true }));
    this.loadSlots();
  }

  /** A credit that could not pay: why, and what the guest can do instead. */
  async packRefused(error) {
    if (isSlotguardError(error, 'pack_not_found')) {
      if (this.pack) rememberPack(this.apiKey, this.pack.event_id, null);
      this.pack = null;
      this.drawPay();
    } else await this.refreshPack();
    const pack = this.pack;
    const instead = 'Pay at checkout instead, or buy a new pack below.';
    let text = 'Nothing was booked: this pack was bought with another e-mail address. Enter the e-mail you bought it with above to book with it.';
    /** @type {Node | null} */
    let extra = null;
    if (error.code === 'pack_used_up') text = `Nothing was booked: your pack has no credits left${pack ? ` (all ${pack.sessions} are used)` : ''}. ${instead}`;
    else if (error.code === 'pack_expired') {
      text = `Nothing was booked: your pack expired${pack?.expires_at ? ` on ${formatDate(pack.expires_at, this.timeZone)}` : ''}, and its credits can no longer be used. ${instead}`;
    } else if (error.code === 'pack_not_paid') {
      text = 'Nothing was booked: the payment for your pack has not arrived yet. If you have just paid, try again in a moment.';
      if (pack?.status === 'pending_payment' && pack.checkout_url) extra = el('a', { href: pack.checkout_url, text: 'Finish paying for the pack' });
    } else if (error.code === 'pack_not_found') {
      this.say('Nothing was booked: this pack could not be found. Check its code below, or pay at checkout.');
      return this.$('status').focus();
    }
    this.say('');
    this.packNotice(text, extra);
  }
}
