// Signed notifications delivered end to end: the Node host with
// a notify URL, the Stripe emulator, and a receiver (node:http) standing in for the
// app, which verifies each delivery with verifyNotification and records it. The core
// writes each notification in the same commit as the change (its outbox) and delivers
// it when the host asks (POST /v1/maintenance/notify); the host asks on an interval and
// after every write. Here the tests ask (slotguard.notify()) and move the shared clock
// over the core's back-off (10 s, doubling), so nothing depends on how long a run takes.
//
//   - every change is notified, signed, with the reservation exactly as GET returns it;
//   - a receiver that is down, then up, gets it later;
//   - a receiver that answers 500 twice gets the same id (and bytes) on every attempt;
//   - a receiver that lost its answer sees a duplicate and drops it by id;
//   - per reservation, held is delivered before confirmed, even when held fails first;
//   - a host killed (SIGKILL) between the commit and the delivery delivers after a
//     restart on the same SQLite file.
//
// All of it needs the core with the outbox: build/dist must hold a module
// built from it.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/e2e/notifications.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyNotification } from '../../host-shims/node/src/index.js';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { request } from '../conformance/support/harness.mjs';
import { DAY, MINUTE, WASM, putConsultation, startE2EStack } from './support/stack.mjs';
import { startCliHost, stopHost, waitFor } from '../support/cli-hosts.mjs';

const NOTIFY_SECRET = 'ntfsec_e2e_notifications_0123456789';
const OLD_SECRET = 'ntfsec_e2e_previous_secret_012345';
const EVENT_ID = 'ntf-consult';
// The clock moves by hours in these tests: the signature's timestamp is the core's
// clock, so the receiver allows for that.
const TOLERANCE_S = 30 * 24 * 3600;
const RESERVATION_FIELDS_ID = /^ntf_/;

/**
 * The app's endpoint. `behaviour(event, attempt)` picks the answer to each verified
 * delivery: a status, 'drop' (process it, then lose the answer: the socket is
 * destroyed), or 'hang' (never answer). Every attempt is recorded; `processed` keeps
 * each notification once, by id, as an app deduplicating by id would.
 */
function startReceiver() {
  const attempts = [];
  const processed = new Map();
  const hung = new Set();
  let behaviour = () => 200;
  let port = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['slotguard-signature'];
      let event = null;
      let error = null;
      try {
        event = verifyNotification(raw, signature, [OLD_SECRET, NOTIFY_SECRET], { toleranceSeconds: TOLERANCE_S });
      } catch (e) {
        error = e.message;
      }
      const attempt = attempts.filter((a) => a.id === event?.id).length + 1;
      const record = { id: event?.id, type: event?.type, rid: event?.data?.reservation?.id, raw: raw.toString('utf8'), signature, event, error, attempt, at: attempts.length };
      attempts.push(record);
      if (!event) {
        record.status = 400;
        res.writeHead(400).end(error);
        return;
      }
      const answer = behaviour(event, attempt);
      if (answer === 'hang') {
        hung.add(res);
        record.status = 'hang';
        return;
      }
      if (answer === 'drop' || (typeof answer === 'number' && answer < 300)) {
        if (!processed.has(event.id)) processed.set(event.id, { event, raw: record.raw, order: processed.size });
      }
      if (answer === 'drop') {
        record.status = 'drop';
        req.socket.destroy();
        return;
      }
      record.status = answer;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
    });
  });
  const receiver = {
    attempts,
    processed,
    get url() {
      return `http://127.0.0.1:${port}/slotguard-events`;
    },
    setBehaviour(fn) {
      behaviour = fn;
    },
    /** Listens (again, on the same port once it had one). */
    up: () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((port = server.address().port)))),
    down: () =>
      new Promise((resolve) => {
        for (const res of hung) res.socket?.destroy();
        hung.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    delivered: (id) => attempts.some((a) => a.id === id && typeof a.status === 'number' && a.status < 300),
    deliveredOf: (rid) => attempts.filter((a) => a.rid === rid && typeof a.status === 'number' && a.status < 300),
  };
  return receiver;
}

