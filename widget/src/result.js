// <slotguard-booking-result>: the page Checkout sends the guest back to, the API's
// return route /return/?reservation=<id>&outcome=paid|cancelled. After paying it polls
// the reservation until slotguard has confirmed it (the webhook can arrive after the
// guest); after cancelling it releases the unpaid hold at once. A return address never
// cancels a booking someone paid for: the release asks for unpaid_only, and a paid one
// answers 409 reservation_confirmed and stands. A series comes back as its lead (the
// first start), which lists every occurrence (`series`): each is shown with its status.
// A prepaid pack comes back as /return/?pack=<id>&outcome=paid|cancelled: paid, the page
// waits for the payment to activate the pack, then shows its credits, until when they
// last and its code, and remembers the pack in this browser for the booking page;
// cancelled, it says nothing was charged (the unpaid pack lapses with its checkout).
//
// Attributes: api (default: the page's own origin), time-zone (default: the browser's),
// booking-url (where "Choose another time" goes; default: the page's parent folder).
import {
  browserTimeZone, createClient, creditsText, el, formatDate, formatDay, formatTime, formatWhen, durationUntil, isSlotguardError,
  packState, rememberPack, validTimeZone,
} from './shared.js';
import { STYLE } from './style.js';

const POLL_DELAYS_MS = [500, 1000, 1000, 1000, 2000, 2000, 2000, 3000, 5000];
const POLL_FOR_MS = 15 * 60_000;

const STATUS_WORDS = {
  pending_payment: 'held, awaiting payment',
  confirmed: 'confirmed',
  awaiting_approval: 'awaiting approval',
  released: 'not booked',
  refunded: 'refunded',
};

const RELEASE_REASONS = {
  cancelled: 'The booking was cancelled.',
  hold_expired: 'The time was held for you, but the payment did not arrive in time.',
  checkout_expired: 'The checkout was not completed in time.',
  payment_failed: 'The payment did not go through.',
  payment_provider_error: 'The payment provider could not open a checkout.',
  declined: 'The expert could not take this booking; your card was not charged.',
  approval_expired: 'The expert did not answer in time; your card was not charged.',
  authorization_lost: 'The payment could no longer be taken; your card was not charged.',
};

