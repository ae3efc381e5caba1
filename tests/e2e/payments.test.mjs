// End-to-end payment lifecycle: the slotguard Node host (memory store) and the Stripe
// emulator in one process, the emulator delivering signed webhooks to the host's
// POST /v1/stripe/webhook, one clock shared by both (see support/stack.mjs).
//
// One test per payment path. Each asserts the reservation's final state (GET
// /v1/reservations/:id), the Stripe side (emulator state, GET /v1/refunds) and what the
// host answered to every webhook delivery of the path. The `after` hook prints /metrics
// and checks its counters against a tally kept by the tests.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signatureHeader } from '../../host-shims/stripe-emulator/src/index.js';
import { DAY, MINUTE, WASM, WEBHOOK_SECRET, createGatedMemoryStore, parseMetrics, startE2EStack, putConsultation } from './support/stack.mjs';

const EVENT_ID = 'e2e-consult';
const PRICE = 5000;
const HOLD_GRACE_MS = 5 * MINUTE; // the core's default hold_grace_minutes

/**
 * One stack for a describe block, its hooks, and the helpers its tests use. The after
 * hook prints GET /metrics and checks it against the tally the tests kept.
 */
function lifecycleSuite(name, stackOptions, defineTests) {
  describe(name, () => {
    /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
    let s;
    let base; // the shared clock at start, ms

    // What the tests did, to check /metrics against at the end.
    const tally = { holds: 0, conflicts: 0, confirmations: 0, refunds: 0, releases: {}, webhook: {} };
    const released = (reason) => (tally.releases[reason] = (tally.releases[reason] ?? 0) + 1);
    const claimed = new Set(); // event ids whose deliveries a test has checked

    before(async () => {
      s = await startE2EStack(stackOptions);
      base = s.now();
      await putConsultation(s, EVENT_ID, 'e2e-expert', PRICE);
    });

    after(async () => {
      if (!s) return;
      try {
        await s.settle();
        const res = await s.call('GET', '/metrics');
        console.log(`\n----- GET /metrics after: ${name} -----\n${res.text}`);
        assert.equal(res.status, 200);
        const m = parseMetrics(res.text);
        const get = (name, labels) => m.get(labels ? `${name}{${labels}}` : name) ?? 0;
        assert.equal(get('slotguard_holds_created_total'), tally.holds, 'holds created');
        assert.equal(get('slotguard_conflicts_total'), tally.conflicts, 'conflicts (409)');
        assert.equal(get('slotguard_confirmations_total'), tally.confirmations, 'confirmations');
        assert.equal(get('slotguard_refunds_total'), tally.refunds, 'refunds');

        const series = (name) =>
          Object.fromEntries([...m].filter(([k]) => k.startsWith(`${name}{`)).map(([k, v]) => [k.slice(name.length + 1, -1), v]));
        const wantReleases = Object.fromEntries(Object.entries(tally.releases).map(([r, n]) => [`reason="${r}"`, n]));
        assert.deepEqual(series('slotguard_releases_total'), wantReleases, 'releases by reason');
        assert.deepEqual(series('slotguard_webhook_events_total'), tally.webhook, 'webhook events by type and outcome');

        // Every delivery went through a test's check, and the host accepted each one.
        for (const r of s.tap.records) {
          assert.ok(claimed.has(r.event_id), `delivery of ${r.type} ${r.event_id} was not checked by any test`);
          assert.equal(r.status, 200, r.text);
        }
        // The Stripe side agrees: every refund slotguard decided exists once, no delivery failed.
        const st = s.emulator.stats();
        assert.equal(st.refunds.total, tally.refunds, 'refunds on the emulator');
        assert.equal(st.webhooks.failed, 0);
        assert.equal(st.webhooks.exhausted, 0);
        assert.equal(st.webhooks.pending, 0);
        assert.equal(st.webhooks.buffered, 0);
        console.log('emulator stats:', JSON.stringify({ ...st, api_calls: st.api_calls.by_route }));
      } finally {
        await s.stop();
      }
    });

    // ---- helpers -------------------------------------------------------------------

    /** An aligned slot start `day` days after the day after the clock's start, at hh:mm. */
    const slotAt = (day, hh, mm = 0) => {
      const midnight = Math.floor(base / DAY) * DAY + DAY;
      return new Date(midnight + day * DAY + (hh * 60 + mm) * MINUTE).toISOString().replace('.000Z', 'Z');
    };

    async function book(start, n) {
      const res = await s.call('POST', '/v1/reservations', {
        body: { event_id: EVENT_ID, start, guest: { email: `guest${n}@example.com`, name: `Guest ${n}` } },
      });
      if (res.status === 201) tally.holds++;
      if (res.status === 409 && res.json?.error?.code === 'slot_unavailable') tally.conflicts++;
      return res;
    }

    async function bookOk(start, n) {
      const res = await book(start, n);
      assert.equal(res.status, 201, res.text);
      const r = res.json.reservation;
      assert.equal(r.status, 'pending_payment');
      assert.ok(r.checkout_session_id, 'the session is linked when the hold is answered');
      assert.equal(s.emulator.state.sessions.get(r.checkout_session_id).status, 'open');
      return r;
    }

    async function reservation(id) {
      const res = await s.call('GET', `/v1/reservations/${id}`);
      assert.equal(res.status, 200, res.text);
      return res.json.reservation;
    }

    /** DELETE a pending reservation: released (cancelled). */
    async function cancel(id) {
      const res = await s.call('DELETE', `/v1/reservations/${id}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.reservation.status, 'released');
      assert.equal(res.json.reservation.release_reason, 'cancelled');
      released('cancelled');
      return res.json.reservation;
    }

    async function sweep() {
      const res = await s.call('POST', '/v1/maintenance/sweep', { headers: s.admin });
      assert.equal(res.status, 200, res.text);
      for (let i = 0; i < res.json.released; i++) released('hold_expired');
      return res.json;
    }

    async function slotAvailable(start) {
      const to = new Date(Date.parse(start) + 30 * MINUTE).toISOString().replace('.000Z', 'Z');
      const res = await s.call('GET', `/v1/events/${EVENT_ID}/slots?from=${start}&to=${to}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.slots.length, 1);
      return res.json.slots[0].available;
    }

    async function refundsFor(pi) {
      const list = await s.stripeGet(`/v1/refunds?payment_intent=${pi}`);
      return list.data;
    }

    /**
     * The one event of `type` about `objectId`, and what the host answered to each of its
     * deliveries, in order: `outcomes` (e.g. ['confirmed', 'duplicate', 'duplicate']).
     */
    function delivered(objectId, type, outcomes) {
      const events = [...s.emulator.state.events.values()].filter((e) => e.type === type && e.data.object.id === objectId);
      assert.equal(events.length, 1, `one ${type} event for ${objectId}`);
      const event = events[0];
      const answers = s.tap.records.filter((r) => r.event_id === event.id);
      assert.deepEqual(
        answers.map((r) => r.status),
        outcomes.map(() => 200),
        `${type}: every delivery answered 200 (${answers.map((r) => r.text).join(' | ')})`,
      );
      assert.deepEqual(answers.map((r) => r.json.outcome), outcomes, `${type}: outcomes`);
      for (const r of answers) {
        assert.equal(r.json.received, true);
        assert.equal(r.json.duplicate, r.json.outcome === 'duplicate', `${type}: duplicate flag of "${r.json.outcome}"`);
      }
      for (const o of outcomes) {
        const key = `type="${type}",outcome="${o}"`;
        tally.webhook[key] = (tally.webhook[key] ?? 0) + 1;
      }
      claimed.add(event.id);
      assert.equal(event.pending_webhooks, 0, 'Stripe sees the event acknowledged');
      return event;
    }

    /** The refund's two events reach the host too; it records them as unsupported types. */
    function refundEventsDelivered(refund, copies = 1) {
      const tail = Array(copies - 1).fill('duplicate');
      delivered(refund.charge, 'charge.refunded', ['unsupported_type', ...tail]);
      delivered(refund.id, 'refund.created', ['unsupported_type', ...tail]);
    }

    const sessionOf = (r) => s.emulator.state.sessions.get(r.checkout_session_id);
    const intent = (id) => s.emulator.state.paymentIntents.get(id);

    // Paths 5 and 6: a session can only be paid while it is open (the emulator refuses an
    // expired one, as Stripe does; see path 2), and it always closes before the hold
    // lapses. So a payment "after the hold lapsed" is a payment made in the session's last
    // second whose webhook reaches slotguard late: deliveries are paused while the clock
    // moves past the hold's expiry, then resumed. No sweep runs meanwhile: a sweep would
    // ask Stripe about the lapsed hold's session and apply the payment itself (tests/conformance/reconcile.test.mjs),
    // and the late webhook is the path under test here. The event is the emulator's own,
    // signed by it.
    async function payInLastSecondThenLapse(r) {
      const session = sessionOf(r);
      assert.equal(s.advance(session.expires_at * 1000 - s.now() - 1000), 0);
      s.emulator.webhooks.pause();
      const paid = s.emulator.pay(r.checkout_session_id, { method: 'card' });
      assert.equal(paid.payment_status, 'paid');
      s.advance(Date.parse(r.expires_at) - s.now() + 1000);
      const lapsed = await reservation(r.id);
      assert.equal(lapsed.status, 'pending_payment');
      assert.ok(Date.parse(lapsed.expires_at) < s.now(), 'the hold lapsed');
      assert.equal(s.emulator.webhooks.config().buffered, 1, 'the payment event is still on its way');
      return paid;
    }

    const h = {
      get s() {
        return s;
      },
      tally,
      released,
      slotAt,
      book,
      bookOk,
      reservation,
      cancel,
      sweep,
      slotAvailable,
      refundsFor,
      delivered,
      refundEventsDelivered,
      sessionOf,
      intent,
      payInLastSecondThenLapse,
    };
    defineTests(h);
  });
}