describe(`notifications delivered to the app (${WASM}, in process)`, () => {
  /** @type {Awaited<ReturnType<typeof startE2EStack>>} */
  let s;
  let receiver;
  let base;
  let n = 0;

  before(async () => {
    receiver = startReceiver();
    await receiver.up();
    s = await startE2EStack({
      notifyUrl: receiver.url,
      // Rotating: the core signs with the first; the receiver accepts both.
      notifySecret: `${NOTIFY_SECRET},${OLD_SECRET}`,
      notifyIntervalMs: 0, // the tests ask for each run (a write still kicks one)
      checkoutMinutes: 1438, // room to move the clock over the back-off
      maxActiveHoldsPerGuest: 0,
    });
    base = s.now();
    await putConsultation(s, EVENT_ID, 'ntf-expert', 5000);
  });

  after(async () => {
    await s?.stop();
    await receiver?.down();
  });

  const slotAt = (day, hh, mm = 0) => {
    const midnight = Math.floor(base / DAY) * DAY + DAY;
    return new Date(midnight + day * DAY + (hh * 60 + mm) * MINUTE).toISOString().replace('.000Z', 'Z');
  };

  async function book() {
    n++;
    const res = await s.call('POST', '/v1/reservations', {
      body: { event_id: EVENT_ID, start: slotAt(1 + (n % 20), 8 + Math.floor(n / 20)), guest: { email: `ntf${n}@example.com`, name: `Guest ${n}` } },
    });
    assert.equal(res.status, 201, res.text);
    return res.json.reservation;
  }

  async function getReservation(id) {
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.json.reservation;
  }

  /** The core's own answer to one run, for the counts. */
  async function notifyOnce() {
    const res = await s.call('POST', '/v1/maintenance/notify', { headers: s.admin, body: {} });
    assert.equal(res.status, 200, res.text);
    for (const k of ['delivered', 'failed', 'deferred']) assert.ok(Number.isInteger(res.json[k]), res.text);
    assert.equal(typeof res.json.more, 'boolean');
    return res.json;
  }

  /** Runs the notifier, moving the clock `stepMs` between runs, until `done()`. */
  async function deliverUntil(what, done, { stepMs = 15_000, steps = 40 } = {}) {
    for (let i = 0; i < steps; i++) {
      await s.host.notify();
      if (done()) return;
      s.advance(stepMs);
    }
    await s.host.notify();
    assert.ok(done(), `not delivered: ${what}\n${JSON.stringify(receiver.attempts.map(({ raw, signature, event, ...a }) => a))}`);
  }

  async function payCard(r) {
    s.emulator.pay(r.checkout_session_id, { method: 'card' });
    await s.settle();
    assert.equal((await getReservation(r.id)).status, 'confirmed');
  }

  it('each change is notified once, signed, with the reservation as GET returns it', async () => {
    receiver.setBehaviour(() => 200);
    const r = await book();
    await deliverUntil('held', () => receiver.deliveredOf(r.id).length >= 1);
    const [held] = receiver.deliveredOf(r.id);
    assert.equal(held.error, null);
    assert.equal(held.type, 'reservation.held');
    assert.match(held.id, RESERVATION_FIELDS_ID);
    assert.deepEqual(Object.keys(held.event).sort(), ['created', 'data', 'id', 'type']);
    assert.ok(Number.isInteger(held.event.created) && Math.abs(held.event.created - s.now() / 1000) < 3600, `created ${held.event.created}`);
    // The reservation as it was when held (GET now also shows what came after, e.g. the
    // linked Checkout Session): GET's shape, its values at the time.
    const now = await getReservation(r.id);
    const atHold = held.event.data.reservation;
    assert.equal(atHold.id, r.id);
    assert.equal(atHold.status, 'pending_payment');
    assert.equal(atHold.start, now.start);
    assert.deepEqual(atHold.guest, now.guest);
    for (const key of Object.keys(atHold)) assert.ok(key in now, `${key} is not in GET /v1/reservations/{id}`);
    assert.match(held.signature, /^t=\d+,v1=[0-9a-f]{64}$/, 'signed with the first secret');
    assert.throws(() => verifyNotification(held.raw, held.signature, OLD_SECRET, { toleranceSeconds: TOLERANCE_S }), /no signature matches/);
    assert.equal(verifyNotification(held.raw, held.signature, NOTIFY_SECRET, { toleranceSeconds: TOLERANCE_S }).id, held.id);

    await payCard(r);
    await deliverUntil('confirmed', () => receiver.deliveredOf(r.id).length >= 2);
    const confirmed = receiver.deliveredOf(r.id)[1];
    assert.equal(confirmed.type, 'reservation.confirmed');
    assert.notEqual(confirmed.id, held.id);
    assert.deepEqual(confirmed.event.data.reservation, await getReservation(r.id));
    assert.equal(confirmed.event.data.reservation.status, 'confirmed');

    const cancelled = await book();
    assert.equal((await s.call('DELETE', `/v1/reservations/${cancelled.id}`)).status, 200);
    await deliverUntil('released', () => receiver.deliveredOf(cancelled.id).length >= 2);
    const released = receiver.deliveredOf(cancelled.id)[1];
    assert.equal(released.type, 'reservation.released');
    assert.equal(released.event.data.reservation.release_reason, 'cancelled');
    // Nothing delivered twice when nothing failed.
    const ids = receiver.attempts.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('a receiver that is down, then up, gets the notification later', async () => {
    await receiver.down();
    const r = await book();
    await s.host.notify(); // the run the write kicked tried it, and failed
    assert.equal(receiver.deliveredOf(r.id).length, 0);
    s.advance(60_000);
    const again = await notifyOnce();
    // A failed attempt is deferred (retried later); `failed` counts those given up.
    assert.ok(again.deferred >= 1 && again.delivered === 0 && again.failed === 0, `still down: ${JSON.stringify(again)}`);

    await receiver.up();
    await deliverUntil('held after the receiver came back', () => receiver.deliveredOf(r.id).length === 1);
    assert.equal(receiver.deliveredOf(r.id)[0].type, 'reservation.held');
  });

  it('a receiver that answers 500 twice gets the same id and the same bytes a third time', async () => {
    receiver.setBehaviour((event, attempt) => (event.type === 'reservation.held' && attempt <= 2 ? 500 : 200));
    const r = await book();
    await deliverUntil('held after two 500s', () => receiver.deliveredOf(r.id).length === 1, { stepMs: 10_000 });
    const tries = receiver.attempts.filter((a) => a.rid === r.id);
    assert.deepEqual(tries.map((a) => a.status), [500, 500, 200]);
    assert.equal(new Set(tries.map((a) => a.id)).size, 1, 'the same id on every attempt');
    assert.equal(new Set(tries.map((a) => a.raw)).size, 1, 'the same body on every attempt');
    receiver.setBehaviour(() => 200);
  });

  it('a lost answer makes a duplicate, which the receiver drops by id', async () => {
    receiver.setBehaviour((event, attempt) => (attempt === 1 ? 'drop' : 200));
    const r = await book();
    await deliverUntil('held, again after the lost answer', () => receiver.deliveredOf(r.id).length === 1, { stepMs: 10_000 });
    const tries = receiver.attempts.filter((a) => a.rid === r.id);
    assert.deepEqual(tries.map((a) => a.status), ['drop', 200]);
    assert.equal(tries[0].id, tries[1].id);
    // The app processed it once.
    assert.equal([...receiver.processed.values()].filter((p) => p.event.data.reservation.id === r.id).length, 1);
    receiver.setBehaviour(() => 200);
  });

  it('per reservation, held is delivered before confirmed, even when held fails first', async () => {
    let holdBack = true;
    receiver.setBehaviour((event) => (event.type === 'reservation.held' && holdBack ? 503 : 200));
    const r = await book();
    await notifyOnce();
    await payCard(r);
    // Runs while held keeps failing: confirmed must wait behind it.
    for (let i = 0; i < 4; i++) {
      s.advance(30_000);
      await s.host.notify();
    }
    assert.ok(receiver.attempts.some((a) => a.rid === r.id && a.type === 'reservation.held' && a.status === 503));
    assert.equal(receiver.attempts.filter((a) => a.rid === r.id && a.type === 'reservation.confirmed').length, 0, 'confirmed went out before held');

    holdBack = false;
    await deliverUntil('held then confirmed', () => receiver.deliveredOf(r.id).length === 2, { stepMs: 60_000 });
    assert.deepEqual(receiver.deliveredOf(r.id).map((a) => a.type), ['reservation.held', 'reservation.confirmed']);
  });
});

// ---- a host killed between the commit and the delivery -------------------------------

const ADMIN_TOKEN = 'ntf-crash-admin-token-0123456789';
const STRIPE_KEY = 'sk_test_ntf_crash';

/** Starts the CLI on the SQLite file `dbPath`, delivering notifications to `notifyUrl`. */
function startHost(name, dbPath, emulatorUrl, notifyUrl) {
  return startCliHost(name, {
    SLOTGUARD_DB: dbPath,
    SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_API_BASE: emulatorUrl,
    SLOTGUARD_NOTIFY_URL: notifyUrl,
    SLOTGUARD_NOTIFY_SECRET: `${NOTIFY_SECRET},${OLD_SECRET}`,
    SLOTGUARD_NOTIFY_INTERVAL_MS: '200',
  });
}

describe(`notifications survive a host killed between commit and delivery (${WASM}, SQLite, CLI)`, () => {
  let dir;
  let emulator;
  let emulatorUrl;
  let receiver;
  let host;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slotguard-ntf-crash-'));
    emulator = createEmulator({ apiKey: STRIPE_KEY, webhookSecret: 'whsec_ntf_crash', autoExpire: false });
    emulatorUrl = await emulator.start(0);
    receiver = startReceiver();
    await receiver.up();
  });

  after(async () => {
    await stopHost(host, 'SIGKILL');
    await emulator?.stop();
    await receiver?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the notification committed with the hold is delivered after the restart, with the same id', async () => {
    const dbPath = join(dir, 'slotguard.db');
    // The first delivery reaches the app, which never answers: the host is killed
    // while it waits, so the outbox still holds the notification.
    receiver.setBehaviour(() => 'hang');
    host = await startHost('first', dbPath, emulatorUrl, receiver.url);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const put = await request(host.url, 'PUT', `/v1/events/${EVENT_ID}`, {
      headers: admin,
      body: { expert_id: 'crash-expert', title: 'Consultation', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } },
    });
    assert.equal(put.status, 201, put.text);
    const start = new Date(Math.floor(Date.now() / DAY) * DAY + 3 * DAY + 10 * 60 * MINUTE).toISOString().replace('.000Z', 'Z');
    const booked = await request(host.url, 'POST', '/v1/reservations', {
      body: { event_id: EVENT_ID, start, guest: { email: 'crash@example.com', name: 'Crash Guest' } },
    });
    assert.equal(booked.status, 201, booked.text);
    const rid = booked.json.reservation.id;

    const hung = await waitFor('the first delivery attempt', () => receiver.attempts.find((a) => a.rid === rid));
    assert.equal(hung.status, 'hang');
    await stopHost(host, 'SIGKILL');
    assert.equal(receiver.deliveredOf(rid).length, 0);

    receiver.setBehaviour(() => 200);
    host = await startHost('restarted', dbPath, emulatorUrl, receiver.url);
    await waitFor('the delivery after the restart', () => receiver.deliveredOf(rid).length > 0, { limitMs: 90_000 });
    const [done] = receiver.deliveredOf(rid);
    assert.equal(done.type, 'reservation.held');
    assert.equal(done.id, hung.id, 'the same id as the attempt the crash interrupted');
    assert.equal(done.raw, hung.raw);
    assert.equal(done.event.data.reservation.id, rid);
    assert.equal(done.event.data.reservation.status, 'pending_payment');

    await stopHost(host);
  });
});
