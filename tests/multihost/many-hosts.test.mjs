// Many hosts, one truth: four slotguard Node hosts, each its own process (the CLI), on
// one PostgreSQL database, in front of one Stripe emulator whose webhooks are handed to
// the live hosts in turn. What one host commits binds the others, because every
// decision is a commit on the shared store; nothing is coordinated between the hosts.
//
//   - 1,000 guests on one slot, spread over the 4 hosts: exactly one 201, and the
//     emulator sees exactly one Stripe call (the winner's Checkout Session);
//   - a webhook delivered to one host and again to another applies once (the second
//     answers duplicate), also when both copies arrive at the same moment;
//   - a mixed storm over overlapping event types of one expert: no two active
//     reservations overlap (spans widened by buffers), every 201 is readable from
//     every host, every paid session ends confirmed or refunded;
//   - one host killed with SIGKILL mid-storm: after a sweep from another host, the
//     same invariants hold, counting every reservation in the database (also those
//     whose answer died with the host).
//
// Waits are for conditions, bounded, never for time. Needs SLOTGUARD_TEST_PG_URL
// (scripts/test starts a throwaway PostgreSQL); each run uses a database of its own.
//
//   SLOTGUARD_TEST_PG_URL=postgres://... node --test tests/multihost/
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { WASM, eventBody, request, slot } from '../conformance/support/harness.mjs';
import { SKIP_WITHOUT_PG, freshDatabase } from '../conformance/support/postgres.mjs';
import { prng, send, startSpreader, stopHost, waitFor } from '../support/cli-hosts.mjs';
import { assertNoOverlap, assertPaidSessionsSettled } from '../support/invariants.mjs';
import { reservationIds, startHost } from './support/cluster.mjs';

const HOSTS = 4;
const ADMIN_TOKEN = 'multihost-admin-token-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_multihost_secret';
const STRIPE_KEY = 'sk_test_multihost';
const HOT_GUESTS = 1000;
const EXPERT = 'mh-expert';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// Three event types of one expert whose spans overlap in every way.
const EVENTS = {
  'mh-short': { duration_minutes: 30, slot_step_minutes: 15, buffer_before_minutes: 0, buffer_after_minutes: 10 },
  'mh-long': { duration_minutes: 60, slot_step_minutes: 30, buffer_before_minutes: 15, buffer_after_minutes: 0 },
  'mh-mid': { duration_minutes: 45, slot_step_minutes: 15, buffer_before_minutes: 5, buffer_after_minutes: 5 },
};
const WORKERS = 48; // guests in flight at once in a storm
const STORM = 240; // guests per storm
const KILL_AFTER = 60; // answers of the second storm before the kill

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Every offered start from 08:00 to 18:00 UTC on `days` days from `fromDay` days ahead:
 * room for about twelve reservations a day, so every storm wins some and loses many.
 */
function candidates(fromDay, days) {
  const firstDay = Math.floor(Date.now() / DAY) * DAY + fromDay * DAY;
  const out = [];
  for (const [eventId, e] of Object.entries(EVENTS)) {
    for (let day = 0; day < days; day++) {
      for (let m = 8 * 60; m <= 18 * 60; m += e.slot_step_minutes) out.push({ eventId, start: iso(firstDay + day * DAY + m * MINUTE) });
    }
  }
  return out;
}