// ---- the paths, on the memory store -------------------------------------------------
lifecycleSuite(`payment lifecycle end to end (${WASM}, memory store)`, {}, (h) => {
  const { tally, released, slotAt, book, bookOk, reservation, cancel, sweep, slotAvailable, refundsFor } = h;
  const { delivered, refundEventsDelivered, sessionOf, intent, payInLastSecondThenLapse } = h;

  it('1. pays by card → confirmed, PaymentIntent linked', async () => {
    const s = h.s;
    const r = await bookOk(slotAt(1, 9), 1);
    const paid = s.emulator.pay(r.checkout_session_id, { method: 'card' });
    await s.settle();

    const got = await reservation(r.id);
    assert.equal(got.status, 'confirmed');
    assert.ok(paid.payment_intent?.startsWith('pi_'));
    assert.equal(got.payment_intent_id, paid.payment_intent);
    assert.equal(got.checkout_session_id, r.checkout_session_id);
    assert.equal(got.expires_at, null);
    assert.equal(got.release_reason, undefined);
    tally.confirmations++;

    const session = sessionOf(r);
    assert.equal(session.status, 'complete');
    assert.equal(session.payment_status, 'paid');
    const pi = intent(paid.payment_intent);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, PRICE);
    assert.equal(s.emulator.state.charges.get(pi.latest_charge).refunded, false);
    assert.deepEqual(await refundsFor(pi.id), []);
    delivered(r.checkout_session_id, 'checkout.session.completed', ['confirmed']);
    assert.equal(await slotAvailable(r.start), false);
  });

  it('2. abandons checkout → the session expires → released (checkout_expired), slot bookable again', async () => {
    const s = h.s;
    const start = slotAt(2, 9);
    const r = await bookOk(start, 2);
    // The guest leaves the hosted page: nothing changes on Stripe's side.
    const left = await s.stripePost(`/v1/test_helpers/checkout/sessions/${r.checkout_session_id}/cancel`);
    assert.equal(left.status, 'open');
    const session = sessionOf(r);
    // Time passes beyond the session's expires_at, still inside the hold's grace period.
    const expired = s.advance(session.expires_at * 1000 - s.now() + 1000);
    assert.equal(expired, 1, 'the emulator expired exactly this session');
    assert.ok(s.now() < Date.parse(r.expires_at), 'the hold itself has not lapsed: the event releases it');
    await s.settle();

    const got = await reservation(r.id);
    assert.equal(got.status, 'released');
    assert.equal(got.release_reason, 'checkout_expired');
    assert.equal(got.payment_intent_id, null);
    released('checkout_expired');

    assert.equal(session.status, 'expired');
    assert.equal(session.url, null);
    assert.equal(session.payment_intent, null);
    assert.throws(() => s.emulator.pay(r.checkout_session_id, { method: 'card' }), /only open sessions/, 'an expired session cannot be paid');
    delivered(r.checkout_session_id, 'checkout.session.expired', ['released']);

    // Bookable again.
    assert.equal(await slotAvailable(start), true);
    const rival = await bookOk(start, 22);
    assert.equal(await slotAvailable(start), false);
    await cancel(rival.id);
    await s.settle();
    assert.equal(sessionOf(rival).status, 'expired');
    delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
  });

  it('3. Multibanco, then paid → held past the checkout hold while the voucher is open, then confirmed', async () => {
    const s = h.s;
    const start = slotAt(3, 9);
    const r = await bookOk(start, 3);
    const completed = s.emulator.pay(r.checkout_session_id, { method: 'multibanco' });
    await s.settle();
    assert.equal(completed.status, 'complete');
    assert.equal(completed.payment_status, 'unpaid');
    const pi = intent(completed.payment_intent);
    assert.equal(pi.status, 'requires_action');
    const voucherExpiresAt = pi.next_action.multibanco_display_details.expires_at;
    delivered(r.checkout_session_id, 'checkout.session.completed', ['held_for_voucher']);

    let got = await reservation(r.id);
    assert.equal(got.status, 'pending_payment');
    assert.equal(got.payment_intent_id, pi.id);
    assert.equal(Date.parse(got.expires_at), voucherExpiresAt * 1000 + HOLD_GRACE_MS, 'held until the voucher expires, plus grace');

    // Past the original hold expiry: the sweep leaves it alone, a rival cannot take it.
    assert.equal(s.advance(Date.parse(r.expires_at) - s.now() + MINUTE), 0, 'nothing expires on Stripe: the session is complete');
    const swept = await sweep();
    assert.equal(swept.released, 0);
    got = await reservation(r.id);
    assert.equal(got.status, 'pending_payment');
    const rival = await book(start, 33);
    assert.equal(rival.status, 409, rival.text);
    assert.equal(rival.json.error.code, 'slot_unavailable');

    // The bank settles the voucher.
    s.emulator.asyncPayment(r.checkout_session_id, 'succeeded');
    await s.settle();
    got = await reservation(r.id);
    assert.equal(got.status, 'confirmed');
    assert.equal(got.payment_intent_id, pi.id);
    tally.confirmations++;
    assert.equal(pi.status, 'succeeded');
    assert.equal(sessionOf(r).payment_status, 'paid');
    assert.deepEqual(await refundsFor(pi.id), []);
    delivered(r.checkout_session_id, 'checkout.session.async_payment_succeeded', ['confirmed']);
  });

  it('4. Multibanco, then failed → released (payment_failed), slot free', async () => {
    const s = h.s;
    const start = slotAt(4, 9);
    const r = await bookOk(start, 4);
    const completed = s.emulator.pay(r.checkout_session_id, { method: 'multibanco' });
    await s.settle();
    delivered(r.checkout_session_id, 'checkout.session.completed', ['held_for_voucher']);
    assert.equal((await reservation(r.id)).status, 'pending_payment');

    s.emulator.asyncPayment(r.checkout_session_id, 'failed');
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'released');
    assert.equal(got.release_reason, 'payment_failed');
    released('payment_failed');

    const pi = intent(completed.payment_intent);
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.latest_charge, null);
    assert.equal(sessionOf(r).payment_status, 'unpaid');
    delivered(r.checkout_session_id, 'checkout.session.async_payment_failed', ['released']);

    assert.equal(await slotAvailable(start), true);
    const rival = await bookOk(start, 44);
    await cancel(rival.id);
    await s.settle();
    delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
  });

  it('5. late payment while the slot is still free → confirmed', async () => {
    const s = h.s;
    const start = slotAt(5, 9);
    const r = await bookOk(start, 5);
    const paid = await payInLastSecondThenLapse(r);
    assert.equal(await slotAvailable(start), true);

    await s.emulator.webhooks.resume();
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'confirmed');
    assert.equal(got.payment_intent_id, paid.payment_intent);
    assert.equal(got.release_reason, undefined);
    tally.confirmations++;
    assert.equal(await slotAvailable(start), false);

    assert.equal(intent(paid.payment_intent).status, 'succeeded');
    assert.deepEqual(await refundsFor(paid.payment_intent), []);
    delivered(r.checkout_session_id, 'checkout.session.completed', ['confirmed_late']);
  });

  it('6. late payment after another guest took the slot → refunded', async () => {
    const s = h.s;
    const start = slotAt(6, 9);
    const r = await bookOk(start, 6);
    const paid = await payInLastSecondThenLapse(r);
    const rival = await bookOk(start, 66);

    await s.emulator.webhooks.resume();
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'refunded');
    assert.equal(got.release_reason, 'slot_lost');
    assert.equal(got.payment_intent_id, paid.payment_intent);
    tally.refunds++;

    const refunds = await refundsFor(paid.payment_intent);
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    assert.equal(refunds[0].amount, PRICE);
    assert.equal(refunds[0].status, 'succeeded');
    assert.equal(refunds[0].metadata.reservation_id, r.id);
    const charge = s.emulator.state.charges.get(intent(paid.payment_intent).latest_charge);
    assert.equal(charge.refunded, true);
    assert.equal(charge.amount_refunded, PRICE);
    delivered(r.checkout_session_id, 'checkout.session.completed', ['refunded']);
    refundEventsDelivered(refunds[0]);

    // The rival keeps the slot; the refund is recorded, nothing left for the sweep.
    assert.equal((await reservation(rival.id)).status, 'pending_payment');
    const third = await book(start, 666);
    assert.equal(third.status, 409);
    const swept = await sweep();
    assert.deepEqual(swept, { released: 0, linked: 0, reconciled: 0, refunds_retried: 0, failed: 0, purged: 0, more: false });

    await cancel(rival.id);
    await s.settle();
    delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
  });

  it('6b. late payment, hold lapsed but not yet swept, slot taken meanwhile → refunded', async () => {
    const s = h.s;
    const start = slotAt(6, 11);
    const r = await bookOk(start, 61);
    s.emulator.webhooks.pause();
    assert.equal(s.advance(sessionOf(r).expires_at * 1000 - s.now() - 1000), 0);
    const paid = s.emulator.pay(r.checkout_session_id, { method: 'card' });
    s.advance(Date.parse(r.expires_at) - s.now() + 1000);
    // No sweep: the record still says pending_payment, but the lapsed hold blocks nobody.
    assert.equal((await reservation(r.id)).status, 'pending_payment');
    assert.equal(await slotAvailable(start), true);
    const rival = await bookOk(start, 611);

    await s.emulator.webhooks.resume();
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'refunded');
    assert.equal(got.release_reason, 'slot_lost');
    assert.equal(got.payment_intent_id, paid.payment_intent);
    tally.refunds++;
    const refunds = await refundsFor(paid.payment_intent);
    assert.equal(refunds.length, 1);
    delivered(r.checkout_session_id, 'checkout.session.completed', ['refunded']);
    refundEventsDelivered(refunds[0]);
    assert.equal((await reservation(rival.id)).status, 'pending_payment');
    // The sweep finds nothing of it: not a hold any more, the refund already recorded.
    assert.deepEqual(await sweep(), { released: 0, linked: 0, reconciled: 0, refunds_retried: 0, failed: 0, purged: 0, more: false });

    await cancel(rival.id);
    await s.settle();
    delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
  });

  it('7. cancel → released (cancelled), session expired; a payment arriving afterwards is refunded', async () => {
    const s = h.s;
    const start = slotAt(7, 9);
    const r = await bookOk(start, 7);
    await cancel(r.id);
    await s.settle();
    const got = await reservation(r.id);
    assert.equal(got.status, 'released');
    assert.equal(got.release_reason, 'cancelled');
    const session = sessionOf(r);
    assert.equal(session.status, 'expired', 'DELETE expired the Checkout Session');
    const expiredEvent = delivered(r.checkout_session_id, 'checkout.session.expired', ['ignored']);
    assert.ok(expiredEvent.request.id, 'expired by an API call (slotguard), not by time');
    assert.equal(await slotAvailable(start), true);
    assert.throws(() => s.emulator.pay(r.checkout_session_id), /only open sessions/, 'nobody can pay it any more');

    // The guest pays on the hosted page while the same guest's DELETE is on its way:
    // the session is complete before slotguard can expire it. Stripe refuses to expire
    // it, so the DELETE reads the session and refunds the payment in its own answer;
    // the payment webhook, arriving after, finds it refunded.
    const start2 = slotAt(7, 11);
    const r2 = await bookOk(start2, 77);
    s.emulator.webhooks.pause();
    const paid = s.emulator.pay(r2.checkout_session_id, { method: 'card' });
    const answered = await s.call('DELETE', `/v1/reservations/${r2.id}`);
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.json.reservation.status, 'refunded');
    assert.equal(answered.json.reservation.release_reason, 'cancelled');
    released('cancelled');
    assert.equal(sessionOf(r2).status, 'complete', 'a paid session cannot be expired');
    await s.emulator.webhooks.resume();
    await s.settle();

    const got2 = await reservation(r2.id);
    assert.equal(got2.status, 'refunded');
    assert.equal(got2.release_reason, 'cancelled');
    assert.equal(got2.payment_intent_id, paid.payment_intent);
    tally.refunds++;
    const refunds = await refundsFor(paid.payment_intent);
    assert.equal(refunds.length, 1);
    assert.equal(refunds[0].amount, PRICE);
    assert.equal(refunds[0].metadata.reservation_id, r2.id);
    delivered(r2.checkout_session_id, 'checkout.session.completed', ['already_refunded']);
    refundEventsDelivered(refunds[0]);
    assert.equal(await slotAvailable(start2), true, 'a refunded reservation holds nothing');
  });

  it('8. duplicated and reordered deliveries: right final states, each effect once, duplicates say so', async () => {
    const s = h.s;
    const metricsNow = async () => parseMetrics((await s.call('GET', '/metrics')).text);
    const m0 = await metricsNow();
    const refunds0 = s.emulator.stats().refunds.total;
    const COPIES = 3;
    const dups = Array(COPIES - 1).fill('duplicate');
    s.emulator.webhooks.configure({ duplicate: COPIES, reorder: true });
    try {
      // A card payment and a Multibanco payment that succeeds, all events buffered...
      const a = await bookOk(slotAt(8, 9), 8);
      const b = await bookOk(slotAt(8, 11), 88);
      const paidA = s.emulator.pay(a.checkout_session_id, { method: 'card' });
      const paidB = s.emulator.pay(b.checkout_session_id, { method: 'multibanco' });
      s.emulator.asyncPayment(b.checkout_session_id, 'succeeded');
      assert.equal(s.emulator.webhooks.config().buffered, 3 * COPIES);
      // ...then delivered newest first: B's success before B's voucher, both before A.
      assert.equal(await s.emulator.webhooks.flush(), 3 * COPIES);
      await s.settle();

      const gotA = await reservation(a.id);
      assert.equal(gotA.status, 'confirmed');
      assert.equal(gotA.payment_intent_id, paidA.payment_intent);
      const gotB = await reservation(b.id);
      assert.equal(gotB.status, 'confirmed');
      assert.equal(gotB.payment_intent_id, paidB.payment_intent);
      tally.confirmations += 2;

      const evAsync = delivered(b.checkout_session_id, 'checkout.session.async_payment_succeeded', ['confirmed', ...dups]);
      const evB = delivered(b.checkout_session_id, 'checkout.session.completed', ['ignored', ...dups]);
      const evA = delivered(a.checkout_session_id, 'checkout.session.completed', ['confirmed', ...dups]);
      const firstIndex = (ev) => s.tap.records.findIndex((x) => x.event_id === ev.id);
      assert.ok(firstIndex(evAsync) < firstIndex(evB) && firstIndex(evB) < firstIndex(evA), 'delivered in reverse order');

      // A late card payment that lost its slot, its event delivered three times.
      const start = slotAt(8, 14);
      const c = await bookOk(start, 8888);
      const paidC = s.emulator.pay(c.checkout_session_id, { method: 'card' });
      s.advance(Date.parse(c.expires_at) - s.now() + 1000);
      // Not swept (a sweep would read the payment from Stripe, as tests/conformance/reconcile.test.mjs shows): the lapsed hold
      // blocks nobody, and a rival takes the slot before the events arrive.
      assert.equal((await reservation(c.id)).status, 'pending_payment');
      const rival = await bookOk(start, 88888);
      assert.equal(await s.emulator.webhooks.flush(), COPIES);
      await s.settle();
      const gotC = await reservation(c.id);
      assert.equal(gotC.status, 'refunded');
      assert.equal(gotC.release_reason, 'slot_lost');
      tally.refunds++;
      delivered(c.checkout_session_id, 'checkout.session.completed', ['refunded', ...dups]);
      const refunds = await refundsFor(paidC.payment_intent);
      assert.equal(refunds.length, 1, 'exactly one refund');
      assert.equal(s.emulator.stats().refunds.total, refunds0 + 1, 'exactly one refund on the account');
      // The refund's own events were buffered too: deliver them (reversed, three times each).
      assert.equal(await s.emulator.webhooks.flush(), 2 * COPIES);
      await s.settle();
      refundEventsDelivered(refunds[0], COPIES);
      assert.equal((await reservation(rival.id)).status, 'pending_payment');

      const m1 = await metricsNow();
      const delta = (k) => (m1.get(k) ?? 0) - (m0.get(k) ?? 0);
      assert.equal(delta('slotguard_confirmations_total'), 2, 'two confirmations, whatever the copies');
      assert.equal(delta('slotguard_refunds_total'), 1, 'one refund');
      assert.equal(delta('slotguard_releases_total{reason="hold_expired"}'), 0);
      for (const type of ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'charge.refunded', 'refund.created']) {
        const copiesOfType = type === 'checkout.session.completed' ? 3 : 1; // events of this type in this test
        assert.equal(delta(`slotguard_webhook_events_total{type="${type}",outcome="duplicate"}`), copiesOfType * (COPIES - 1), type);
      }
      s.emulator.webhooks.configure({ duplicate: 1, reorder: false });
      await cancel(rival.id);
      await s.settle();
      delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
    } finally {
      s.emulator.webhooks.configure({ duplicate: 1, reorder: false });
    }
  });
});

