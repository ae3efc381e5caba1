// End-to-end behaviour while Stripe misbehaves: the slotguard Node host (memory store)
// and the Stripe emulator in one process (see support/stack.mjs), with faults injected
// into the emulator's API.
//
// What must hold whatever Stripe does: a transient failure (no answer, 5xx, 429, a key
// still in flight) never releases a guest's hold; the booking answers 503 with
// Retry-After and a retry under the same Idempotency-Key finishes it; no second
// Checkout Session is ever opened for one reservation; a refund that Stripe refused for
// the moment is made later by the sweep, exactly once.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DAY, MINUTE, WASM, startE2EStack, putConsultation } from './support/stack.mjs';

const EVENT_ID = 'e2e-faults';
const PRICE = 5000;
const CREATE_SESSION = 'POST /v1/checkout/sessions';
// Long enough that a twin request sent once the first create's effect is visible on
// the emulator always reaches it while the first one is still waiting for its answer.
const HOLD_MS = 1500;

/** Resolves once `predicate()` is true, checking on every turn of the event loop. */
async function until(predicate) {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

describe(`Stripe failures end to end (${WASM}, memory store)`, () => {
  /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
  let s;
  let base;

  before(async () => {
    s = await startE2EStack();
    base = s.now();
    await putConsultation(s, EVENT_ID, 'e2e-faults-expert', PRICE);
  });

  // A test that stops early must not leave faults behind for the next one.
  afterEach(() => s?.emulator.clearFaults());

  after(async () => {
    if (!s) return;
    try {
      await s.settle();
      for (const r of s.tap.records) assert.equal(r.status, 200, `${r.type}: ${r.text}`);
      const st = s.emulator.stats();
      assert.equal(st.webhooks.failed, 0);
      assert.equal(st.webhooks.pending, 0);
    } finally {
      await s.stop();
    }
  });

  // ---- helpers ---------------------------------------------------------------------

  /** An aligned slot start `day` days after the day after the clock's start, at hh:mm. */
  const slotAt = (day, hh, mm = 0) => {
    const midnight = Math.floor(base / DAY) * DAY + DAY;
    return new Date(midnight + day * DAY + (hh * 60 + mm) * MINUTE).toISOString().replace('.000Z', 'Z');
  };

  const bookingBody = (start, n) => ({ event_id: EVENT_ID, start, guest: { email: `guest${n}@example.com`, name: `Guest ${n}` } });

  /** POST /v1/reservations, with an Idempotency-Key when `key` is given. */
  const book = (body, key) => s.call('POST', '/v1/reservations', { body, headers: key ? { 'idempotency-key': key } : {} });

  async function reservation(id) {
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.json.reservation;
  }

  /** A 503 that tells the client to come back with the same key. */
  function assertProviderUnavailable(res, what) {
    assert.equal(res.status, 503, `${what}: ${res.text}`);
    assert.equal(res.json?.error?.code, 'payment_provider_unavailable', `${what}: ${res.text}`);
    const retryAfter = res.headers['retry-after'];
    assert.ok(retryAfter, `${what}: a Retry-After header`);
    assert.ok(/^\d+$/.test(retryAfter) || !Number.isNaN(Date.parse(retryAfter)), `${what}: Retry-After is seconds or a date (${retryAfter})`);
  }

  /** Another guest asks for the same slot: refused while the hold stands. */
  async function assertSlotHeld(start, n) {
    const rival = await book(bookingBody(start, n));
    assert.equal(rival.status, 409, `the slot is still held: ${rival.text}`);
    assert.equal(rival.json.error.code, 'slot_unavailable');
  }

  /** Checkout Sessions the emulator holds for a reservation. */
  const sessionsFor = (rid) => [...s.emulator.state.sessions.values()].filter((x) => x.metadata?.reservation_id === rid);

  /** The reservation ids of hold_created log lines after log index `from`. */
  const holdsLoggedSince = (from) => s.logs.slice(from).filter((l) => l.event === 'hold_created').map((l) => l.reservation_id);

  /** The guest pays by card; the webhook confirms the reservation. */
  async function payAndConfirm(r) {
    const paid = s.emulator.pay(r.checkout_session_id, { method: 'card' });
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'confirmed');
    assert.equal(got.payment_intent_id, paid.payment_intent);
    const event = [...s.emulator.state.events.values()].find(
      (e) => e.type === 'checkout.session.completed' && e.data.object.id === r.checkout_session_id,
    );
    const answers = s.tap.records.filter((x) => x.event_id === event.id);
    assert.deepEqual(answers.map((x) => x.json?.outcome), ['confirmed'], 'the payment webhook confirmed it');
    return got;
  }

  // ---- the cases -------------------------------------------------------------------

  for (const [fault, day] of [
    ['429', 1],
    ['500', 2],
  ]) {
    it(`a Stripe outage (${fault}) during booking: 503 + Retry-After, the hold stays, the same key finishes it`, async () => {
      const start = slotAt(day, 9);
      const body = bookingBody(start, `${fault}-a`);
      const key = `outage-${fault}-${start}`;
      const logsFrom = s.logs.length;
      s.emulator.injectFaults({ route: CREATE_SESSION, count: 3, fault });

      const first = await book(body, key);
      assertProviderUnavailable(first, 'the first attempt');
      const held = holdsLoggedSince(logsFrom);
      assert.equal(held.length, 1, 'one hold was taken');
      const rid = held[0];
      await assertSlotHeld(start, `${fault}-rival`);
      const pending = await reservation(rid);
      assert.equal(pending.status, 'pending_payment');
      assert.equal(pending.checkout_session_id, null);

      // Each retry reaches Stripe and gets the next failure. After a 500, the retry must
      // not reuse the key Stripe answered 500 to: Stripe replays that 500 to it.
      for (let i = 0; i < 3 && s.emulator.pendingFaults().length > 0; i++) {
        const again = await book(body, key);
        assertProviderUnavailable(again, `retry ${i + 1}`);
        await assertSlotHeld(start, `${fault}-rival-${i}`);
      }
      assert.deepEqual(s.emulator.pendingFaults(), [], 'the retries reached Stripe until the outage was over');

      const done = await book(body, key);
      assert.equal(done.status, 201, done.text);
      const r = done.json.reservation;
      assert.equal(r.id, rid, 'the same reservation');
      assert.equal(r.status, 'pending_payment');
      assert.ok(r.checkout_session_id, 'a session is linked');
      assert.equal(done.json.checkout_url, s.emulator.state.sessions.get(r.checkout_session_id).url);
      assert.deepEqual(holdsLoggedSince(logsFrom), [rid], 'no second hold');
      assert.deepEqual(sessionsFor(rid).map((x) => x.id), [r.checkout_session_id], 'one Checkout Session');

      await payAndConfirm(r);
    });
  }

  it('two concurrent requests under one key while Stripe is slow: the twin keeps the hold, one session', async () => {
    const start = slotAt(3, 9);
    const body = bookingBody(start, 'slow');
    const key = `slow-${start}`;
    const sessionsBefore = s.emulator.state.sessions.size;
    s.emulator.injectFaults({ route: CREATE_SESSION, fault: 'delay', delayMs: HOLD_MS });

    const firstCall = book(body, key);
    // The emulator has created the session and holds its answer back.
    await until(() => s.emulator.state.sessions.size > sessionsBefore);
    const session = [...s.emulator.state.sessions.values()].at(-1);
    const rid = session.metadata.reservation_id;

    const twin = await book(body, key);
    if (twin.status === 201) {
      assert.equal(twin.json.reservation.id, rid, `the twin answers the same reservation: ${twin.text}`);
    } else {
      assertProviderUnavailable(twin, 'the twin');
    }
    await assertSlotHeld(start, 'slow-rival');

    const first = await firstCall;
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.reservation.id, rid);
    assert.equal(first.json.reservation.checkout_session_id, session.id);

    const got = await reservation(rid);
    assert.equal(got.status, 'pending_payment');
    assert.equal(got.checkout_session_id, session.id);
    assert.deepEqual(sessionsFor(rid).map((x) => x.id), [session.id], 'exactly one Checkout Session');
    assert.equal(session.status, 'open');

    // A later replay answers from the linked reservation.
    const replay = await book(body, key);
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.json.reservation.checkout_session_id, session.id);

    await payAndConfirm(got);
  });

  it('a session created but its answer lost: 503, then the retry links that very session', async () => {
    const start = slotAt(4, 9);
    const body = bookingBody(start, 'dropped');
    const key = `dropped-${start}`;
    const sessionsBefore = s.emulator.state.sessions.size;
    s.emulator.injectFaults({ route: CREATE_SESSION, fault: 'drop_after_effect' });

    const first = await book(body, key);
    assertProviderUnavailable(first, 'the lost answer');
    assert.equal(s.emulator.state.sessions.size, sessionsBefore + 1, 'Stripe did create the session');
    const session = [...s.emulator.state.sessions.values()].at(-1);
    const rid = session.metadata.reservation_id;
    await assertSlotHeld(start, 'dropped-rival');
    assert.equal((await reservation(rid)).status, 'pending_payment');

    const retry = await book(body, key);
    assert.equal(retry.status, 201, retry.text);
    const r = retry.json.reservation;
    assert.equal(r.id, rid);
    assert.equal(r.checkout_session_id, session.id, 'the session Stripe created is the one linked');
    assert.equal(retry.json.checkout_url, session.url);
    assert.deepEqual(sessionsFor(rid).map((x) => x.id), [session.id], 'no second session');

    await payAndConfirm(r);
  });

  it('a refund Stripe fails is made by the sweep later, exactly once', async () => {
    const start = slotAt(5, 9);
    const first = await book(bookingBody(start, 'refund'));
    assert.equal(first.status, 201, first.text);
    const r = first.json.reservation;
    const session = s.emulator.state.sessions.get(r.checkout_session_id);

    // The guest pays in the session's last second; the webhook is held back while the
    // hold lapses, and another guest takes the slot the lapsed hold no longer blocks.
    s.advance(session.expires_at * 1000 - s.now() - 1000);
    s.emulator.webhooks.pause();
    const paid = s.emulator.pay(r.checkout_session_id, { method: 'card' });
    s.advance(Date.parse(r.expires_at) - s.now() + 1000);
    assert.equal((await reservation(r.id)).status, 'pending_payment');
    const rival = await book(bookingBody(start, 'refund-rival'));
    assert.equal(rival.status, 201, rival.text);

    // The payment arrives; slotguard must refund it, and Stripe fails the refund.
    s.emulator.injectFaults({ route: 'POST /v1/refunds', fault: '500' });
    await s.emulator.webhooks.resume();
    await s.settle();
    assert.deepEqual(s.emulator.pendingFaults(), [], 'slotguard asked Stripe for the refund');
    let got = await reservation(r.id);
    assert.equal(got.status, 'refunded');
    assert.equal(got.release_reason, 'slot_lost');
    assert.equal(got.payment_intent_id, paid.payment_intent);
    assert.ok(!got.refund_id, 'no refund recorded yet');
    const refundsOf = async () => (await s.stripeGet(`/v1/refunds?payment_intent=${paid.payment_intent}`)).data;
    assert.deepEqual(await refundsOf(), [], 'no refund on Stripe yet');

    // The rival's checkout is abandoned, so that moving the clock releases nothing of note.
    assert.equal((await s.call('DELETE', `/v1/reservations/${rival.json.reservation.id}`)).status, 200);

    // The sweep retries the refund once it is due (the core may back off between tries).
    let retried = 0;
    for (let i = 0; i < 10 && retried === 0; i++) {
      const res = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.failed, 0, res.text);
      retried = res.json.refunds_retried;
      if (retried === 0) s.advance(MINUTE);
    }
    assert.equal(retried, 1, 'one sweep made the refund');
    await s.settle();

    const refunds = await refundsOf();
    assert.equal(refunds.length, 1, `exactly one refund: ${JSON.stringify(refunds)}`);
    assert.equal(refunds[0].amount, PRICE);
    assert.equal(refunds[0].status, 'succeeded');
    assert.equal(refunds[0].metadata.reservation_id, r.id);
    const charge = s.emulator.state.charges.get(s.emulator.state.paymentIntents.get(paid.payment_intent).latest_charge);
    assert.equal(charge.refunded, true);
    assert.equal(charge.amount_refunded, PRICE);
    got = await reservation(r.id);
    assert.equal(got.status, 'refunded');
    if (got.refund_id !== undefined) assert.equal(got.refund_id, refunds[0].id);

    // Nothing left to retry: later sweeps make no second refund.
    s.advance(DAY);
    const later = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    assert.equal(later.json.refunds_retried, 0, later.text);
    assert.equal((await refundsOf()).length, 1);
  });
});
