// Approve, then capture, through the Node host and the Stripe emulator: the guest pays,
// the card is only authorized (the emulator's PaymentIntent requires_capture), the
// booking awaits its expert holding the slot, and approve captures, decline voids, and
// the deadline passing makes the sweep decline. Both wasm builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;

for (const store of STORES) {
  describe(`approval before capture (${WASM}, ${store})`, () => {
    const base = Math.floor(Date.now() / DAY) * DAY + DAY;
    let offset = 0;
    const clock = () => base + 8 * 3600 * 1000 + offset + (Date.now() % 1000);
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    let day = 1;
    const intentOf = (id) => s.emulator.state.paymentIntents.get(id);
    const authorized = async (n) => {
      day += 1;
      const start = new Date(base + day * DAY + 9 * 3600 * 1000).toISOString().replace('.000Z', 'Z');
      const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'vetted', start, guest: guest(n) } });
      assert.equal(held.status, 201, held.text);
      s.emulator.pay(held.json.reservation.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const got = (await s.call('GET', `/v1/reservations/${held.json.reservation.id}`)).json.reservation;
      assert.equal(got.status, 'awaiting_approval', JSON.stringify(got));
      assert.equal(intentOf(got.payment_intent_id)?.status, 'requires_capture');
      return { start, ...got };
    };
    const answer = (id, what) => s.call('POST', `/v1/reservations/${id}/${what}`, { headers: s.admin });

    before(async () => {
      s = await startStack({ clock, store });
      const body = eventBody('vetted', { payment_method_types: ['card'], approval: { required: true, respond_within_minutes: 120 } });
      const put = await s.call('PUT', '/v1/events/vetted', { body, headers: s.admin });
      assert.equal(put.status, 201, put.text);
      assert.deepEqual(put.json.event.approval, { required: true, respond_within_minutes: 120 });
    });
    after(() => s?.stop());

    it('an authorized booking holds its slot; approve captures and confirms', async () => {
      const b = await authorized(1);
      assert.equal(b.approval.respond_within_minutes, 120);
      const rival = await s.call('POST', '/v1/reservations', { body: { event_id: 'vetted', start: b.start, guest: guest(2) } });
      assert.equal(rival.status, 409, rival.text);
      const yes = await answer(b.id, 'approve');
      assert.equal(yes.status, 200, yes.text);
      const got = (await s.call('GET', `/v1/reservations/${b.id}`)).json.reservation;
      assert.equal(got.status, 'confirmed');
      assert.equal(got.approval.decision, 'approve');
      assert.equal(intentOf(b.payment_intent_id)?.status, 'succeeded');
      const again = await answer(b.id, 'decline');
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'not_awaiting_approval');
      assert.equal(intentOf(b.payment_intent_id)?.status, 'succeeded');
    });

    it('decline voids the authorization: the guest is never charged, the slot is free', async () => {
      const b = await authorized(3);
      const no = await answer(b.id, 'decline');
      assert.equal(no.status, 200, no.text);
      assert.equal(no.json.reservation.status, 'released');
      assert.equal(no.json.reservation.release_reason, 'declined');
      assert.equal(intentOf(b.payment_intent_id)?.status, 'canceled');
      assert.equal(s.emulator.stats().api_calls.by_route['POST /v1/refunds'] ?? 0, 0);
      const next = await s.call('POST', '/v1/reservations', { body: { event_id: 'vetted', start: b.start, guest: guest(4) } });
      assert.equal(next.status, 201, next.text);
    });

    it('approval is admin-only', async () => {
      const b = await authorized(5);
      const anon = await s.call('POST', `/v1/reservations/${b.id}/approve`);
      assert.equal(anon.status, 401, anon.text);
      assert.equal(intentOf(b.payment_intent_id)?.status, 'requires_capture');
      assert.equal((await answer(b.id, 'decline')).status, 200);
    });

    it('nobody answers by the deadline: approve is refused and the sweep declines', async () => {
      const b = await authorized(6);
      offset += 121 * 60 * 1000;
      const late = await answer(b.id, 'approve');
      assert.equal(late.status, 409, late.text);
      assert.equal(late.json.error.code, 'approval_deadline_passed');
      const sweep = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
      assert.equal(sweep.status, 200, sweep.text);
      const got = (await s.call('GET', `/v1/reservations/${b.id}`)).json.reservation;
      assert.equal(got.status, 'released');
      assert.equal(got.release_reason, 'approval_expired');
      assert.equal(intentOf(b.payment_intent_id)?.status, 'canceled');
    });
  });
}
