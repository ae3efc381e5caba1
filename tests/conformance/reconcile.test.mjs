// Money that ends right without webhooks: a guest pays and no webhook ever reaches the
// host (a misconfigured endpoint, a rotated secret, an outage longer than Stripe's
// retries). The sweep lists Stripe's events and applies what they say; when Stripe
// will not list them, it still asks about each lapsed hold's session before it lets the
// hold go. One host and the emulator share a clock the test moves ahead. Every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, startStack } from './support/harness.mjs';

const DAY = 24 * 3600 * 1000;

for (const store of STORES) {
  describe(`reconcile: paid sessions whose webhooks never arrive (${WASM}, ${store})`, () => {
    const base = Math.floor(Date.now() / DAY) * DAY + DAY;  // tomorrow, 00:00 UTC
    let offset = 0;
    const clock = () => base + 8 * 3600 * 1000 + offset + (Date.now() % 1000);
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    let day = 1;
    const hold = async (n) => {
      day += 1;
      const start = new Date(base + day * DAY + 9 * 3600 * 1000).toISOString().replace('.000Z', 'Z');
      const held = await s.call('POST', '/v1/reservations', { body: { event_id: 'quiet', start, guest: guest(n) } });
      assert.equal(held.status, 201, held.text);
      return { start, ...held.json.reservation };
    };
    const sweep = async () => {
      const res = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
      assert.equal(res.status, 200, res.text);
      return res.json;
    };
    const statusOf = async (id) => (await s.call('GET', `/v1/reservations/${id}`)).json.reservation.status;
    const metric = async (source, outcome) => {
      const text = (await s.call('GET', '/metrics')).text;
      const m = new RegExp(`slotguard_reconciled_total\\{source="${source}",outcome="${outcome}"\\} (\\d+)`).exec(text);
      return m ? Number(m[1]) : 0;
    };

    before(async () => {
      s = await startStack({ clock, store });
      s.emulator.setWebhookEndpoint(null);  // nothing is ever delivered
      const put = await s.call('PUT', '/v1/events/quiet', { body: eventBody('quiet'), headers: s.admin });
      assert.equal(put.status, 201, put.text);
    });
    after(() => s?.stop());

    it('the next sweep confirms a payment from Stripe\'s events, while the hold is live, once', async () => {
      const held = await hold(1);
      s.emulator.pay(held.checkout_session_id, { method: 'card' });
      const first = await sweep();
      assert.equal(first.reconciled, 1);
      assert.equal(await statusOf(held.id), 'confirmed');
      assert.equal(await metric('events', 'confirmed'), 1);
      const line = s.logs.find((l) => l.event === 'payment_reconciled' && l.reservation_id === held.id);
      assert.equal(line?.source, 'events');
      assert.match(line?.event_id ?? '', /^evt_/);
      assert.ok(!JSON.stringify(line).includes(guest(1).email), 'the log line carries no guest data');
      assert.equal((await sweep()).reconciled, 0);
      assert.equal(await metric('events', 'confirmed'), 1);
      assert.equal(s.emulator.stats().api_calls.by_route['POST /v1/refunds'] ?? 0, 0, 'nothing was refunded');
    });

    it('a day later, the booking is confirmed late and the slot stays the guest\'s', async () => {
      const held = await hold(2);
      s.emulator.pay(held.checkout_session_id, { method: 'card' });
      offset += DAY;  // long past the hold
      const swept = await sweep();
      assert.equal(swept.reconciled, 1);
      assert.equal(swept.released, 0);
      const got = (await s.call('GET', `/v1/reservations/${held.id}`)).json.reservation;
      assert.equal(got.status, 'confirmed');
      assert.ok(got.payment_intent_id, 'the PaymentIntent is linked');
      const rival = await s.call('POST', '/v1/reservations', { body: { event_id: 'quiet', start: held.start, guest: guest(3) } });
      assert.equal(rival.status, 409, rival.text);
      assert.equal(await metric('events', 'confirmed_late'), 1);
    });

    it('while Stripe will not list its events, the look at the lapsed hold\'s session confirms it', async () => {
      const held = await hold(4);
      s.emulator.pay(held.checkout_session_id, { method: 'card' });
      offset += DAY;
      s.emulator.injectFaults({ route: 'GET /v1/events', count: 1, fault: '500' });
      const swept = await sweep();
      assert.equal(swept.reconciled, 1);
      assert.equal(swept.failed, 1, 'the events pass failed, and says so');
      assert.equal(await statusOf(held.id), 'confirmed');
      assert.equal(await metric('sweep', 'confirmed_late'), 1);
      assert.ok(s.logs.some((l) => l.event === 'events_pass_failed' && l.http_status === 500));
      // The pass, back, finds the event applied already and applies nothing twice.
      assert.equal((await sweep()).reconciled, 0);
    });

    it('a hold whose session was never paid is released, and its session closed', async () => {
      const held = await hold(5);
      offset += DAY;
      await sweep();
      assert.equal(await statusOf(held.id), 'released');
      const session = s.emulator.state.sessions.get(held.checkout_session_id);
      assert.equal(session?.status, 'expired');
    });
  });
}