export class SlotguardBookingResult extends HTMLElement {
  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.eventTitle = /** @type {string | null} */ (null);
    this.started = false;
    this.client = createClient({ baseUrl: location.origin });
    this.timeZone = browserTimeZone();
    /** @type {string | null} */
    this.reservationId = null;
    /** A series' occurrences as last read, first start first, and the lead's status then. @type {any[] | null} */
    this.occurrences = null;
    this.occurrencesFor = '';
  }

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const api = this.getAttribute('api');
    this.client = createClient(api ? { baseUrl: api } : {});
    const zone = this.getAttribute('time-zone');
    this.timeZone = zone && validTimeZone(zone) ? zone : browserTimeZone();
    const q = new URLSearchParams(location.search);
    this.reservationId = q.get('reservation');
    this.packId = this.reservationId ? null : q.get('pack');
    this.root.replaceChildren(el('style', { text: STYLE }),
      el('section', { class: 'sg', 'aria-labelledby': 'result' },
        el('h2', { id: 'result', tabindex: '-1', text: this.packId ? 'Checking your pack…' : 'Checking your booking…' }),
        el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
        el('dl', { id: 'details', class: 'details', hidden: true }),
        el('div', { id: 'actions', class: 'actions' })));
    if (this.packId) this.pollPack(q.get('outcome') === 'cancelled');
    else if (!this.reservationId) this.notFound();
    else if (q.get('outcome') === 'cancelled') this.cancel();
    else this.poll();
  }

  /** @param {string} id */
  $(id) {
    return /** @type {any} */ (this.root.getElementById(id));
  }

  /** @param {string} text @param {Record<string, string>} [query] what the booking page is asked to open */
  bookingLink(text, query = {}) {
    const url = new URL(this.getAttribute('booking-url') ?? new URL('../', location.href).href, location.href);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return el('a', { href: url.href, id: 'book-again', class: 'button', text });
  }

  show({ state, heading, text, final = false, actions = /** @type {(Node|string)[]} */ ([]) }) {
    this.$('result').textContent = heading;
    this.dataset.state = state;
    document.title = `${heading} – ${this.packId ? 'your pack' : 'your booking'}`;
    this.$('status').replaceChildren(el('p', { id: 'status-text', text }));
    this.$('actions').replaceChildren(...actions);
    if (final) this.$('result').focus();
  }

  /** Reads a series' occurrences again when the lead's status changed since the last read. */
  async loadSeries(r) {
    if (!r.series?.length || this.occurrencesFor === r.status) return;
    try {
      this.occurrences = await Promise.all(r.series.map((id) => (id === r.id ? r
        : this.client.getReservation({ path: { id } }).then((a) => a.reservation))));
      this.occurrencesFor = r.status;
    } catch {
      // the lead's own time is shown, with how many there are
    }
  }

  showDetails(r) {
    const span = (o) => `${formatWhen(o.start, this.timeZone)} – ${formatTime(o.end, this.timeZone)}`;
    const when = this.occurrences
      ? el('ol', { id: 'occurrences' }, ...this.occurrences.map((o) =>
        el('li', { 'data-status': o.status }, `${span(o)} (${STATUS_WORDS[o.status] ?? o.status})`)))
      : span(r);
    const rows = [
      ['What', this.eventTitle ?? r.event_id],
      ['With', r.expert_id],
      [r.series?.length ? `When (${r.series.length} appointments)` : 'When', when],
      ['Name', r.guest?.name],
      ['E-mail', r.guest?.email],
      ['Reference', r.id],
    ];
    this.$('details').replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) =>
      [el('dt', { text: k }), typeof v === 'string' ? el('dd', { text: v }) : el('dd', {}, v)]));
    this.$('details').hidden = false;
  }

  describe(r) {
    if (r.series?.length) return this.describeSeries(r);
    const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
    switch (r.status) {
      case 'confirmed':
        return { state: 'confirmed', heading: 'Your booking is confirmed', text: `${this.eventTitle ?? 'Your appointment'} with ${r.expert_id} at ${when} is booked. See you then!`, final: true };
      case 'pending_payment':
        return { state: 'pending', heading: 'Waiting for your payment to be confirmed',
          text: r.expires_at ? `${when} is held for you until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)}). This page updates by itself.` : `${when} is held for you. This page updates by itself.` };
      case 'awaiting_approval':
        return { state: 'awaiting', heading: 'Waiting for the expert to approve', final: true,
          text: `${when} is held for you. Your card is authorized, not charged: it is charged only if the expert approves.` };
      case 'refunded':
        return { state: 'refunded', heading: 'Your payment was refunded', final: true, actions: [this.bookingLink('Choose another time')],
          text: `${when} could not be kept for you, so the payment has been refunded.` };
      default:
        return { state: 'released', heading: 'This booking was not completed', final: true, actions: [this.bookingLink('Choose another time')],
          text: `${RELEASE_REASONS[r.release_reason] ?? 'The time was released.'} Nothing was booked for ${when}.` };
    }
  }

  /** A series, told by its lead: every occurrence is held, confirmed or refunded together. */
  describeSeries(r) {
    const n = r.series.length;
    const from = `${n} appointments from ${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
    switch (r.status) {
      case 'confirmed':
        return { state: 'confirmed', heading: `Your ${n} bookings are confirmed`, final: true,
          text: `${this.eventTitle ?? 'Your appointments'} with ${r.expert_id}: all ${from} are booked. See you then!` };
      case 'pending_payment':
        return { state: 'pending', heading: 'Waiting for your payment to be confirmed',
          text: r.expires_at ? `The ${from} are held for you until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)}). This page updates by itself.` : `The ${from} are held for you. This page updates by itself.` };
      case 'refunded':
        return { state: 'refunded', heading: 'Your payment was refunded', final: true, actions: [this.bookingLink('Choose another time')],
          text: `The ${from} could not all be kept for you, so the payment has been refunded.` };
      default:
        return { state: 'released', heading: 'These bookings were not completed', final: true, actions: [this.bookingLink('Choose another time')],
          text: `${RELEASE_REASONS[r.release_reason] ?? 'The times were released.'} Nothing was booked for the ${from}.` };
    }
  }

  async loadTitle(r) {
    if (this.eventTitle) return;
    try {
      this.eventTitle = (await this.client.getEvent({ path: { event_id: r.event_id } })).event.title;
    } catch {
      // the id is shown instead
    }
  }

  unreachable(retry) {
    this.show({ state: 'unknown', heading: 'We could not check your booking', final: true,
      text: 'The booking service could not be reached. Your booking is not lost: check again in a moment.',
      actions: [el('button', { type: 'button', text: 'Check again', onclick: retry })] });
  }

  notFound() {
    this.show({ state: 'not_found', heading: 'We could not find this booking', final: true,
      text: 'There is no booking at this address. Nothing was booked here.', actions: [this.bookingLink('Book an appointment')] });
  }

  async poll() {
    const startedAt = Date.now();
    for (let i = 0; ; i++) {
      try {
        const { reservation: r } = await this.client.getReservation({ path: { id: String(this.reservationId) } });
        await this.loadTitle(r);
        await this.loadSeries(r);
        this.showDetails(r);
        const view = this.describe(r);
        if (view.final) return this.show(view);
        if (Date.now() - startedAt > POLL_FOR_MS) {
          return this.show({ ...view, heading: 'Your payment is still being confirmed', final: true,
            actions: [el('button', { type: 'button', text: 'Check again', onclick: () => this.poll() })] });
        }
        if (this.$('result').textContent !== view.heading) this.show(view);
      } catch (error) {
        if (isSlotguardError(error, 'reservation_not_found')) return this.notFound();
        if (isSlotguardError(error) && error.status < 500) return this.unreachable(() => this.poll());
        if (Date.now() - startedAt > 60_000) return this.unreachable(() => this.poll());
      }
      await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)]));
    }
  }

  async cancel() {
    this.show({ state: 'cancelling', heading: 'Cancelling…', text: 'Releasing the time you picked.' });
    try {
      const { reservation: r } = await this.client.cancelReservation({ path: { id: String(this.reservationId) }, query: { unpaid_only: 'true' } });
      await this.loadTitle(r);
      await this.loadSeries(r);
      this.showDetails(r);
      if (r.status === 'confirmed') return this.show(this.describe(r));
      const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
      return this.show({ state: 'cancelled', heading: 'Payment cancelled', final: true, actions: [this.bookingLink('Choose another time')],
        text: r.series?.length ? `Nothing was charged. The ${r.series.length} appointments from ${when} are free again.` : `Nothing was charged. ${when} is free again.` });
    } catch (error) {
      // Paid after all (e.g. in another tab): the booking stands.
      if (isSlotguardError(error, 'reservation_confirmed')) return this.poll();
      if (isSlotguardError(error, 'reservation_not_found')) return this.notFound();
      this.show({ state: 'unknown', heading: 'The time could not be released yet', final: true,
        text: 'The booking service could not be reached. Nothing was charged; the hold lapses by itself if you do not pay.',
        actions: [el('button', { type: 'button', text: 'Try again', onclick: () => this.cancel() }), ' ', this.bookingLink('Back to booking')] });
    }
  }
  // ---- a prepaid pack's return -----------------------------------------------------

  showPackDetails(p) {
    const rows = [
      ['What', `${p.sessions} sessions of ${this.eventTitle ?? p.event_id}`],
      ['With', p.expert_id],
      ['Credits left', p.status === 'active' ? String(p.credits_left) : ''],
      ['Usable until', p.status === 'active' && p.expires_at ? formatDate(p.expires_at, this.timeZone) : ''],
      ['Name', p.guest?.name],
      ['E-mail', p.guest?.email],
      ['Pack code', p.id],
    ];
    this.$('details').replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
    this.$('details').hidden = false;
  }

  /** What a pack's return says, from the pack as read and whether the guest cancelled. */
  describePack(p, cancelled) {
    const what = `${p.sessions} sessions of ${this.eventTitle ?? p.event_id}`;
    const state = packState(p);
    const book = (text) => this.bookingLink(text, { event: p.event_id, pack: p.id });
    if (state === 'usable') {
      return { state: 'pack_active', heading: 'Your pack is ready', final: true, actions: [book('Book a time with a credit')],
        text: `Your pack of ${what} is paid: ${creditsText(p)}, usable until ${formatDate(String(p.expires_at), this.timeZone)}. Each booking takes one credit, with nothing more to pay. Keep the pack code below to book from another device.` };
    }
    if (state === 'used_up' || state === 'expired') {
      return { state: `pack_${state}`, heading: state === 'expired' ? 'This pack has expired' : 'This pack is used up', final: true, actions: [this.bookingLink('Book an appointment', { event: p.event_id })],
        text: state === 'expired' ? `Your pack of ${what} expired on ${formatDate(String(p.expires_at), this.timeZone)}.` : `All ${p.sessions} credits of your pack have been used.` };
    }
    if (cancelled || state === 'lapsed') {
      return { state: 'pack_cancelled', heading: 'Payment cancelled', final: true, actions: [this.bookingLink('Back to booking', { event: p.event_id })],
        text: `Nothing was charged, and the pack of ${what} was not bought. You can buy one again on the booking page, or book and pay for a single time.` };
    }
    return { state: 'pack_pending', heading: 'Waiting for your payment to be confirmed',
      text: `Your pack of ${what} is bought once the payment arrives. This page updates by itself.` };
  }

  /** Reads the pack until its payment has made it active (or the guest cancelled: once). */
  async pollPack(cancelled) {
    const startedAt = Date.now();
    for (let i = 0; ; i++) {
      try {
        const { pack: p } = await this.client.getPack({ path: { pack_id: String(this.packId) } });
        if (!this.eventTitle) await this.loadTitle(p);
        if (p.status === 'active') rememberPack(this.getAttribute('api') ?? '', p.event_id, p.id);
        this.showPackDetails(p);
        const view = this.describePack(p, cancelled);
        if (view.final) return this.show(view);
        if (Date.now() - startedAt > POLL_FOR_MS) {
          return this.show({ ...view, heading: 'Your payment is still being confirmed', final: true,
            actions: [el('button', { type: 'button', text: 'Check again', onclick: () => this.pollPack(cancelled) })] });
        }
        if (this.$('result').textContent !== view.heading) this.show(view);
      } catch (error) {
        if (isSlotguardError(error, 'pack_not_found', 'not_found')) {
          return this.show({ state: 'not_found', heading: 'We could not find this pack', final: true,
            text: 'There is no pack at this address. Nothing was charged here.', actions: [this.bookingLink('Book an appointment')] });
        }
        if ((isSlotguardError(error) && error.status < 500) || Date.now() - startedAt > 60_000) {
          return this.show({ state: 'unknown', heading: 'We could not check your pack', final: true,
            text: 'The booking service could not be reached. Your pack is not lost: check again in a moment.',
            actions: [el('button', { type: 'button', text: 'Check again', onclick: () => this.pollPack(cancelled) })] });
        }
      }
      await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)]));
    }
  }
}