// ---- concurrent deliveries ----------------------------------------------------------
// On the plain memory store a webhook's transaction runs start to finish before the next
// request gets a turn (no Stripe call comes before its commit), so parallel deliveries
// never really interleave. Here the memory store holds the commits of the event's record
// until every delivery has read it: all of them decide on the same snapshot, one wins,
// the others must retry and find the duplicate.
const gated = createGatedMemoryStore();
lifecycleSuite(
  `concurrent webhook deliveries (${WASM}, memory store, commits gated)`,
  { store: gated.adapter },
  (h) => {
    const { tally, released, slotAt, book, bookOk, reservation, cancel, sweep, slotAvailable, refundsFor } = h;
    const { delivered, refundEventsDelivered, sessionOf, intent, payInLastSecondThenLapse } = h;

    it('9. concurrent deliveries of one late payment (slot lost) → refunded once', async () => {
      const s = h.s;
      // The emulator delivers copies one after another; Stripe may not. The emulator's own
      // event, signed as its dispatcher signs it, is POSTed 6 times at once, and the store
      // makes all 6 transactions read before the first commits. Each delivery reads the
      // event record twice: the early duplicate check, then the effect's transaction.
      const start = slotAt(9, 9);
      const r = await bookOk(start, 9);
      const paid = await payInLastSecondThenLapse(r);
      const rival = await bookOk(start, 99);
      const event = [...s.emulator.state.events.values()].find(
        (e) => e.type === 'checkout.session.completed' && e.data.object.id === r.checkout_session_id,
      );
      const payload = JSON.stringify(event, null, 2);
      const post = () =>
        s.call('POST', '/v1/stripe/webhook', {
          body: payload,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signatureHeader(payload, WEBHOOK_SECRET, Math.floor(s.now() / 1000)),
          },
        });
      const retries = async () =>
        parseMetrics((await s.call('GET', '/metrics')).text).get('slotguard_store_commit_retries_total') ?? 0;
      const retries0 = await retries();
      const gate = gated.hold(`whevt/${event.id}`, 12);
      let answers;
      try {
        answers = await Promise.all(Array.from({ length: 6 }, post));
      } finally {
        gate.release();
      }
      assert.equal(gate.timedOut, false, `all 6 deliveries read the event record (twice each) before any commit (${gate.reads} reads)`);
      assert.equal((await retries()) - retries0, 5, 'the 5 losers each retried once after a failed check');
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const outcomes = answers.map((a) => a.json.outcome).sort();
      assert.deepEqual(outcomes, ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'refunded']);
      for (const a of answers) assert.equal(a.json.duplicate, a.json.outcome === 'duplicate');
      for (const o of outcomes) {
        const key = `type="checkout.session.completed",outcome="${o}"`;
        tally.webhook[key] = (tally.webhook[key] ?? 0) + 1;
      }
      tally.refunds++;
      // Stripe's own (late) delivery is one more duplicate.
      await s.emulator.webhooks.resume();
      await s.settle();
      delivered(r.checkout_session_id, 'checkout.session.completed', ['duplicate']);

      const got = await reservation(r.id);
      assert.equal(got.status, 'refunded');
      assert.equal(got.release_reason, 'slot_lost');
      const refunds = await refundsFor(paid.payment_intent);
      assert.equal(refunds.length, 1, 'exactly one refund');
      refundEventsDelivered(refunds[0]);
      assert.equal((await reservation(rival.id)).status, 'pending_payment');
      await cancel(rival.id);
      await s.settle();
      delivered(rival.checkout_session_id, 'checkout.session.expired', ['ignored']);
    });
  },
);
