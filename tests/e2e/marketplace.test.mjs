// End to end through the Stripe emulator's own webhooks: a booking its expert approves
// (authorized at Checkout, captured on approval, voided by the sweep when nobody
// answers), an expert paid through a Connect account whose onboarding Stripe reports in
// account.updated events, and a cancellation under refund tiers. Every delivery the host answers is recorded by the
// tap (support/stack.mjs), and each must have been answered 200.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY, MINUTE, WASM, startE2EStack } from './support/stack.mjs';

describe(`approvals and Connect payouts, end to end (${WASM})`, () => {
  /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
  let s;
  let day = 1;
  const startOn = () => {
    day += 1;
    return new Date(Math.floor(s.now() / DAY) * DAY + day * DAY + 10 * 60 * MINUTE).toISOString().replace('.000Z', 'Z');
  };
  const putEvent = async (id, expert, extra) => {
    const body = { expert_id: expert, title: 'Consultation', duration_minutes: 30, slot_step_minutes: 30,
      price: { amount: 8000, currency: 'eur' }, payment_method_types: ['card'], ...extra };
    const put = await s.call('PUT', `/v1/events/${id}`, { body, headers: s.admin });
    assert.equal(put.status, 201, put.text);
  };
  const hold = async (eventId, n) =>
    s.call('POST', '/v1/reservations', { body: { event_id: eventId, start: startOn(), guest: { email: `g${n}@example.com`, name: `G ${n}` } } });
  const reservation = async (id) => (await s.call('GET', `/v1/reservations/${id}`)).json.reservation;
  const deliveries = (type) => s.tap.records.filter((r) => r.type === type);

  before(async () => {
    s = await startE2EStack();
    await putEvent('vetted', 'e2e-approver', { approval: { required: true, respond_within_minutes: 24 * 60 } });
  });
  after(async () => {
    await s?.settle();
    if (s) for (const r of s.tap.records) assert.equal(r.status, 200, `${r.type} ${r.event_id} answered ${r.status}`);
    await s?.stop();
  });

  it('authorized at Checkout, the booking awaits the expert; approve captures it', async () => {
    const held = await hold('vetted', 1);
    assert.equal(held.status, 201, held.text);
    s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
    await s.settle();
    const waiting = await reservation(held.json.reservation.id);
    assert.equal(waiting.status, 'awaiting_approval');
    const approved = await s.call('POST', `/v1/reservations/${waiting.id}/approve`, { headers: s.admin });
    assert.equal(approved.status, 200, approved.text);
    await s.settle();
    const pi = await s.stripeGet(`/v1/payment_intents/${waiting.payment_intent_id}`);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 8000);
    assert.equal((await reservation(waiting.id)).status, 'confirmed');
    assert.ok(deliveries('payment_intent.succeeded').length >= 1, 'Stripe told the host of the capture too');
  });

  it('nobody answers: the sweep declines before Stripe would void it, and the guest is never charged', async () => {
    const held = await hold('vetted', 2);
    s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
    await s.settle();
    const id = held.json.reservation.id;
    assert.equal((await reservation(id)).status, 'awaiting_approval');
    await s.advance(DAY + MINUTE);
    const sweep = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    assert.equal(sweep.status, 200, sweep.text);
    await s.settle();
    const after = await reservation(id);
    assert.equal(after.status, 'released');
    assert.equal(after.release_reason, 'approval_expired');
    const pi = await s.stripeGet(`/v1/payment_intents/${after.payment_intent_id}`);
    assert.equal(pi.status, 'canceled');
    assert.equal(pi.amount_received, 0);
  });

  it('an expert paid through Connect: onboarding and a restriction reach the host as account.updated', async () => {
    const account = (await s.stripePost('/v1/accounts', 'type=express&country=PT')).id;
    await putEvent('market', 'e2e-seller', {});
    const set = await s.call('PUT', '/v1/experts/e2e-seller/payouts', {
      body: { stripe_account: account, platform_fee: { amount: 800 } }, headers: s.admin });
    assert.equal(set.status, 201, set.text);
    assert.equal((await hold('market', 3)).json?.error?.code, 'expert_cannot_accept_payments');

    s.emulator.setAccountOnboarding(account);
    await s.settle();
    assert.equal(deliveries('account.updated').at(-1)?.json?.outcome, 'charges_enabled');
    const accountReads = () => s.emulator.stats().api_calls.by_route['GET /v1/accounts/:id'] ?? 0;
    const readsBefore = accountReads();
    const held = await hold('market', 4);
    assert.equal(held.status, 201, held.text);
    assert.equal(accountReads(), readsBefore, 'the event said so: the hold did not ask Stripe');
    s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
    await s.settle();
    const paid = await reservation(held.json.reservation.id);
    assert.equal(paid.status, 'confirmed');
    const transfers = await s.stripeGet(`/v1/transfers?destination=${account}`);
    assert.equal(transfers.data.length, 1);
    assert.equal(transfers.data[0].amount, 8000);

    s.emulator.setAccountOnboarding(account, { charges_enabled: false });
    await s.settle();
    assert.equal(deliveries('account.updated').at(-1)?.json?.outcome, 'charges_disabled');
    assert.equal((await hold('market', 5)).json?.error?.code, 'expert_cannot_accept_payments');
    assert.equal((await reservation(paid.id)).status, 'confirmed', 'a booking already made stands');
  });

  it('a cancellation under refund tiers gets the tier it is still ahead of', async () => {
    await putEvent('tiered', 'e2e-tiers', {
      cancellation: { tiers: [{ before_minutes: 2880, refund_percent: 100 }, { before_minutes: 120, refund_percent: 50 }] },
    });
    const held = await hold('tiered', 6);
    assert.equal(held.status, 201, held.text);
    s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
    await s.settle();
    const booked = await reservation(held.json.reservation.id);
    assert.equal(booked.status, 'confirmed');
    // Into the 50 % tier: a day before the start.
    await s.advance(Date.parse(booked.start) - s.now() - DAY);
    const cancelled = await s.call('DELETE', `/v1/reservations/${booked.id}`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.reservation.status, 'refunded');
    assert.equal(cancelled.json.reservation.refund.amount, 4000);
    const refunds = await s.stripeGet(`/v1/refunds?payment_intent=${booked.payment_intent_id}`);
    assert.deepEqual(refunds.data.map((r) => r.amount), [4000]);
  });
});
