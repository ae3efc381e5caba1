// Series end to end: the Node host (memory store) and the Stripe emulator delivering
// signed webhooks, one clock. A series is paid through one Checkout Session for the
// total and confirmed whole; one paid occurrence cancelled gets its share back through
// a real refund of the shared PaymentIntent; an abandoned series' session expires and
// every occurrence is released with it.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/series.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY, MINUTE, WASM, startE2EStack } from './support/stack.mjs';

const PRICE = 3000;

describe(`series end to end (${WASM}, memory store)`, () => {
  /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
  let s;
  let base;
  const slotAt = (day, hh) => new Date(Math.floor(base / DAY) * DAY + DAY + day * DAY + hh * 60 * MINUTE).toISOString().replace('.000Z', 'Z');
  const get = async (id) => (await s.call('GET', `/v1/reservations/${id}`)).json.reservation;
  const hold = async (starts, n) => {
    const res = await s.call('POST', '/v1/reservations', {
      body: { event_id: 'e2e-lesson', starts, guest: { email: `series${n}@example.com`, name: `Series ${n}` } },
    });
    assert.equal(res.status, 201, res.text);
    return res.json.reservation;
  };

  before(async () => {
    s = await startE2EStack();
    base = s.now();
    const put = await s.call('PUT', '/v1/events/e2e-lesson', {
      headers: s.admin,
      body: {
        expert_id: 'e2e-series-expert',
        title: 'Lesson',
        duration_minutes: 30,
        slot_step_minutes: 30,
        price: { amount: PRICE, currency: 'eur' },
        cancellation: { refund_before_minutes: 60, refund_percent: 50 },
      },
    });
    assert.equal(put.status, 201, put.text);
  });
  after(() => s?.stop());

  it('paid through one session for the total: every occurrence confirmed; one cancelled gets its share back', async () => {
    const lead = await hold([slotAt(1, 9), slotAt(8, 9), slotAt(15, 9)], 1);
    const session = s.emulator.state.sessions.get(lead.checkout_session_id);
    assert.equal(session.amount_total, 3 * PRICE);
    const paid = s.emulator.pay(lead.checkout_session_id, { method: 'card' });
    await s.settle();
    for (const id of lead.series) {
      const one = await get(id);
      assert.equal(one.status, 'confirmed', JSON.stringify(one));
      assert.equal(one.payment_intent_id, paid.payment_intent);
    }
    const cancelled = await s.call('DELETE', `/v1/reservations/${lead.series[2]}`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.reservation.status, 'refunded');
    await s.settle();
    const refunds = (await s.stripeGet(`/v1/refunds?payment_intent=${paid.payment_intent}`)).data;
    assert.deepEqual(refunds.map((r) => r.amount), [PRICE], 'the occurrence\'s own price: cancelled a week ahead, all of it');
    assert.equal((await get(lead.series[0])).status, 'confirmed');
    assert.equal((await get(lead.series[1])).status, 'confirmed');
  });

  it('abandoned: the session expires and every occurrence is released with it', async () => {
    const starts = [slotAt(2, 9), slotAt(9, 9)];
    const lead = await hold(starts, 2);
    await s.advance(2 * 60 * MINUTE);
    await s.settle();
    assert.equal(s.emulator.state.sessions.get(lead.checkout_session_id).status, 'expired');
    for (const id of lead.series) {
      const one = await get(id);
      assert.equal(one.status, 'released', JSON.stringify(one));
      assert.equal(one.release_reason, 'checkout_expired');
    }
    const again = await s.call('POST', '/v1/reservations', {
      body: { event_id: 'e2e-lesson', start: starts[1], guest: { email: 'other@example.com', name: 'Other' } },
    });
    assert.equal(again.status, 201, again.text);
  });
});
