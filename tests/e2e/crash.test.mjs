// A crash in the middle of a booking storm: the Node host runs as a child process (the
// CLI, on a SQLite file), the Stripe emulator in this process delivers its signed
// webhooks to it through a forwarding endpoint that outlives the host. While dozens of
// overlapping bookings and payments are in flight, the host is killed with SIGKILL and
// started again on the same file. Afterwards:
//
//   - every 201 the host gave is readable with GET /v1/reservations/{id};
//   - no two active reservations of the expert overlap (spans widened by buffers),
//     across all of its event types, counting every reservation in the file, also
//     those whose answer was lost in the crash;
//   - every session the emulator shows as paid ends with its reservation confirmed,
//     or refunded with a refund in the emulator.
//
// No assertion depends on timing: the kill comes after a fixed number of answers, waits
// are for conditions (bounded, so a hang fails instead of blocking CI), the host keeps
// wall time and no hold comes near its expiry (checkout sessions last 30 minutes). How
// much the crash catches mid-way (holds whose session is still being created, webhooks
// on their way) varies from run to run; what must hold afterwards does not.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/crash.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { WASM } from '../conformance/support/harness.mjs';
import { prng, send, startCliHost, startSpreader, stopHost, waitFor } from '../support/cli-hosts.mjs';
import { assertNoOverlap } from '../support/invariants.mjs';

const ADMIN_TOKEN = 'crash-admin-token-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_crash_test_secret';
const STRIPE_KEY = 'sk_test_crash';
const EXPERT = 'crash-expert';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// Three event types of one expert whose spans overlap in every way: different
// lengths, steps and buffers on both sides.
const EVENTS = {
  'crash-short': { duration_minutes: 30, slot_step_minutes: 15, buffer_before_minutes: 0, buffer_after_minutes: 10 },
  'crash-long': { duration_minutes: 60, slot_step_minutes: 30, buffer_before_minutes: 15, buffer_after_minutes: 0 },
  'crash-mid': { duration_minutes: 45, slot_step_minutes: 15, buffer_before_minutes: 5, buffer_after_minutes: 5 },
};

const WORKERS = 32; // guests in flight at once
const KILL_AFTER = 90; // answers before the kill
const BEFORE_LIMIT = 1000; // never reached: the kill ends the first storm
const AFTER_REQUESTS = 120; // the storm on the restarted host
const KEYED_EVERY = 4; // every 4th guest sends an Idempotency-Key, twice at once

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Every offered start from 08:00 to 18:00 UTC on four days, from two days ahead: room
 * for about forty reservations, so both storms win some slots and lose many.
 */
function candidates() {
  const firstDay = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;
  const out = [];
  for (const [eventId, e] of Object.entries(EVENTS)) {
    for (let day = 0; day < 4; day++) {
      for (let m = 8 * 60; m <= 18 * 60; m += e.slot_step_minutes) out.push({ eventId, start: iso(firstDay + day * DAY + m * MINUTE) });
    }
  }
  return out;
}

/** The plan of guest n: what it books and whether it sends an Idempotency-Key. */
function planner(seed) {
  const slots = candidates();
  const random = prng(seed);
  const plans = [];
  return (n) => {
    while (plans.length <= n) {
      const i = plans.length;
      const { eventId, start } = slots[Math.floor(random() * slots.length)];
      plans.push({
        n: i,
        body: { event_id: eventId, start, guest: { email: `guest${seed}-${i}@example.com`, name: `Guest ${seed}-${i}` } },
        key: i % KEYED_EVERY === 0 ? `crash-${seed}-${i}` : null,
        pay: i % 3 !== 2, // two guests in three pay as soon as they have a session
      });
    }
    return plans[n];
  };
}

