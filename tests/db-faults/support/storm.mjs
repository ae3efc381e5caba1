// What the database fault suites share: one expert's overlapping event types, a storm
// of holds, payments and cancels over the live hosts with a fault injected in its
// middle, the settling afterwards (webhooks delivered, sweeps until quiet), and the
// invariants read back through the API, counting every reservation the store holds
// (also those whose answer the fault swallowed). The store-specific parts (starting
// hosts, the fault itself, listing the reservation ids) stay in each suite.
import assert from 'node:assert/strict';
import { prng, send, waitFor } from '../../support/cli-hosts.mjs';
import { assertNoOverlap, assertPaidSessionsSettled } from '../../support/invariants.mjs';

export const ADMIN_TOKEN = 'db-faults-admin-token-0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_db_faults_secret';
export const STRIPE_KEY = 'sk_test_db_faults';
export const EXPERT = 'dbf-expert';
const PROBE_EXPERT = 'dbf-probe-expert'; // the hosts' liveness probes book here, apart from the storm
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Cycles of faults: 1 in ./scripts/test; SLOTGUARD_DB_FAULT_ROUNDS=n for a longer run. */
export const ROUNDS = Math.max(1, Number(process.env.SLOTGUARD_DB_FAULT_ROUNDS) || 1);

// Three event types of one expert whose spans overlap in every way; the mid one lets a
// guest cancel a paid booking (a refund through Stripe), the others do not (409).
export const EVENTS = {
  'dbf-short': { duration_minutes: 30, slot_step_minutes: 15, buffer_before_minutes: 0, buffer_after_minutes: 10 },
  'dbf-long': { duration_minutes: 60, slot_step_minutes: 30, buffer_before_minutes: 15, buffer_after_minutes: 0 },
  'dbf-mid': {
    duration_minutes: 45,
    slot_step_minutes: 15,
    buffer_before_minutes: 5,
    buffer_after_minutes: 5,
    cancellation: { refund_before_minutes: 60, refund_percent: 50 },
  },
};

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every offered start from 08:00 to 18:00 UTC on two days of round `round`'s own: room
 * for about two dozen reservations, so every storm wins some slots and loses many.
 */
export function candidates(round) {
  const firstDay = Math.floor(Date.now() / DAY) * DAY + (2 + 2 * round) * DAY;
  const out = [];
  for (const [eventId, e] of Object.entries(EVENTS)) {
    for (let day = 0; day < 2; day++) {
      for (let m = 8 * 60; m <= 18 * 60; m += e.slot_step_minutes) out.push({ eventId, start: iso(firstDay + day * DAY + m * MINUTE) });
    }
  }
  return out;
}

/**
 * The storm, settling and invariants over the hosts `live()` answers (every one of
 * them must answer every request, fault or not: a fault in the store is a 503, never a
 * dropped connection), the emulator, and `reservationIds()`, every reservation id the
 * store holds, read straight from it.
 * @param {{live: () => Array<{name: string, url: string, exited: unknown}>, emulator: any,
 *   reservationIds: () => Promise<string[]>}} world
 */
