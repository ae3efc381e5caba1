// The two promises the storm suites check from outside once their faults are over
// (tests/multihost, tests/db-faults, the crash test): no two active reservations of an
// expert overlap, their spans widened by their event types' buffers; and every paid
// Checkout Session ended with its booking confirmed or its money refunded at Stripe.
import assert from 'node:assert/strict';

const MINUTE = 60_000;

/**
 * @param {any[]} reservations  as the API answers them
 * @param {Record<string, any>} events  event types by id, as the API answers them
 * @param {string} expert
 * @param {number} [now]  ms; a pending hold counts while it has not expired
 * @returns {any[]} the active reservations, by start
 */
export function assertNoOverlap(reservations, events, expert, now = Date.now()) {
  const active = reservations.filter(
    (r) => r.expert_id === expert && (r.status === 'confirmed' || (r.status === 'pending_payment' && Date.parse(r.expires_at) > now)),
  );
  /** @param {any} r */
  const span = (r) => {
    const e = events[r.event_id];
    return [Date.parse(r.start) - e.buffer_before_minutes * MINUTE, Date.parse(r.end) + e.buffer_after_minutes * MINUTE];
  };
  // Sorted by start, an overlap anywhere shows between two neighbours.
  active.sort((x, y) => span(x)[0] - span(y)[0]);
  for (let i = 1; i < active.length; i++) {
    assert.ok(span(active[i - 1])[1] <= span(active[i])[0], `overlap: ${JSON.stringify(active[i - 1])} and ${JSON.stringify(active[i])}`);
  }
  return active;
}

/**
 * Every paid session of the emulator that names a reservation in `byId`: confirmed
 * with its PaymentIntent, or refunded at Stripe. With `everySession`, a paid session
 * naming a reservation missing from `byId` fails too.
 * @param {any} emulator  @param {Map<string, any>} byId  @param {{everySession?: boolean}} [o]
 * @returns {any[]} the paid sessions checked
 */
export function assertPaidSessionsSettled(emulator, byId, { everySession = false } = {}) {
  const refunds = [...emulator.state.refunds.values()];
  const paid = [...emulator.state.sessions.values()].filter(
    (s) => s.payment_status === 'paid' && s.metadata.reservation_id && (everySession || byId.has(s.metadata.reservation_id)),
  );
  for (const session of paid) {
    const r = byId.get(session.metadata.reservation_id);
    assert.ok(r, `paid session ${session.id} names a reservation in the store`);
    if (r.status === 'confirmed') {
      assert.equal(r.payment_intent_id, session.payment_intent);
    } else {
      assert.equal(r.status, 'refunded', `paid session ${session.id}: reservation ${r.id} is ${r.status}`);
      assert.ok(refunds.some((x) => x.payment_intent === session.payment_intent), `refund of ${r.id} at Stripe`);
    }
  }
  return paid;
}
