// A prepaid pack's payment path end to end: the Node host (memory store) and the Stripe
// emulator delivering signed webhooks, one clock. A pack is bought (its Checkout Session
// opened for the pack's price), paid, activated by the webhook, booked with a credit
// (confirmed in the hold's own commit, no session of its own), and a cancellation the
// terms refund in full gives the credit back, with no money moved; a late one does not.
// A pack whose checkout expires unpaid lapses; an active one past its validity refuses
// its credits.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/packs.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY, MINUTE, WASM, startE2EStack } from './support/stack.mjs';

const EVENT_ID = 'e2e-coaching';
const PRICE = 5000;
const PACK_PRICE = 18000;
const VALID_DAYS = 30;

describe(`packs end to end (${WASM}, memory store)`, () => {
  /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
  let s;
  let base;
  /** A start `day` days after tomorrow's UTC midnight, at `hh`:00 UTC. */
  const slotAt = (day, hh) => new Date(Math.floor(base / DAY) * DAY + DAY + day * DAY + hh * 60 * MINUTE).toISOString().replace('.000Z', 'Z');
  const rfc = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const guest = (n) => ({ email: `pack${n}@example.com`, name: `Pack Guest ${n}` });
  const packOf = async (id) => (await s.call('GET', `/v1/packs/${id}`)).json.pack;
  const sessionOf = (packId) => [...s.emulator.state.sessions.values()].find((x) => x.metadata?.pack_id === packId);
  const sessionCount = () => s.emulator.state.sessions.size;
  const book = (pack, start, n) => s.call('POST', '/v1/reservations', { body: { event_id: EVENT_ID, start, guest: guest(n), pack_id: pack } });

  /** The host's answers to every delivery of the one `type` event about `objectId`. */
  function answers(objectId, type) {
    const events = [...s.emulator.state.events.values()].filter((e) => e.type === type && e.data.object.id === objectId);
    assert.equal(events.length, 1, `one ${type} event for ${objectId}`);
    return s.tap.records.filter((r) => r.event_id === events[0].id).map((r) => `${r.status} ${r.json?.outcome}`);
  }

  async function buy(n, sessions = 4) {
    const res = await s.call('POST', '/v1/packs', { body: { event_id: EVENT_ID, sessions, guest: guest(n) } });
    assert.equal(res.status, 201, res.text);
    return res.json.pack;
  }

  before(async () => {
    s = await startE2EStack();
    base = s.now();
    const put = await s.call('PUT', `/v1/events/${EVENT_ID}`, {
      headers: s.admin,
      body: {
        expert_id: 'e2e-pack-expert',
        title: 'Coaching',
        duration_minutes: 30,
        slot_step_minutes: 30,
        price: { amount: PRICE, currency: 'eur' },
        cancellation: { tiers: [{ before_minutes: 1440, refund_percent: 100 }] },
        packs: [{ sessions: 4, price: { amount: PACK_PRICE, currency: 'eur' }, valid_days: VALID_DAYS }],
      },
    });
    assert.equal(put.status, 201, put.text);
  });
  after(() => s?.stop());

  it('bought, paid, activated by the webhook, booked with a credit, and a timely cancellation gives the credit back', async () => {
    const bought = await buy(1);
    assert.equal(bought.status, 'pending_payment');
    assert.equal(bought.credits_left, 4);
    assert.equal(bought.expires_at, null);
    assert.match(bought.checkout_url, new RegExp(`^${s.emulatorUrl}/`));
    const session = sessionOf(bought.id);
    assert.ok(session, 'the Checkout Session names its pack');
    assert.equal(session.amount_total, PACK_PRICE);
    assert.equal(session.success_url, `${s.url}/return/?pack=${bought.id}&outcome=paid`);
    assert.equal(session.cancel_url, `${s.url}/return/?pack=${bought.id}&outcome=cancelled`);
    // Not paid yet: its credits cannot book.
    const early = await book(bought.id, slotAt(2, 9), 1);
    assert.equal(early.status, 409, early.text);
    assert.equal(early.json.error.code, 'pack_not_paid');

    const paidAt = s.now();
    const paid = s.emulator.pay(session.id, { method: 'card' });
    await s.settle();
    assert.deepEqual(answers(session.id, 'checkout.session.completed'), ['200 pack_activated']);
    const active = await packOf(bought.id);
    assert.equal(active.status, 'active');
    assert.equal(active.credits_left, 4);
    assert.equal(active.checkout_url, null);
    assert.equal(Date.parse(active.expires_at), paidAt + VALID_DAYS * DAY, 'valid for its days from the payment');

    // A credit books: confirmed at once, no Checkout Session, no payment of its own.
    const sessionsBefore = sessionCount();
    const booked = await book(bought.id, slotAt(2, 9), 1);
    assert.equal(booked.status, 201, booked.text);
    const r = booked.json.reservation;
    assert.equal(r.status, 'confirmed');
    assert.equal(r.pack_id, bought.id);
    assert.equal(booked.json.checkout_url, undefined);
    assert.equal(r.checkout_session_id ?? null, null);
    assert.equal(sessionCount(), sessionsBefore, 'no session for a booking with a credit');
    assert.equal((await packOf(bought.id)).credits_left, 3);
    // The slot is taken like any booking.
    const other = await s.call('POST', '/v1/reservations', { body: { event_id: EVENT_ID, start: slotAt(2, 9), guest: guest(9) } });
    assert.equal(other.status, 409);
    assert.equal(other.json.error.code, 'slot_unavailable');

    // Cancelled two days ahead, inside the full-refund tier: the credit comes back, and
    // the pack's payment is not touched.
    const cancelled = await s.call('DELETE', `/v1/reservations/${r.id}`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.reservation.status, 'released');
    assert.equal(cancelled.json.reservation.credit_returned, true);
    await s.settle();
    assert.equal((await packOf(bought.id)).credits_left, 4);
    const refunds = (await s.stripeGet(`/v1/refunds?payment_intent=${paid.payment_intent}`)).data;
    assert.deepEqual(refunds, [], 'a credit returned is no refund');
    assert.equal((await s.stripeGet(`/v1/payment_intents/${paid.payment_intent}`)).amount_received, PACK_PRICE);
    // The freed time books again, with the returned credit.
    const rebooked = await book(bought.id, slotAt(2, 9), 1);
    assert.equal(rebooked.status, 201, rebooked.text);
    assert.equal((await packOf(bought.id)).credits_left, 3);

    // Cancelled with less than a day's notice: the terms refund nothing, the credit is spent.
    const soon = rfc(Math.ceil((s.now() + 3 * 60 * MINUTE) / (30 * MINUTE)) * 30 * MINUTE);
    const late = await book(bought.id, soon, 1);
    assert.equal(late.status, 201, late.text);
    assert.equal((await packOf(bought.id)).credits_left, 2);
    const lateCancel = await s.call('DELETE', `/v1/reservations/${late.json.reservation.id}`);
    assert.equal(lateCancel.status, 200, lateCancel.text);
    assert.equal(lateCancel.json.reservation.credit_returned, false);
    assert.equal((await packOf(bought.id)).credits_left, 2);
  });

  it('the last credits used up: the next booking hears pack_used_up', async () => {
    const bought = await buy(2);
    s.emulator.pay(sessionOf(bought.id).id, { method: 'card' });
    await s.settle();
    for (let d = 0; d < 4; d++) assert.equal((await book(bought.id, slotAt(3 + d, 10), 2)).status, 201);
    const fifth = await book(bought.id, slotAt(8, 10), 2);
    assert.equal(fifth.status, 409, fifth.text);
    assert.equal(fifth.json.error.code, 'pack_used_up');
    assert.equal((await packOf(bought.id)).credits_left, 0);
  });

  it('a checkout that expires unpaid lapses the pack, and nothing was charged', async () => {
    const bought = await buy(3);
    const session = sessionOf(bought.id);
    await s.advance(2 * 60 * MINUTE);
    await s.settle();
    assert.equal(s.emulator.state.sessions.get(session.id).status, 'expired');
    assert.deepEqual(answers(session.id, 'checkout.session.expired'), ['200 pack_lapsed']);
    const lapsed = await packOf(bought.id);
    assert.equal(lapsed.status, 'lapsed');
    assert.equal(lapsed.checkout_url, null);
    assert.equal((await book(bought.id, slotAt(12, 9), 3)).json.error.code, 'pack_not_paid');
  });

  it('past its validity, an active pack refuses its credits as pack_expired', async () => {
    const bought = await buy(4);
    s.emulator.pay(sessionOf(bought.id).id, { method: 'card' });
    await s.settle();
    await s.advance((VALID_DAYS + 1) * DAY);
    await s.settle();
    const start = rfc((Math.floor(s.now() / DAY) + 2) * DAY + 9 * 60 * MINUTE);
    const res = await book(bought.id, start, 4);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.error.code, 'pack_expired');
  });
});
