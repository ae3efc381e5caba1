// The HTTP API of README.md served by the Worker in workerd, once with the D1 store and
// once with the Durable Object store, Stripe played by the emulator in this process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, STORES, eventBody, reservationBody, slot, startEmulator, startWorker, waitForLog } from './helpers.mjs';

for (const store of STORES) {
  describe(`conformance (${store})`, () => {
    let w;
    let stripe;
    before(async () => {
      stripe = await startEmulator();
      w = await startWorker({ store, stripeBase: stripe.url });
    });
    after(async () => {
      await w?.close();
      await stripe?.emulator.stop();
    });

    test('healthz', async () => {
      const r = await w.request('GET', '/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { status: 'ok' });
    });

    test('admin auth: PUT /v1/events without or with a wrong token is 401', async () => {
      const none = await w.request('PUT', '/v1/events/auth-evt', { body: eventBody('auth') });
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthorized');
      const wrong = await w.request('PUT', '/v1/events/auth-evt', { body: eventBody('auth'), headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } });
      assert.equal(wrong.status, 401);
      assert.equal((await w.request('GET', '/v1/events/auth-evt')).status, 404, 'nothing was written');
    });

    test('event create 201, replace 200, read back', async () => {
      const created = await w.request('PUT', '/v1/events/evt-a', { admin: true, body: eventBody('expert-a') });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.event.id, 'evt-a');
      const replaced = await w.request('PUT', '/v1/events/evt-a', { admin: true, body: eventBody('expert-a', { title: 'Renamed' }) });
      assert.equal(replaced.status, 200);
      const got = await w.request('GET', '/v1/events/evt-a');
      assert.equal(got.status, 200);
      assert.equal(got.body.event.title, 'Renamed');
      assert.equal(got.body.event.duration_minutes, 30);
    });

    test('happy path: 201 with the emulator checkout_url, then GET the reservation', async () => {
      await w.request('PUT', '/v1/events/evt-happy', { admin: true, body: eventBody('expert-happy') });
      const before = stripe.emulator.stats().api_calls.by_route['POST /v1/checkout/sessions'] ?? 0;
      const r = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-happy', slot(2, 9), 1) });
      assert.equal(r.status, 201, r.text);
      const { reservation, checkout_url } = r.body;
      assert.ok(checkout_url.startsWith(`${stripe.url}/pay/cs_test_`), checkout_url);
      assert.equal(reservation.status, 'pending_payment');
      assert.equal(reservation.start, slot(2, 9));
      const session = stripe.emulator.state.sessions.get(reservation.checkout_session_id);
      assert.equal(session.status, 'open');
      assert.equal(session.amount_total, 5000);
      assert.equal(stripe.emulator.stats().api_calls.by_route['POST /v1/checkout/sessions'], before + 1);

      const got = await w.request('GET', `/v1/reservations/${reservation.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.reservation.id, reservation.id);
      assert.equal(got.body.reservation.checkout_session_id, reservation.checkout_session_id);
      assert.equal((await w.request('GET', '/v1/reservations/rsv_doesnotexist')).status, 404);
    });

    test('contested slot: 409 slot_unavailable with no other guest data', async () => {
      await w.request('PUT', '/v1/events/evt-contest', { admin: true, body: eventBody('expert-contest') });
      const first = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-contest', slot(2, 10), 1) });
      assert.equal(first.status, 201);
      const second = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-contest', slot(2, 10), 2) });
      assert.equal(second.status, 409);
      assert.equal(second.body.error.code, 'slot_unavailable');
      for (const leak of ['guest1@example.com', 'Guest 1', first.body.reservation.id, first.body.reservation.checkout_session_id]) {
        assert.ok(!second.text.includes(leak), `409 body leaks ${leak}`);
      }
    });

    test('overlapping event types of one expert: 60 min over a 30 min hold is 409, adjacent is 201', async () => {
      await w.request('PUT', '/v1/events/short', { admin: true, body: eventBody('expert-mix', { duration_minutes: 30 }) });
      await w.request('PUT', '/v1/events/long', { admin: true, body: eventBody('expert-mix', { duration_minutes: 60 }) });
      assert.equal((await w.request('POST', '/v1/reservations', { body: reservationBody('short', slot(3, 10, 30), 1) })).status, 201);
      const over = await w.request('POST', '/v1/reservations', { body: reservationBody('long', slot(3, 10), 2) });
      assert.equal(over.status, 409);
      assert.equal(over.body.error.code, 'slot_unavailable');
      const adjacentAfter = await w.request('POST', '/v1/reservations', { body: reservationBody('long', slot(3, 11), 3) });
      assert.equal(adjacentAfter.status, 201, adjacentAfter.text);
      const adjacentBefore = await w.request('POST', '/v1/reservations', { body: reservationBody('short', slot(3, 10), 4) });
      assert.equal(adjacentBefore.status, 201, adjacentBefore.text);
    });

    test('slots endpoint shows held slots as unavailable', async () => {
      await w.request('PUT', '/v1/events/evt-slots', { admin: true, body: eventBody('expert-slots') });
      assert.equal((await w.request('POST', '/v1/reservations', { body: reservationBody('evt-slots', slot(4, 14), 1) })).status, 201);
      const r = await w.request('GET', `/v1/events/evt-slots/slots?from=${slot(4, 13)}&to=${slot(4, 15)}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.event_id, 'evt-slots');
      assert.deepEqual(
        r.body.slots.map((s) => [s.start, s.available]),
        [[slot(4, 13), true], [slot(4, 13, 30), true], [slot(4, 14), false], [slot(4, 14, 30), true]],
      );
      assert.equal((await w.request('GET', '/v1/events/evt-slots/slots?from=x')).status, 422);
    });

    test('bad inputs: 400, 422, 404, 405', async () => {
      await w.request('PUT', '/v1/events/evt-bad', { admin: true, body: eventBody('expert-bad') });
      const malformed = await w.request('POST', '/v1/reservations', { body: '{"event_id": ', headers: { 'content-type': 'application/json' } });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'invalid_json');
      const missing = await w.request('POST', '/v1/reservations', { body: { event_id: 'evt-bad' } });
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error.code, 'validation_failed');
      const misaligned = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-bad', slot(2, 9, 7)) });
      assert.equal(misaligned.status, 422);
      assert.equal(misaligned.body.error.code, 'slot_not_offered');
      const unknownEvent = await w.request('POST', '/v1/reservations', { body: reservationBody('no-such-event', slot(2, 9)) });
      assert.equal(unknownEvent.status, 404);
      assert.equal(unknownEvent.body.error.code, 'event_not_found');
      const badEvent = await w.request('PUT', '/v1/events/evt-bad2', { admin: true, body: { expert_id: 'x' } });
      assert.equal(badEvent.status, 422);
      const route = await w.request('GET', '/v1/nothing/here');
      assert.equal(route.status, 404);
      assert.equal(route.body.error.code, 'not_found');
      const method = await w.request('PATCH', '/v1/reservations');
      assert.equal(method.status, 405);
      assert.equal(method.headers.get('allow'), 'GET, POST');
      const tooBig = await w.request('POST', '/v1/reservations', { body: 'x'.repeat(1024 * 1024 + 1) });
      assert.equal(tooBig.status, 413);
    });

    test('idempotency: a replay answers the same reservation; another body is 422', async () => {
      await w.request('PUT', '/v1/events/evt-idem', { admin: true, body: eventBody('expert-idem') });
      const body = reservationBody('evt-idem', slot(5, 9), 7);
      const headers = { 'idempotency-key': `idem-${store}-1` };
      const first = await w.request('POST', '/v1/reservations', { body, headers });
      assert.equal(first.status, 201, first.text);
      const replay = await w.request('POST', '/v1/reservations', { body, headers });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.reservation.id, first.body.reservation.id);
      assert.equal(replay.body.checkout_url, first.body.checkout_url);
      const other = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-idem', slot(5, 10), 7), headers });
      assert.equal(other.status, 422);
      assert.equal(other.body.error.code, 'idempotency_key_reused');
    });

    test('DELETE releases the hold and expires the Checkout Session', async () => {
      await w.request('PUT', '/v1/events/evt-del', { admin: true, body: eventBody('expert-del') });
      const made = await w.request('POST', '/v1/reservations', { body: reservationBody('evt-del', slot(6, 9), 1) });
      assert.equal(made.status, 201);
      const { id, checkout_session_id: sid } = made.body.reservation;
      const del = await w.request('DELETE', `/v1/reservations/${id}`);
      assert.equal(del.status, 200, del.text);
      assert.equal(del.body.reservation.status, 'released');
      assert.equal(del.body.reservation.release_reason, 'cancelled');
      assert.equal(stripe.emulator.state.sessions.get(sid).status, 'expired');
      assert.equal((await w.request('GET', `/v1/reservations/${id}`)).body.reservation.status, 'released');
      // The slot is free again.
      assert.equal((await w.request('POST', '/v1/reservations', { body: reservationBody('evt-del', slot(6, 9), 2) })).status, 201);
    });

    test('scheduled(): the cron runs the sweep through the same runner', async () => {
      const worker = await w.mf.getWorker();
      const result = await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      assert.equal(result.outcome, 'ok');
      const line = await waitForLog(w, (l) => l.event === 'scheduled_sweep');
      assert.ok(line, 'the sweep was logged');
      assert.equal(line.status, 200);
      assert.equal(line.cron, '* * * * *');
      assert.equal(typeof line.result.released, 'number');
    });

    test('logs are JSON lines and carry no guest data', async () => {
      assert.ok(w.rawLines.length > 0);
      const unparsed = w.logs.filter((l) => 'unparsed' in l);
      assert.deepEqual(unparsed, []);
      for (const line of w.rawLines) assert.ok(!/guest\d+@example\.com|Guest \d/.test(line), `log line carries guest data: ${line}`);
    });
  });
}
