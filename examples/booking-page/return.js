// The return page's behaviour (return/index.html). Checkout sends the guest here with
// ?ref=...&outcome=paid or ?ref=...&outcome=cancelled; `ref` finds the reservation
// saved before the trip to checkout. After paying, the page polls the reservation
// until slotguard has confirmed it (the Stripe webhook can arrive after the guest);
// after cancelling, it releases the hold at once so that the time is free for others.
import { api, errorCode, formatTime, formatWhen, durationUntil, loadAttempt, loadConfig } from './booking-api.js';

const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const record = q.get('ref') ? loadAttempt(q.get('ref')) : null;
const reservationId = record?.reservationId ?? q.get('reservation');
const apiBase = record?.apiBase ?? loadConfig().apiBase;
const bookingUrl = record?.bookingUrl ?? new URL('../', location.href).href;

// Polling: quick at first (the webhook usually lands within seconds), then slower, and
// after a quarter of an hour the guest decides when to look again.
const POLL_DELAYS_MS = [500, 1000, 1000, 1000, 2000, 2000, 2000, 3000, 5000];
const POLL_FOR_MS = 15 * 60_000;

let eventTitle = record?.eventTitle ?? null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/**
 * Shows one state. `final` moves focus to the heading, so that a screen reader reads the
 * outcome and keyboard users start from it; while waiting, the live region speaks.
 */
function show({ state, heading, text, final = false, actions = [] }) {
  const h = $('result');
  h.textContent = heading;
  document.title = `${heading} – your booking`;
  document.body.dataset.state = state;
  $('status').replaceChildren(el('p', { id: 'status-text', text }));
  $('actions').replaceChildren(...actions);
  if (final) h.focus();
}

function showDetails(r) {
  const rows = [
    ['What', eventTitle ?? r.event_id],
    ['When', `${formatWhen(r.start)} – ${formatTime(r.end)}`],
    ['Name', r.guest?.name],
    ['E-mail', r.guest?.email],
    ['Reference', r.id],
  ];
  $('details').replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  $('details').hidden = false;
}

const backLink = (text) => el('a', { href: bookingUrl, id: 'book-again', class: 'button', text });

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

/** What a reservation's state means to the guest; `final` when it will not change. */
function describe(r) {
  const when = formatWhen(r.start);
  switch (r.status) {
    case 'confirmed':
      return { state: 'confirmed', heading: 'Your booking is confirmed', text: `${eventTitle ?? 'Your appointment'} on ${when} is booked. See you then!`, final: true };
    case 'pending_payment':
      return {
        state: 'pending',
        heading: 'Waiting for your payment to be confirmed',
        text: r.expires_at
          ? `${when} is held for you until ${formatTime(r.expires_at)} (${durationUntil(r.expires_at)}). This page updates by itself.`
          : `${when} is held for you. This page updates by itself.`,
      };
    case 'awaiting_approval':
      // Hours may pass before the expert answers: the page stops here, and the guest
      // hears of the answer from the app (or by loading this page again).
      return {
        state: 'awaiting',
        heading: 'Waiting for the expert to approve',
        text: `${when} is held for you. Your card is authorized, not charged: it is charged only if the expert approves${
          r.approval?.respond_by ? `, by ${formatTime(r.approval.respond_by)}` : ''}.`,
        final: true,
      };
    case 'refunded':
      return {
        state: 'refunded',
        heading: 'Your payment was refunded',
        text: `${when} could not be kept for you, so the payment has been refunded in full.`,
        final: true,
        actions: [backLink('Choose another time')],
      };
    default:
      return {
        state: 'released',
        heading: 'This booking was not completed',
        text: `${RELEASE_REASONS[r.release_reason] ?? 'The time was released.'} Nothing was booked for ${when}.`,
        final: true,
        actions: [backLink('Choose another time')],
      };
  }
}

function unreachable(retry) {
  const again = el('button', { type: 'button', text: 'Check again' });
  again.addEventListener('click', retry);
  show({
    state: 'unknown',
    heading: 'We could not check your booking',
    text: 'The booking service could not be reached. Your booking is not lost: check again in a moment.',
    final: true,
    actions: [again],
  });
}

async function loadTitle(r) {
  if (eventTitle) return;
  const answer = await api(apiBase, 'GET', `/v1/events/${encodeURIComponent(r.event_id)}`);
  if (answer.status === 200) eventTitle = answer.json?.event?.title ?? null;
}

async function poll() {
  const startedAt = Date.now();
  for (let i = 0; ; i++) {
    const answer = await api(apiBase, 'GET', `/v1/reservations/${encodeURIComponent(reservationId)}`);
    if (answer.status === 200 && answer.json?.reservation) {
      const r = answer.json.reservation;
      await loadTitle(r);
      showDetails(r);
      const view = describe(r);
      if (view.final) return show(view);
      if (Date.now() - startedAt > POLL_FOR_MS) {
        const again = el('button', { type: 'button', text: 'Check again' });
        again.addEventListener('click', () => poll());
        return show({ ...view, heading: 'Your payment is still being confirmed', final: true, actions: [again] });
      }
      if (i === 0 || $('result').textContent !== view.heading) show(view);
    } else if (answer.status === 404) {
      return notFound();
    } else if (answer.status !== 0 && answer.status < 500) {
      return unreachable(() => poll());
    } else if (Date.now() - startedAt > 60_000) {
      return unreachable(() => poll());
    }
    await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)]));
  }
}

/**
 * Back from checkout without paying: let the time go now rather than when the hold
 * lapses. Only an unpaid hold: the guest may have paid in another tab meanwhile, and a
 * paid booking answers 409 reservation_confirmed and stands (a return address must
 * never cancel a booking someone paid for).
 */
async function cancel() {
  show({ state: 'cancelling', heading: 'Cancelling…', text: 'Releasing the time you picked.' });
  const answer = await api(apiBase, 'DELETE', `/v1/reservations/${encodeURIComponent(reservationId)}?unpaid_only=true`);
  if (answer.status === 200 && answer.json?.reservation) {
    const r = answer.json.reservation;
    await loadTitle(r);
    showDetails(r);
    if (r.status === 'confirmed') return show(describe(r));
    return show({
      state: 'cancelled',
      heading: 'Payment cancelled',
      text: `Nothing was charged. ${formatWhen(r.start)} is free again.`,
      final: true,
      actions: [backLink('Choose another time')],
    });
  }
  // Paid after all (e.g. in another tab): the booking stands.
  if (answer.status === 409 && errorCode(answer) === 'reservation_confirmed') return poll();
  if (answer.status === 404) return notFound();
  const expires = record?.expiresAt ? ` It is released by itself at ${formatTime(record.expiresAt)}.` : '';
  const again = el('button', { type: 'button', text: 'Try again' });
  again.addEventListener('click', () => cancel());
  show({
    state: 'unknown',
    heading: 'The time could not be released yet',
    text: `The booking service could not be reached. Nothing was charged.${expires}`,
    final: true,
    actions: [again, ' ', backLink('Back to booking')],
  });
}

function notFound() {
  show({
    state: 'not_found',
    heading: 'We could not find this booking',
    text: 'This browser has no record of it (it may have been made in another browser or tab). Nothing was booked here.',
    final: true,
    actions: [backLink('Book an appointment')],
  });
}

if (!reservationId) {
  notFound();
} else {
  // The id in the address keeps a reload or a bookmark working without sessionStorage.
  if (!q.get('reservation')) {
    const url = new URL(location.href);
    url.searchParams.set('reservation', reservationId);
    history.replaceState(null, '', url);
  }
  if (q.get('outcome') === 'cancelled') cancel();
  else poll();
}
