// The booking flow, on the memory store and on SQLite (or on PostgreSQL: see STORES in
// support/harness.mjs): happy path with the emulator's session checked field by field,
// contested and overlapping slots, the slots view, cancellation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES, WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

for (const store of STORES) {
  describe(`booking (${WASM}, ${store} store)`, () => {
    let s;
    before(async () => {
      s = await startStack({ store });
      for (const [id, body] of [
        ['intro', eventBody('ada')],
        ['deep', eventBody('ada', { title: 'Deep dive', duration_minutes: 60 })],
      ]) {
        assert.equal((await s.call('PUT', `/v1/events/${id}`, { body, headers: s.admin })).status, 201);
      }
    });
    after(() => s.stop());

    const book = (event_id, start, who, headers) =>
      s.call('POST', '/v1/reservations', { body: { event_id, start, guest: who }, headers });

    it('books: 201, checkout on the emulator, a session that matches the hold', async () => {
      const start = slot(1, 9, 0);
      const res = await book('intro', start, guest(1));
      assert.equal(res.status, 201, res.text);
      const { reservation, checkout_url } = res.json;
      assert.ok(checkout_url.startsWith(`${s.emulatorUrl}/pay/`), checkout_url);
      assert.equal(reservation.status, 'pending_payment');
      assert.equal(reservation.start, start);

      const got = await s.call('GET', `/v1/reservations/${reservation.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.json.reservation.id, reservation.id);
      assert.equal(got.json.reservation.checkout_session_id, reservation.checkout_session_id);

      const session = s.emulator.state.sessions.get(reservation.checkout_session_id);
      assert.ok(session, 'the session exists on the emulator');
      assert.equal(session.metadata.reservation_id, reservation.id);
      assert.equal(session.client_reference_id, reservation.id);
      assert.equal(session.customer_email, guest(1).email);
      assert.equal(session.status, 'open');
      assert.ok(session.expires_at * 1000 <= Date.parse(reservation.expires_at), 'the session closes before the hold ends');
    });

    it('confirms the reservation when the emulator reports payment', async () => {
      const res = await book('intro', slot(1, 12, 0), guest(2));
      assert.equal(res.status, 201);
      s.emulator.pay(res.json.reservation.checkout_session_id, { method: 'card' });
      await s.emulator.webhooks.idle();
      const got = await s.call('GET', `/v1/reservations/${res.json.reservation.id}`);
      assert.equal(got.json.reservation.status, 'confirmed');
    });

    it('gives a contested slot to one guest: the second gets 409 without the first one\'s data', async () => {
      const start = slot(2, 9, 0);
      const first = await book('intro', start, guest(3));
      assert.equal(first.status, 201);
      const second = await book('intro', start, guest(4));
      assert.equal(second.status, 409);
      assert.equal(second.json.error.code, 'slot_unavailable');
      for (const secret of [guest(3).email, guest(3).name, first.json.reservation.id])
        assert.ok(!second.text.includes(secret), `409 body must not reveal ${secret}`);
    });

    it('blocks overlapping event types of one expert, allows the adjacent slot', async () => {
      assert.equal((await book('intro', slot(3, 10, 30), guest(5))).status, 201);
      const overlapping = await book('deep', slot(3, 10, 0), guest(6)); // 10:00-11:00 covers 10:30
      assert.equal(overlapping.status, 409);
      assert.equal(overlapping.json.error.code, 'slot_unavailable');
      assert.equal((await book('deep', slot(3, 11, 0), guest(7))).status, 201); // 11:00-12:00
      assert.equal((await book('intro', slot(3, 10, 0), guest(8))).status, 201); // 10:00-10:30
      assert.equal((await book('intro', slot(3, 11, 30), guest(9))).status, 409); // inside 11-12
    });

    it('shows availability that flips after a booking, with no guest data', async () => {
      const from = slot(4, 9, 0);
      const to = slot(4, 11, 0);
      const before = await s.call('GET', `/v1/events/intro/slots?from=${from}&to=${to}`);
      assert.equal(before.status, 200);
      assert.deepEqual(before.json.slots.map((x) => x.available), [true, true, true, true]);
      assert.deepEqual(before.json.slots.map((x) => x.start), [slot(4, 9, 0), slot(4, 9, 30), slot(4, 10, 0), slot(4, 10, 30)]);

      const booked = await book('deep', slot(4, 9, 30), guest(10)); // blocks 9:30 and 10:00
      assert.equal(booked.status, 201);
      const afterBooking = await s.call('GET', `/v1/events/intro/slots?from=${from}&to=${to}`);
      assert.deepEqual(afterBooking.json.slots.map((x) => x.available), [true, false, false, true]);
      for (const secret of [guest(10).email, guest(10).name, booked.json.reservation.id])
        assert.ok(!afterBooking.text.includes(secret));
      for (const x of afterBooking.json.slots) assert.deepEqual(Object.keys(x).sort(), ['available', 'end', 'start']);
    });

    it('cancels: DELETE releases the hold, expires the session, and is repeatable', async () => {
      const start = slot(5, 9, 0);
      const res = await book('intro', start, guest(11));
      assert.equal(res.status, 201);
      const { id, checkout_session_id } = res.json.reservation;

      const del = await s.call('DELETE', `/v1/reservations/${id}`);
      assert.equal(del.status, 200);
      assert.equal(del.json.reservation.status, 'released');
      assert.equal(s.emulator.state.sessions.get(checkout_session_id).status, 'expired');

      const again = await s.call('DELETE', `/v1/reservations/${id}`);
      assert.equal(again.status, 200);
      assert.equal(again.json.reservation.status, 'released');
      assert.equal((await s.call('GET', `/v1/reservations/${id}`)).json.reservation.status, 'released');

      // The slot is free again.
      assert.equal((await book('intro', start, guest(12))).status, 201);
    });

    it('answers 404 for an unknown reservation', async () => {
      const res = await s.call('GET', '/v1/reservations/rsv_00000000000000000000000000000000');
      assert.equal(res.status, 404);
      assert.equal(res.json.error.code, 'reservation_not_found');
    });
  });
}