describe(`many hosts, one database (${WASM}, PostgreSQL, ${HOSTS} host processes)`, { skip: SKIP_WITHOUT_PG }, () => {
  let db;
  let emulator;
  let emulatorUrl;
  let spreader;
  let hosts = [];
  const killed = new Set();
  const live = () => hosts.filter((h) => !h.exited && !killed.has(h));
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const answers = []; // every storm answer: {plan, host, status, json, text} or {plan, host, error}
  const paid = new Set(); // session ids this test paid
  let events = {};

  before(async () => {
    db = await freshDatabase('sg_multihost');
    emulator = createEmulator({
      webhookSecret: WEBHOOK_SECRET,
      apiKey: STRIPE_KEY,
      autoExpire: false, // nothing expires during the test
      // Quick retries: deliveries refused while a host dies come back soon.
      webhookRetry: { baseDelayMs: 100, factor: 2, maxAttempts: 8 },
      onInternalError: (error) => console.error('[stripe-emulator]', error),
    });
    emulatorUrl = await emulator.start(0);
    spreader = await startSpreader(live);
    emulator.setWebhookEndpoint(spreader.url, WEBHOOK_SECRET);
    // Started together, so that they also race on the schema migration.
    const opts = { dbUrl: db.url, emulatorUrl, adminToken: ADMIN_TOKEN, webhookSecret: WEBHOOK_SECRET, stripeKey: STRIPE_KEY };
    hosts = await Promise.all(Array.from({ length: HOSTS }, (_, i) => startHost(`host${i + 1}`, opts)));
  });

  after(async () => {
    await Promise.all(hosts.map((h) => stopHost(h)));
    await emulator?.stop();
    await spreader?.close();
    await db?.drop();
  });

  /** On failure, what the hosts last said goes with the report. */
  function reportOnFailure(t) {
    let passed = false;
    t.after(() => {
      if (passed) return;
      for (const h of hosts) console.log(`----- ${h.name} ${JSON.stringify(h.exited)} -----\n${h.output.join('\n')}`);
    });
    return () => (passed = true);
  }

  function pay(sessionId) {
    const session = emulator.state.sessions.get(sessionId);
    if (!session || session.status !== 'open' || paid.has(sessionId)) return;
    emulator.pay(sessionId, { method: 'card' });
    paid.add(sessionId);
  }

  it(`${HOT_GUESTS} guests on one slot over ${HOSTS} hosts: one 201, one Stripe call`, async (t) => {
    const done = reportOnFailure(t);
    const put = await request(hosts[0].url, 'PUT', '/v1/events/mh-hot', { body: eventBody('mh-hot-expert'), headers: admin });
    assert.equal(put.status, 201, put.text);
    const start = slot(1, 9, 0);
    const callsBefore = emulator.stats().api_calls.total;
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: HOT_GUESTS }, (_, i) =>
        request(hosts[i % HOSTS].url, 'POST', '/v1/reservations', {
          body: { event_id: 'mh-hot', start, guest: { email: `hot${i}@example.com`, name: `Hot Guest ${i}` } },
        }),
      ),
    );
    const ms = Date.now() - t0;
    const byStatus = {};
    for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    console.log(JSON.stringify({ hot_slot: byStatus, ms }));
    assert.deepEqual(byStatus, { 201: 1, 409: HOT_GUESTS - 1 });
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json.error.code, 'slot_unavailable');
    // The winner's Checkout Session is the only Stripe call of the whole storm.
    assert.equal(emulator.stats().api_calls.total - callsBefore, 1);
    assert.equal(emulator.stats().api_calls.by_route['POST /v1/checkout/sessions'], 1);

    // Every host reads the winner, and every host sees the slot taken.
    const winner = results.find((r) => r.status === 201).json.reservation;
    for (const h of hosts) {
      const r = await request(h.url, 'GET', `/v1/reservations/${winner.id}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.reservation.status, 'pending_payment');
      const slots = await request(h.url, 'GET', `/v1/events/mh-hot/slots?from=${start}&to=${slot(1, 9, 30)}`);
      assert.deepEqual(slots.json.slots.map((x) => x.available), [false]);
    }
    done();
  });

  it('a webhook delivered to one host and again to another applies once', async (t) => {
    const done = reportOnFailure(t);
    // Sequential: the emulator delivers to one host; the same bytes go to the others.
    const booked = await request(hosts[1].url, 'POST', '/v1/reservations', {
      body: { event_id: 'mh-hot', start: slot(1, 10, 0), guest: { email: 'hook1@example.com', name: 'Hook One' } },
    });
    assert.equal(booked.status, 201, booked.text);
    const { id, checkout_session_id: sessionId } = booked.json.reservation;
    pay(sessionId);
    await emulator.webhooks.idle();
    const completed = spreader.deliveries.find((d) => d.type === 'checkout.session.completed' && d.body.includes(sessionId));
    assert.ok(completed, 'the emulator delivered checkout.session.completed');
    assert.equal(completed.answers.length, 1);
    const [first] = completed.answers;
    assert.equal(first.status, 200, first.text);
    assert.deepEqual([first.json.duplicate, first.json.outcome !== 'duplicate'], [false, true]);
    for (const other of hosts.filter((h) => h.name !== first.host)) {
      const again = await spreader.redeliverTo(completed, other);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.duplicate, true, `${other.name}: ${again.text}`);
    }
    const confirmed = await request(hosts[3].url, 'GET', `/v1/reservations/${id}`);
    assert.equal(confirmed.json.reservation.status, 'confirmed');

    // At the same moment: every delivery of the next payment goes to two hosts at once.
    const booked2 = await request(hosts[2].url, 'POST', '/v1/reservations', {
      body: { event_id: 'mh-hot', start: slot(1, 11, 0), guest: { email: 'hook2@example.com', name: 'Hook Two' } },
    });
    assert.equal(booked2.status, 201, booked2.text);
    const before = spreader.deliveries.length;
    spreader.fanOut(1000);
    try {
      pay(booked2.json.reservation.checkout_session_id);
      await emulator.webhooks.idle();
    } finally {
      spreader.fanOut(0);
    }
    const pairs = spreader.deliveries.slice(before).filter((d) => d.answers.length === 2);
    assert.ok(pairs.some((d) => d.type === 'checkout.session.completed'), 'checkout.session.completed went to two hosts');
    for (const d of pairs) {
      // Each copy is applied, answered as a duplicate, or refused as contention (503,
      // which Stripe retries); never applied twice.
      for (const a of d.answers) assert.ok([200, 503].includes(a.status), `${d.type} on ${a.host}: ${a.status} ${a.text}`);
      const applied = d.answers.filter((a) => a.status === 200 && a.json.duplicate === false);
      assert.ok(applied.length <= 1, `${d.type} ${d.event_id} applied ${applied.length} times`);
    }
    const r2 = await request(hosts[0].url, 'GET', `/v1/reservations/${booked2.json.reservation.id}`);
    assert.equal(r2.json.reservation.status, 'confirmed');
    // One payment each, nothing refunded: neither event was applied twice.
    assert.equal(emulator.state.refunds.size, 0);
    done();
  });

  /** WORKERS guests at a time over the live hosts, each paying two times in three. */
  async function storm(seed, slots, { killAfter = Infinity } = {}) {
    const random = prng(seed);
    let next = 0;
    let counted = 0;
    const worker = async () => {
      while (next < STORM) {
        const n = next++;
        const { eventId, start } = slots[Math.floor(random() * slots.length)];
        const plan = { n, seed, body: { event_id: eventId, start, guest: { email: `g${seed}-${n}@example.com`, name: `Guest ${seed}-${n}` } } };
        const targets = live();
        const host = targets[n % targets.length];
        const r = await send(host.url, 'POST', '/v1/reservations', { body: plan.body });
        answers.push({ plan, host: host.name, ...r });
        if (r.status === 201 && n % 3 !== 2) pay(r.json.reservation.checkout_session_id);
        if (++counted === killAfter) {
          // Killed while the other workers' requests are in flight on it.
          const victim = hosts[HOSTS - 1];
          killed.add(victim);
          victim.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
  }

  /** Webhooks all acknowledged, then sweeps from `sweeper` until one finds nothing to do. */
  async function settle(sweeper) {
    await waitFor('every webhook to be acknowledged', async () => {
      await emulator.webhooks.idle();
      const undelivered = emulator.eventLog().filter((e) => e.delivery.status !== 'succeeded');
      // Those whose retries ran out (a host dying, contention): send them again.
      for (const e of undelivered) await emulator.webhooks.redeliver(e.id);
      return undelivered.length === 0;
    });
    let sweeps = 0;
    await waitFor('a quiet sweep', async () => {
      const r = await send(sweeper.url, 'POST', '/v1/maintenance/sweep', { headers: admin });
      assert.equal(r.status, 200, r.text);
      sweeps++;
      await emulator.webhooks.idle(); // what the sweep did at Stripe comes back as events
      const { released, linked, refunds_retried: retried, failed, more } = r.json;
      return !more && released === 0 && linked === 0 && retried === 0 && failed === 0;
    });
    return sweeps;
  }

  /** The invariants, over every reservation in the database. */
  async function checkInvariants() {
    const readers = live();
    // Only the kill loses answers; every answer given is one of these.
    for (const a of answers.filter((x) => !x.error)) {
      assert.ok([201, 409, 503].includes(a.status), `guest ${a.plan.seed}-${a.plan.n} on ${a.host}: ${a.status} ${a.text}`);
      if (a.status === 409) assert.equal(a.json.error.code, 'slot_unavailable');
    }
    // Every 201 is readable, from every live host, as it was granted.
    const granted = answers.filter((a) => a.status === 201);
    for (const [i, a] of granted.entries()) {
      const r = await send(readers[i % readers.length].url, 'GET', `/v1/reservations/${a.json.reservation.id}`);
      assert.equal(r.status, 200, `${a.json.reservation.id} (granted by ${a.host}): ${r.text}`);
      assert.equal(r.json.reservation.start, a.plan.body.start);
      assert.equal(r.json.reservation.event_id, a.plan.body.event_id);
    }
    // No two active reservations of the expert overlap.
    const ids = await reservationIds(db.url);
    for (const a of granted) assert.ok(ids.includes(a.json.reservation.id), `${a.json.reservation.id} is in the database`);
    const reservations = [];
    for (const [i, id] of ids.entries()) {
      const r = await send(readers[i % readers.length].url, 'GET', `/v1/reservations/${id}`);
      assert.equal(r.status, 200, r.text);
      reservations.push(r.json.reservation);
    }
    const active = assertNoOverlap(reservations, events, EXPERT);
    // Every paid session: confirmed, or refunded at Stripe; nothing confirmed unpaid.
    const byId = new Map(reservations.map((r) => [r.id, r]));
    const paidSessions = assertPaidSessionsSettled(emulator, byId);
    for (const r of reservations.filter((x) => x.status === 'confirmed')) {
      assert.equal(emulator.state.sessions.get(r.checkout_session_id)?.payment_status, 'paid', `confirmed ${r.id} was paid`);
    }
    const count = (st) => reservations.filter((r) => r.status === st).length;
    return {
      answers: answers.length,
      granted: granted.length,
      lost: answers.filter((a) => a.error).length,
      reservations: reservations.length,
      active: active.length,
      confirmed: count('confirmed'),
      pending: count('pending_payment'),
      released: count('released'),
      refunded: count('refunded'),
      paid_sessions: paidSessions.length,
    };
  }

  it(`a mixed storm over overlapping event types of one expert, ${HOSTS} hosts: no overlap`, async (t) => {
    const done = reportOnFailure(t);
    for (const [id, e] of Object.entries(EVENTS)) {
      const put = await request(hosts[0].url, 'PUT', `/v1/events/${id}`, {
        headers: admin,
        body: { expert_id: EXPERT, title: id, price: { amount: 5000, currency: 'eur' }, payment_method_types: ['card'], ...e },
      });
      assert.equal(put.status, 201, put.text);
      events[id] = put.json.event;
    }
    await storm(1, candidates(3, 2));
    assert.deepEqual(answers.filter((a) => a.error).map((a) => a.error), [], 'no host died: every request was answered');
    // Every host served the storm, and holds were granted by more than one of them: the
    // hosts contended on one database. (Which hosts win the races is up to timing: a
    // host may grant none when others reach every contested slot first.)
    const served = new Set(answers.map((x) => x.host));
    assert.equal(served.size, HOSTS, `every host answered: ${[...served].join(', ')}`);
    const byHost = {};
    for (const a of answers.filter((x) => x.status === 201)) byHost[a.host] = (byHost[a.host] ?? 0) + 1;
    assert.ok(Object.keys(byHost).length >= 2, `more than one host granted holds: ${JSON.stringify(byHost)}`);
    const sweeps = await settle(hosts[1]);
    console.log(JSON.stringify({ storm: 1, granted_by_host: byHost, sweeps, ...(await checkInvariants()) }));
    done();
  });

  it('one host killed with SIGKILL mid-storm: after a sweep from another host, the invariants hold', async (t) => {
    const done = reportOnFailure(t);
    const before = answers.length;
    // Slow Checkout Sessions for a while, so the kill is likely to find holds whose
    // session is still being created (a slow machine still passes; it covers less).
    emulator.injectFaults({ route: 'POST /v1/checkout/sessions', count: 8, fault: 'delay', delayMs: 1500 });
    // Days of its own, so that it wins slots before and after the kill; the kill
    // comes while the other workers' requests are in flight, some on the victim.
    await storm(2, candidates(5, 3), { killAfter: KILL_AFTER });
    const victim = hosts[HOSTS - 1];
    assert.equal((await victim.exit).signal, 'SIGKILL');
    const mine = answers.slice(before);
    const lost = mine.filter((a) => a.error);
    assert.ok(mine.slice(0, KILL_AFTER).some((a) => a.host === victim.name && !a.error), `${victim.name} answered before it died`);
    assert.ok(lost.length > 0 && lost.every((a) => a.host === victim.name), 'requests in flight on the victim lost their answers');
    // After the kill the storm went on over the live hosts.
    assert.ok(mine.slice(KILL_AFTER).some((a) => [201, 409].includes(a.status) && a.host !== victim.name), 'the others went on');

    const sweeps = await settle(hosts[0]);
    console.log(JSON.stringify({ storm: 2, killed: victim.name, lost: lost.length, sweeps, ...(await checkInvariants()) }));
    done();
  });
});
