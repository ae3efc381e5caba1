// Money that ends right without webhooks: a guest pays, no webhook ever reaches the
// host (a misconfigured endpoint, a rotated secret, an outage longer than Stripe's
// retries), the hold lapses, and the sweep must not release it with the money kept.
// One host and the emulator share a clock the test moves a day ahead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;

describe(`reconcile: a paid session whose webhooks never arrive (${WASM})`, () => {
  const base = Math.floor(Date.now() / DAY) * DAY + DAY;  // tomorrow, 00:00 UTC
  let offset = 0;
  const clock = () => base + 8 * 3600 * 1000 + offset + (Date.now() % 1000);
  /** @type {Awaited<ReturnType<typeof startStack>>} */
  let s;
  before(async () => {
    s = await startStack({ clock });
    s.emulator.setWebhookEndpoint(null);  // nothing is ever delivered
    const put = await s.call('PUT', '/v1/events/quiet', { body: eventBody('quiet'), headers: s.admin });
    assert.equal(put.status, 201, put.text);
  });
  after(() => s?.stop());

  it('the sweep confirms the booking from Stripe\'s record, once, and logs it', async () => {
    const start = new Date(base + 2 * DAY + 9 * 3600 * 1000).toISOString().replace('.000Z', 'Z');
    const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'quiet', start, guest: guest(1) } });
    assert.equal(held.status, 201, held.text);
    const { id, checkout_session_id: sid } = held.json.reservation;
    s.emulator.pay(sid, { method: 'card' });
    offset += DAY;  // long past the hold
    const sweep = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    assert.equal(sweep.status, 200, sweep.text);
    assert.equal(sweep.json.reconciled, 1);
    assert.equal(sweep.json.released, 0);
    const got = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(got.json.reservation.status, 'confirmed');
    assert.ok(got.json.reservation.payment_intent_id, 'the PaymentIntent is linked');
    assert.equal(s.emulator.stats().api_calls.by_route['POST /v1/refunds'] ?? 0, 0, 'nothing was refunded');
    // The slot is the guest's: nobody else can hold it.
    const rival = await s.call('POST', '/v1/reservations', { body: { event_id: 'quiet', start, guest: guest(2) } });
    assert.equal(rival.status, 409, rival.text);
    const line = s.logs.find((l) => l.event === 'payment_reconciled');
    assert.equal(line?.reservation_id, id);
    assert.equal(line?.outcome, 'confirmed_late');  // applied after the hold lapsed
    assert.ok(!JSON.stringify(line).includes(guest(1).email), 'the log line carries no guest data');
    const again = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    assert.equal(again.json.reconciled, 0);
    const metrics = await s.call('GET', '/metrics');
    assert.match(metrics.text, /slotguard_reconciled_total\{source="sweep",outcome="confirmed_late"\} 1/);
  });

  it('a hold whose session was never paid is released, and its session closed', async () => {
    const start = new Date(base + 3 * DAY + 9 * 3600 * 1000).toISOString().replace('.000Z', 'Z');
    const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'quiet', start, guest: guest(3) } });
    assert.equal(held.status, 201, held.text);
    offset += DAY;
    const sweep = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    assert.equal(sweep.json.released, 1, sweep.text);
    const got = await s.call('GET', `/v1/reservations/${held.json.reservation.id}`);
    assert.equal(got.json.reservation.status, 'released');
    const session = s.emulator.state.sessions.get(held.json.reservation.checkout_session_id);
    assert.equal(session?.status, 'expired');
  });
});