/** Starts the CLI on the SQLite file `dbPath`; resolves once it listens. */
function startHost(name, dbPath, emulatorUrl) {
  return startCliHost(name, {
    SLOTGUARD_DB: dbPath,
    SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_API_BASE: emulatorUrl,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
}

describe(`crash in the middle of a booking storm (${WASM}, SQLite, host in a child process)`, () => {
  let dir;
  let emulator;
  let forwarder; // the emulator's webhook endpoint: relays to the running host, 502 while none runs
  let host = null;
  let emulatorUrl;
  // Every answer of POST /v1/reservations: {plan, status, json, text} or {plan, error},
  // with the host that gave it (1 before the restart, 2 after) and whether the kill had
  // been sent by then.
  const answers = [];
  const paid = new Set(); // session ids this test paid
  let incarnation = 1;
  let killedAt = -1; // answers.length when the kill was sent

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const call = (method, path, opts) => send(host.url, method, path, opts);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slotguard-crash-'));
    emulator = createEmulator({
      webhookSecret: WEBHOOK_SECRET,
      apiKey: STRIPE_KEY,
      autoExpire: false, // nothing expires during the test
      // Quick retries, so deliveries refused while the host is down come back soon.
      webhookRetry: { baseDelayMs: 100, factor: 2, maxAttempts: 8 },
      onInternalError: (error) => console.error('[stripe-emulator]', error),
    });
    emulatorUrl = await emulator.start(0);
    forwarder = await startSpreader(() => (host && !host.exited ? [host] : []));
    emulator.setWebhookEndpoint(forwarder.url, WEBHOOK_SECRET);
    host = await startHost('first', join(dir, 'slotguard.db'), emulatorUrl);
  });

  after(async () => {
    await stopHost(host);
    await emulator?.stop();
    await forwarder?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Pays a session by card, if it is still open. */
  function pay(sessionId) {
    const session = emulator.state.sessions.get(sessionId);
    if (!session || session.status !== 'open' || paid.has(sessionId)) return;
    emulator.pay(sessionId, { method: 'card' });
    paid.add(sessionId);
  }

  /** One guest: POST (twice at once with an Idempotency-Key), record, maybe pay. */
  function record(plan, r) {
    answers.push({ plan, ...r, incarnation, afterKill: killedAt >= 0 });
    if (r.status === 201 && plan.pay && r.json.reservation.checkout_session_id) pay(r.json.reservation.checkout_session_id);
  }

  async function guest(plan) {
    const headers = plan.key ? { 'idempotency-key': plan.key } : {};
    const tries = plan.key ? 2 : 1;
    const results = await Promise.all(Array.from({ length: tries }, () => call('POST', '/v1/reservations', { body: plan.body, headers })));
    for (const r of results) record(plan, r);
    return results;
  }

  /** WORKERS guests at a time, each sending its next request as soon as it has an answer. */
  async function storm(planOf, count, { killAfter = Infinity } = {}) {
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && next < count) {
        const results = await guest(planOf(next++));
        if (results.some((r) => r.error)) stop = true; // the host is gone
        if (answers.length >= killAfter && killedAt < 0) {
          killedAt = answers.length;
          host.child.kill('SIGKILL');
          stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
  }

  it('kills the host with SIGKILL mid-storm, restarts it on the same file, and keeps every promise', async (t) => {
    // On failure, what the host last said (warnings and errors) goes with the report.
    let finished = false;
    let killed = null; // the first host, once it is killed
    t.after(() => {
      if (finished) return;
      const first = killed ?? host;
      console.log(`----- first host -----\n${first?.output.join('\n')}`);
      if (killed) console.log(`----- restarted host -----\n${host?.output.join('\n')}`);
    });
    // ---- the expert's event types --------------------------------------------------
    for (const [id, e] of Object.entries(EVENTS)) {
      const put = await call('PUT', `/v1/events/${id}`, {
        headers: admin,
        body: { expert_id: EXPERT, title: id, price: { amount: 5000, currency: 'eur' }, payment_method_types: ['card'], ...e },
      });
      assert.equal(put.status, 201, put.text);
    }

    // ---- storm, killed in the middle ------------------------------------------------
    // The first few Checkout Sessions answer slowly, so the kill is likely to find holds
    // committed whose session is still being created: their answers are lost, and the
    // restarted host meets them through idempotent retries, webhooks and the sweep. (If
    // a slow machine gets there later, the test still holds; it only covers less.)
    emulator.injectFaults({ route: 'POST /v1/checkout/sessions', count: 6, fault: 'delay', delayMs: 2000 });
    const firstPlans = planner(1);
    await storm(firstPlans, BEFORE_LIMIT, { killAfter: KILL_AFTER });
    assert.ok(killedAt >= KILL_AFTER, 'the kill was sent');
    killed = host;
    const down = await host.exit;
    assert.equal(down.signal, 'SIGKILL');
    const beforeKill = answers.slice(0, killedAt);
    const lost = answers.filter((a) => a.error);
    console.log(`killed after ${killedAt} answers; ${lost.length} requests lost their answer`);
    assert.ok(beforeKill.some((a) => a.status === 201), 'some bookings succeeded before the kill');
    // The other guests' next requests were on their way when the host died.
    assert.ok(lost.length > 0, 'requests were in flight at the kill');

    // ---- restart on the same file ---------------------------------------------------
    incarnation = 2;
    host = await startHost('restarted', join(dir, 'slotguard.db'), emulatorUrl);
    assert.equal((await call('GET', '/healthz')).status, 200);

    // Guests with a key whose answer was lost retry with the same key and body: the
    // restarted host replays or finishes what the first attempt began.
    const retried = new Map(); // key -> answer after the restart
    for (const a of lost.filter((x) => x.plan.key)) {
      if (retried.has(a.plan.key)) continue;
      const res = await waitFor(`a retry of ${a.plan.key} that is not 503`, async () => {
        const r = await call('POST', '/v1/reservations', { body: a.plan.body, headers: { 'idempotency-key': a.plan.key } });
        return r.status === 503 ? null : r;
      });
      retried.set(a.plan.key, res);
      record(a.plan, res);
      assert.ok([201, 409].includes(res.status), `retry of ${a.plan.key}: ${res.status} ${res.text}`);
    }

    // More guests on the restarted host, on the same slots.
    await storm(planner(2), AFTER_REQUESTS);

    // Every other session the emulator still shows open is paid now, including those
    // created for holds whose answer was lost in the crash (their webhooks name the
    // reservation in metadata); the rest stay pending.
    const open = [...emulator.state.sessions.values()].filter((s) => s.status === 'open' && !paid.has(s.id));
    open.forEach((s, i) => i % 2 === 0 && pay(s.id));

    // ---- webhooks delivered, sweeps quiet -------------------------------------------
    await waitFor('every webhook to be acknowledged', async () => {
      await emulator.webhooks.idle();
      const undelivered = emulator.eventLog().filter((e) => e.delivery.status !== 'succeeded');
      // Those whose retries ran out while the host was down: send them again.
      for (const e of undelivered) await emulator.webhooks.redeliver(e.id);
      return undelivered.length === 0;
    });
    for (const e of emulator.eventLog()) assert.equal(e.delivery.status, 'succeeded', `${e.type} ${e.id}`);

    let sweeps = 0;
    await waitFor('a quiet sweep', async () => {
      const r = await call('POST', '/v1/maintenance/sweep', { headers: admin });
      assert.equal(r.status, 200, r.text);
      sweeps++;
      const { released, linked, refunds_retried: retriedRefunds, failed, more } = r.json;
      await emulator.webhooks.idle(); // what the sweep did at Stripe comes back as events
      return !more && released === 0 && linked === 0 && retriedRefunds === 0 && failed === 0;
    });
    await emulator.webhooks.idle();

    // ---- the answers: statuses, and the pairs of one key agree -----------------------
    // Only the kill loses answers: the restarted host answers every request.
    assert.deepEqual(answers.filter((a) => a.incarnation === 2 && a.error).map((a) => a.error), []);
    for (const a of answers.filter((x) => !x.error)) {
      assert.ok([201, 409, 503].includes(a.status), `guest ${a.plan.n}: ${a.status} ${a.text}`);
      if (a.status === 409) assert.equal(a.json.error.code, 'slot_unavailable');
    }
    const byKey = new Map();
    for (const a of answers.filter((x) => x.plan.key && x.status === 201)) {
      const id = a.json.reservation.id;
      assert.equal(byKey.get(a.plan.key) ?? id, id, `one reservation per Idempotency-Key (${a.plan.key})`);
      byKey.set(a.plan.key, id);
    }

    // ---- every 201 is readable ----------------------------------------------------------
    const granted = answers.filter((a) => a.status === 201);
    for (const a of granted) {
      const r = await call('GET', `/v1/reservations/${a.json.reservation.id}`);
      assert.equal(r.status, 200, `${a.afterKill ? 'after' : 'before'} the kill: ${a.json.reservation.id}: ${r.text}`);
      assert.equal(r.json.reservation.start, a.plan.body.start);
      assert.equal(r.json.reservation.event_id, a.plan.body.event_id);
    }

    // ---- every reservation in the file: no two active ones overlap -----------------------
    // The file is read only for the ids (answers lost in the crash name none); the
    // reservations themselves come from the API.
    const db = new Database(join(dir, 'slotguard.db'), { readonly: true, fileMustExist: true });
    let ids;
    try {
      ids = db
        .prepare("SELECT key FROM kv WHERE key >= CAST('rsv/' AS BLOB) AND key < CAST('rsv0' AS BLOB)")
        .all()
        .map((row) => row.key.toString('utf8').slice('rsv/'.length));
    } finally {
      db.close();
    }
    for (const a of granted) assert.ok(ids.includes(a.json.reservation.id), `${a.json.reservation.id} is in the file`);
    const events = {};
    for (const id of Object.keys(EVENTS)) events[id] = (await call('GET', `/v1/events/${id}`)).json.event;
    const reservations = [];
    for (const id of ids) {
      const r = await call('GET', `/v1/reservations/${id}`);
      assert.equal(r.status, 200, r.text);
      reservations.push(r.json.reservation);
    }
    const active = assertNoOverlap(reservations, events, EXPERT);

    // ---- every paid session: confirmed, or refunded at Stripe ----------------------------
    const byId = new Map(reservations.map((r) => [r.id, r]));
    const paidSessions = [...emulator.state.sessions.values()].filter((s) => s.payment_status === 'paid');
    assert.ok(paidSessions.length > 0);
    for (const session of paidSessions) {
      const r = byId.get(session.metadata.reservation_id);
      assert.ok(r, `paid session ${session.id} names a reservation in the file`);
      if (r.status === 'confirmed') {
        assert.equal(r.payment_intent_id, session.payment_intent);
      } else {
        assert.equal(r.status, 'refunded', `paid session ${session.id}: reservation ${r.id} is ${r.status}`);
        const refunds = [...emulator.state.refunds.values()].filter((x) => x.payment_intent === session.payment_intent);
        assert.ok(refunds.length > 0, `reservation ${r.id} is refunded and Stripe has its refund`);
      }
    }
    // And the converse: nothing is confirmed without a payment.
    for (const r of reservations.filter((x) => x.status === 'confirmed')) {
      assert.equal(emulator.state.sessions.get(r.checkout_session_id)?.payment_status, 'paid', `confirmed ${r.id} was paid`);
    }

    const count = (st) => reservations.filter((r) => r.status === st).length;
    const grantedIds = new Set(granted.map((a) => a.json.reservation.id));
    const grantedBefore = new Set(beforeKill.filter((a) => a.status === 201).map((a) => a.json.reservation.id));
    console.log(
      JSON.stringify({
        answers: answers.length,
        granted_before_kill: grantedBefore.size,
        granted_after_kill: grantedIds.size - grantedBefore.size,
        lost: lost.length,
        retried: retried.size,
        unanswered_holds: ids.filter((id) => !grantedIds.has(id)).length,
        reservations: reservations.length,
        confirmed: count('confirmed'),
        pending: count('pending_payment'),
        released: count('released'),
        refunded: count('refunded'),
        active: active.length,
        paid_sessions: paidSessions.length,
        sweeps,
        webhooks: emulator.stats().webhooks,
      }),
    );
    finished = true;
  });
});
