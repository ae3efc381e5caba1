// Prepaid packs over HTTP: an event type sells packs, a guest buys one through Checkout
// (the emulator's payment and webhook activate it), books with its credits (no
// Checkout Session per booking), and bookings racing for the last credits never
// overdraw it. A cancellation refunded in full gives the credit back. Both wasm
// builds; every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, slot, startStack, stripeCalls } from './support/harness.mjs';

for (const store of STORES) {
  describe(`packs (${WASM}, ${store})`, () => {
    /** @type {Awaited<ReturnType<typeof startStack>>} */
    let s;
    const buy = (n, sessions = 4) => s.call('POST', '/v1/packs', { body: { event_id: 'coach', sessions, guest: guest(n) } });
    const book = (pack, start, n) =>
      s.call('POST', '/v1/reservations', { body: { event_id: 'coach', start, guest: guest(n), pack_id: pack } });
    const packOf = async (id) => (await s.call('GET', `/v1/packs/${id}`)).json.pack;

    /** A pack of `sessions` bought and paid by guest n: its id. */
    async function paidPack(n, sessions = 4) {
      const bought = await buy(n, sessions);
      assert.equal(bought.status, 201, bought.text);
      const pack = bought.json.pack;
      assert.equal(pack.status, 'pending_payment');
      assert.ok(pack.checkout_url);
      const session = [...s.emulator.state.sessions.values()].find((x) => x.metadata?.pack_id === pack.id);
      assert.ok(session, 'the session names its pack');
      assert.equal(session.amount_total, sessions === 4 ? 18000 : 40000);
      s.emulator.pay(session.id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const paid = await packOf(pack.id);
      assert.equal(paid.status, 'active');
      return pack.id;
    }

    before(async () => {
      s = await startStack({ store });
      const body = eventBody('packs-ada', {
        title: 'Coaching',
        price: { amount: 5000, currency: 'eur' },
        cancellation: { tiers: [{ before_minutes: 1440, refund_percent: 100 }] },
        packs: [
          { sessions: 4, price: { amount: 18000, currency: 'eur' }, valid_days: 90 },
          { sessions: 10, price: { amount: 40000, currency: 'eur' }, valid_days: 365 },
        ],
      });
      const put = await s.call('PUT', '/v1/events/coach', { body, headers: s.admin });
      assert.equal(put.status, 201, put.text);
    });
    after(() => s?.stop());

    it('buys a pack through Checkout; its credits book without a session each', async () => {
      const pack = await paidPack(1);
      const sessionsBefore = stripeCalls(s.emulator, 'POST /v1/checkout/sessions');
      const booked = await book(pack, slot(2, 9), 1);
      assert.equal(booked.status, 201, booked.text);
      assert.equal(booked.json.reservation.status, 'confirmed');
      assert.equal(booked.json.reservation.pack_id, pack);
      assert.equal(booked.json.checkout_url, undefined);
      assert.equal(stripeCalls(s.emulator, 'POST /v1/checkout/sessions'), sessionsBefore);
      assert.equal((await packOf(pack)).credits_left, 3);
      // Cancelled well ahead: the credit comes back, no money moves.
      const cancelled = await s.call('DELETE', `/v1/reservations/${booked.json.reservation.id}`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.json.reservation.status, 'released');
      assert.equal(cancelled.json.reservation.credit_returned, true);
      assert.equal((await packOf(pack)).credits_left, 4);
    });

    it('eight bookings racing for the last two credits: two book, the others hear pack_used_up', async () => {
      const pack = await paidPack(2);
      for (const d of [3, 4]) assert.equal((await book(pack, slot(d, 9), 2)).status, 201);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => book(pack, slot(5 + i, 10), 2)));
      const won = answers.filter((r) => r.status === 201);
      assert.equal(won.length, 2, answers.map((r) => r.status).join(','));
      for (const r of answers) if (r.status !== 201) assert.equal(r.json.error.code, 'pack_used_up', r.text);
      const after = await packOf(pack);
      assert.equal(after.credits_left, 0);
    });

    it("refuses another guest's pack, an unpaid one, an unknown one and an unsold size, by name", async () => {
      const pack = await paidPack(3);
      const other = await book(pack, slot(20, 9), 99);
      assert.equal(other.status, 422);
      assert.equal(other.json.error.message, 'pack_id is a pack bought under another guest.email');
      const pending = (await buy(4)).json.pack.id;
      assert.equal((await book(pending, slot(20, 10), 4)).json.error.code, 'pack_not_paid');
      assert.equal((await book('pak_0000000000000000', slot(20, 11), 4)).json.error.code, 'pack_not_found');
      const size = await buy(5, 7);
      assert.equal(size.status, 422);
      assert.equal(size.json.error.message, "sessions must be the size of one of the event type's packs: 4, 10");
      assert.equal((await s.call('GET', '/v1/packs/pak_nope')).status, 404);
    });

    it('a checkout that expires unpaid lapses the pack', async () => {
      const bought = (await buy(6)).json.pack;
      const session = [...s.emulator.state.sessions.values()].find((x) => x.metadata?.pack_id === bought.id);
      s.emulator.expireNow(session.id);
      await s.emulator.webhooks.idle();
      assert.equal((await packOf(bought.id)).status, 'lapsed');
    });
  });
}