export function createStormDriver({ live, emulator, reservationIds }) {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const paid = new Set(); // session ids this test paid
  const granted = new Set(); // session ids a 201 named
  /** @type {Record<string, any>} */
  const events = {};
  let probes = 0;

  function pay(sessionId) {
    const session = emulator.state.sessions.get(sessionId);
    if (!session || session.status !== 'open' || paid.has(sessionId)) return false;
    emulator.pay(sessionId, { method: 'card' });
    paid.add(sessionId);
    return true;
  }

  /** The expert's event types (and the probe's), through the first host. */
  async function setUp() {
    const [host] = live();
    const bodies = {
      ...Object.fromEntries(Object.entries(EVENTS).map(([id, e]) => [id, { expert_id: EXPERT, ...e }])),
      'dbf-probe': { expert_id: PROBE_EXPERT, duration_minutes: 15, slot_step_minutes: 15 },
    };
    for (const [id, e] of Object.entries(bodies)) {
      const put = await send(host.url, 'PUT', `/v1/events/${id}`, {
        headers: admin,
        body: { title: id, price: { amount: 5000, currency: 'eur' }, payment_method_types: ['card'], max_advance_days: 730, ...e },
      });
      assert.equal(put.status, 201, put.text);
      events[id] = put.json.event;
    }
  }

  /**
   * One storm: `workers` guests at a time over the live hosts, each holding a slot,
   * paying two times in three, and one time in five cancelling (before or after paying,
   * on another host). After `injectAfter` answers, `inject()` runs (the fault and its
   * healing); the storm goes on through it, and for `afterHeal` answers more.
   * Answers: {phase: 'before' | 'during' | 'after', kind: 'hold' | 'cancel', host,
   * ms, status, json, text} or {..., error}.
   * @param {{seed: number, round: number, workers?: number, injectAfter: number, afterHeal?: number,
   *   inject: () => Promise<unknown>}} plan
   */
  async function storm({ seed, round, workers = 24, injectAfter, afterHeal = 60, inject }) {
    const slots = candidates(round);
    const random = prng(seed);
    /** @type {any[]} */
    const answers = [];
    /** @type {'before' | 'during' | 'after'} */
    let phase = 'before';
    let afterCount = 0;
    let faultResult;
    /** @type {Promise<void> | null} */
    let fault = null;
    let n = 0;

    // An answer's phase is the one it came back in: a request sent just before the fault
    // and answered after it began is the fault's.
    const ask = async (kind, host, method, path, body) => {
      const t0 = Date.now();
      const r = await send(host.url, method, path, { body });
      const a = { phase, kind, host: host.name, ms: Date.now() - t0, ...r };
      answers.push(a);
      if (phase === 'after') afterCount++;
      if (phase === 'before' && answers.length >= injectAfter && !fault) {
        phase = 'during';
        fault = inject().then((x) => {
          faultResult = x;
          phase = 'after';
        });
      }
      // A refused guest comes back, but not at once: 24 guests must not spin on two cores
      // (while the store is away, or the slots are all taken).
      if (r.error || r.status === 503) await sleep(25);
      else if (r.status === 409) await sleep(5);
      return a;
    };

    const worker = async () => {
      while (phase !== 'after' || afterCount < afterHeal) {
        const i = n++;
        const hosts = live();
        const host = hosts[i % hosts.length];
        const { eventId, start } = slots[Math.floor(random() * slots.length)];
        const body = { event_id: eventId, start, guest: { email: `g${seed}-${i}@example.com`, name: `Guest ${seed}-${i}` } };
        const hold = await ask('hold', host, 'POST', '/v1/reservations', body);
        hold.body = body;
        if (hold.status !== 201) continue;
        const r = hold.json.reservation;
        granted.add(r.checkout_session_id);
        const dice = random();
        const other = hosts[(i + 1) % hosts.length];
        if (dice < 0.1) {
          await ask('cancel', other, 'DELETE', `/v1/reservations/${r.id}`);
          if (random() < 0.5) pay(r.checkout_session_id); // paid after it was released: refunded
        } else if (dice < 0.7) {
          pay(r.checkout_session_id);
          if (dice < 0.2) {
            await sleep(50); // the payment's webhook is on its way, or applied
            await ask('cancel', other, 'DELETE', `/v1/reservations/${r.id}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    await fault;
    return { answers, fault: faultResult };
  }

  /**
   * Every session no 201 named (its hold's answer was a 503) that is still open: half of
   * them are paid now (their webhooks name the reservation), the rest stay unpaid.
   */
  function payOrphans() {
    let n = 0;
    for (const s of emulator.state.sessions.values()) {
      if (s.status !== 'open' || paid.has(s.id) || granted.has(s.id)) continue;
      if (n++ % 2 === 0) pay(s.id);
    }
    return n;
  }

  /** Webhooks all acknowledged, then sweeps until one finds nothing to do; answers how many sweeps. */
  async function settle() {
    await waitFor('every webhook to be acknowledged', async () => {
      await emulator.webhooks.idle();
      const undelivered = emulator.eventLog().filter((e) => e.delivery.status !== 'succeeded');
      // Those whose retries ran out while the store was away: send them again.
      for (const e of undelivered) await emulator.webhooks.redeliver(e.id);
      return undelivered.length === 0;
    });
    let sweeps = 0;
    const hosts = live();
    await waitFor('a quiet sweep', async () => {
      const r = await send(hosts[sweeps % hosts.length].url, 'POST', '/v1/maintenance/sweep', { headers: admin });
      assert.equal(r.status, 200, r.text);
      sweeps++;
      await emulator.webhooks.idle(); // what the sweep did at Stripe comes back as events
      const { released, linked, refunds_retried: retried, failed, more } = r.json;
      return !more && released === 0 && linked === 0 && retried === 0 && failed === 0;
    });
    for (const e of emulator.eventLog()) assert.equal(e.delivery.status, 'succeeded', `${e.type} ${e.id} was acknowledged`);
    return sweeps;
  }

  /**
   * Each host books and cancels a probe slot of its own, within `limitMs`: a host that
   * kept a dead connection, or a store handle that stayed broken, never does.
   */
  async function probeEveryHost(limitMs = 30_000) {
    for (const h of live()) {
      assert.equal(h.exited, null, `${h.name} is still running`);
      // A slot of its own for every try: a try answered 503 may still have taken its slot.
      const hold = await waitFor(`${h.name} to take a hold again`, async () => {
        const n = probes++;
        const start = iso(Math.floor(Date.now() / DAY) * DAY + (3 + Math.floor(n / 40)) * DAY + (8 * 60 + (n % 40) * 15) * MINUTE);
        const body = { event_id: 'dbf-probe', start, guest: { email: `probe${n}@example.com`, name: `Probe ${n}` } };
        const r = await send(h.url, 'POST', '/v1/reservations', { body });
        return r.status === 201 ? r : null;
      }, { intervalMs: 200, limitMs });
      const cancel = await send(h.url, 'DELETE', `/v1/reservations/${hold.json.reservation.id}`);
      assert.equal(cancel.status, 200, `${h.name} cancels its probe: ${cancel.text}`);
      assert.equal(cancel.json.reservation.status, 'released');
    }
  }

  /**
   * The invariants after a storm and its settling, over `answers` (this storm's) and
   * every reservation of the store. Answers a summary for the report.
   * @param {any[]} answers
   */
  async function checkInvariants(answers) {
    const readers = live();
    // Every request was answered (the hosts never dropped one), with a status it may have.
    assert.deepEqual(answers.filter((a) => a.error).map((a) => `${a.kind} on ${a.host} (${a.phase}): ${a.error}`), []);
    for (const a of answers) {
      if (a.kind === 'hold') {
        assert.ok([201, 409, 503].includes(a.status), `hold on ${a.host} (${a.phase}): ${a.status} ${a.text}`);
        if (a.status === 409) assert.equal(a.json.error.code, 'slot_unavailable', a.text);
      } else {
        assert.ok([200, 409, 503].includes(a.status), `cancel on ${a.host} (${a.phase}): ${a.status} ${a.text}`);
        if (a.status === 409) assert.equal(a.json.error.code, 'reservation_confirmed', a.text);
      }
      if (a.status === 503) assert.ok(['store_unavailable', 'contention'].includes(a.json?.error?.code), a.text);
    }
    // Every 201, before, during or after the fault, is readable from the hosts as granted.
    const granted = answers.filter((a) => a.kind === 'hold' && a.status === 201);
    for (const [i, a] of granted.entries()) {
      const r = await send(readers[i % readers.length].url, 'GET', `/v1/reservations/${a.json.reservation.id}`);
      assert.equal(r.status, 200, `${a.json.reservation.id} (201 from ${a.host}, ${a.phase} the fault): ${r.text}`);
      assert.equal(r.json.reservation.start, a.body.start);
      assert.equal(r.json.reservation.event_id, a.body.event_id);
    }
    // Every cancel answered 200 stayed done.
    const ids = await reservationIds();
    const idSet = new Set(ids);
    for (const a of granted) assert.ok(idSet.has(a.json.reservation.id), `${a.json.reservation.id} is in the store`);
    const reservations = [];
    for (const [i, id] of ids.entries()) {
      const r = await send(readers[i % readers.length].url, 'GET', `/v1/reservations/${id}`);
      assert.equal(r.status, 200, r.text);
      reservations.push(r.json.reservation);
    }
    const byId = new Map(reservations.map((r) => [r.id, r]));
    const cancelled = answers.filter((a) => a.kind === 'cancel' && a.status === 200);
    for (const a of cancelled) {
      const r = byId.get(a.json.reservation.id);
      assert.ok(['released', 'refunded'].includes(r?.status), `cancelled ${a.json.reservation.id} (${a.phase} the fault) is ${r?.status}`);
    }
    const active = assertNoOverlap(reservations, events, EXPERT);
    // Every paid session: confirmed, or refunded at Stripe.
    const paidSessions = assertPaidSessionsSettled(emulator, byId, { everySession: true });
    for (const r of reservations.filter((x) => x.status === 'confirmed')) {
      assert.equal(emulator.state.sessions.get(r.checkout_session_id)?.payment_status, 'paid', `confirmed ${r.id} was paid`);
    }
    const count = (st) => reservations.filter((r) => r.status === st).length;
    // Answers by phase and kind; a 503 by its code, so that contention and a store away
    // read apart.
    const byPhase = {};
    for (const a of answers) {
      const k = `${a.phase} ${a.kind}`;
      const v = a.status === 503 ? `503 ${a.json.error.code}` : a.status;
      byPhase[k] ??= {};
      byPhase[k][v] = (byPhase[k][v] ?? 0) + 1;
    }
    return {
      answers: byPhase,
      granted: granted.length,
      reservations: reservations.length,
      active: active.length,
      confirmed: count('confirmed'),
      pending: count('pending_payment'),
      released: count('released'),
      refunded: count('refunded'),
      paid_sessions: paidSessions.length,
    };
  }

  return { setUp, storm, payOrphans, settle, probeEveryHost, checkInvariants, pay, admin };
}
