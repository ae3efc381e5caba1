// Durable Objects per expert, asked about what nobody has: no request makes an object
// for an expert nobody set up (only an admin's write for a new expert does), an unsigned
// webhook reaches no expert's object and makes no lookup, an unknown reservation id
// fans out to the expert objects once and is then remembered as unknown, distinct
// unknown ids cannot fan out past the isolate's budget (a signed webhook still can), and
// the core describes a request once when its path already names whose it is.
// Objects are observed from outside: their storage files (miniflare persists them to a
// temporary folder) and the reads the fixture's object class records.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROBE_BURST, createMissCache, createProbeBudget, shardOf } from '../../host-shims/cloudflare/src/per-expert.js';
import { ADMIN_TOKEN, PROBE, eventBody, reservationBody, slot, startEmulator, startWebhookTap, startWorker } from './helpers.mjs';

const EXPERTS = ['ux-ada', 'ux-bob', 'ux-cyd'];
const obj = (expert) => `slotguard/expert/${expert}`;
const dirObj = (id) => `slotguard/directory/${shardOf(id)}`;
const unknownRid = () => `rsv_${randomBytes(22).toString('hex')}`;

/** Every file under `dir`. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [e.name]));
}

describe('Durable Objects per expert: ids nobody has', () => {
  let w;
  let stripe;
  let tap;
  let persist;
  before(async () => {
    persist = mkdtempSync(path.join(os.tmpdir(), 'slotguard-objects-'));
    stripe = await startEmulator();
    w = await startWorker({
      store: 'durable_object',
      script: PROBE,
      stripeBase: stripe.url,
      bindings: { SLOTGUARD_DO_MODE: 'per-expert', SLOTGUARD_LOG_LEVEL: 'warn' },
      miniflare: { durableObjectsPersist: persist },
    });
    tap = await startWebhookTap(new URL('/v1/stripe/webhook', w.url).href);
    stripe.emulator.setWebhookEndpoint(tap.url);
    for (const e of EXPERTS) {
      const put = await w.request('PUT', `/v1/events/ev-${e}`, { admin: true, body: eventBody(e) });
      assert.equal(put.status, 201, put.text);
    }
  });
  after(async () => {
    await stripe?.emulator.stop();
    await tap?.close();
    await w?.close();
    if (persist) rmSync(persist, { recursive: true, force: true });
  });

  async function probe(op, args) {
    const res = await w.mf.dispatchFetch(`${w.url}__probe/${op}`, { method: 'POST', body: JSON.stringify(args ?? {}) });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }
  /** Whether the object of that name was ever made (it has a storage file). */
  async function objectExists(name) {
    const { id } = await probe('object/id', { name });
    return filesUnder(persist).includes(`${id}.sqlite`);
  }
  /** Reads of `key` served by the expert objects (a probe reads rsv/<id> in each). */
  async function expertReads(key) {
    let n = 0;
    for (const e of EXPERTS) n += (await probe('object/reads', { name: obj(e), key })).reads;
    return n;
  }
  const versionIn = async (name, key) => (await probe('object/read', { name, keys: [key] })).items[0].version;

  test('no object for an expert nobody set up, whoever asks and however', async () => {
    const ghost = 'ux-ghost';
    const range = `from=${slot(1, 0)}&to=${slot(2, 0)}`;
    const asked = [
      ['GET', `/v1/events?expert_id=${ghost}`, {}],
      ['GET', `/v1/reservations?expert_id=${ghost}&${range}`, { admin: true }],
      ['GET', `/v1/experts/${ghost}/availability`, { admin: true }],
      ['DELETE', `/v1/experts/${ghost}/availability`, { admin: true }],
      ['GET', `/v1/experts/${ghost}/busy?${range}`, { admin: true }],
      ['DELETE', `/v1/experts/${ghost}/busy/b1`, { admin: true }],
      ['PUT', `/v1/experts/${ghost}/availability`, { body: { time_zone: 'UTC', weekly: {} } }], // no token
      ['PUT', `/v1/events/ev-ghost`, { body: eventBody(ghost) }], // no token
      ['GET', '/v1/events/ev-ghost', {}],
      ['GET', `/v1/events/ev-ghost/slots?${range}`, {}],
      ['POST', '/v1/reservations', { body: reservationBody('ev-ghost', slot(3, 9)) }],
      ['GET', `/v1/reservations/${unknownRid()}`, {}],
      ['DELETE', `/v1/reservations/${unknownRid()}`, {}],
    ];
    for (const [method, pathname, o] of asked) {
      const res = await w.request(method, pathname, o);
      assert.ok(res.status < 500, `${method} ${pathname}: ${res.status} ${res.text}`);
      assert.equal(await objectExists(obj(ghost)), false, `${method} ${pathname} made an object for ${ghost}`);
    }
    // The admin's write for a new expert makes their object and lists it for the sweep;
    // their reads then reach it.
    const fresh = 'ux-new';
    const hours = { time_zone: 'UTC', weekly: { mon: [['09:00', '10:00']] } };
    const put = await w.request('PUT', `/v1/experts/${fresh}/availability`, { admin: true, body: hours });
    assert.equal(put.status, 201, put.text);
    assert.equal(await objectExists(obj(fresh)), true);
    assert.ok((await versionIn(dirObj(fresh), `dir/expert/${fresh}`)) > 0, 'the new expert is listed');
    const got = await w.request('GET', `/v1/experts/${fresh}/availability`, { admin: true });
    assert.equal(got.status, 200, got.text);
    assert.equal((await w.request('GET', `/v1/events?expert_id=${fresh}`)).status, 200);
  });

  test('an unsigned or mis-signed webhook reaches no expert object and looks nothing up', async () => {
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${EXPERTS[0]}`, slot(4, 9), 1) });
    assert.equal(made.status, 201, made.text);
    const known = made.body.reservation.id;
    const nobody = unknownRid();
    const dirReadsBefore = (await probe('object/reads', { name: dirObj(known), key: `dir/rsv/${known}` })).reads;
    for (const rid of [known, nobody]) {
      const event = {
        id: `evt_${randomBytes(8).toString('hex')}`,
        type: 'checkout.session.completed',
        data: { object: { id: `cs_test_${randomBytes(8).toString('hex')}`, client_reference_id: rid, metadata: { reservation_id: rid } } },
      };
      for (const signature of [undefined, 't=1,v1=00', `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}`]) {
        const headers = { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) };
        const res = await w.request('POST', '/v1/stripe/webhook', { body: JSON.stringify(event), headers });
        assert.equal(res.status, 400, res.text);
        assert.equal(await versionIn(obj(EXPERTS[0]), `whevt/${event.id}`), 0);
      }
    }
    assert.equal((await probe('object/reads', { name: dirObj(known), key: `dir/rsv/${known}` })).reads, dirReadsBefore, 'no directory lookup');
    assert.equal(await expertReads(`rsv/${nobody}`), 0, 'no probe of the expert objects');
  });

  test('an unknown reservation id is asked of every expert object once, then remembered as unknown', async () => {
    const rid = unknownRid();
    for (let i = 0; i < 5; i++) {
      const res = await w.request('GET', `/v1/reservations/${rid}`);
      assert.equal(res.status, 404, res.text);
    }
    assert.equal(await expertReads(`rsv/${rid}`), EXPERTS.length);
  });

  test('distinct unknown ids cannot fan out past the isolate budget; known ids are still served', async () => {
    const rids = Array.from({ length: PROBE_BURST + 12 }, unknownRid);
    const answers = [];
    for (const rid of rids) answers.push(await w.request('GET', `/v1/reservations/${rid}`));
    const probed = answers.filter((a) => a.status === 404).length;
    const refused = answers.filter((a) => a.status === 503);
    assert.equal(probed + refused.length, rids.length, JSON.stringify(answers.map((a) => a.status)));
    assert.ok(probed <= PROBE_BURST, `${probed} probes`);
    assert.ok(refused.length >= 10, `${refused.length} refused`);
    for (const r of refused) {
      assert.equal(r.body.error.code, 'store_unavailable');
      assert.ok(Number(r.headers.get('retry-after')) >= 1, r.headers.get('retry-after'));
    }
    let reads = 0;
    for (const rid of rids) reads += await expertReads(`rsv/${rid}`);
    assert.equal(reads, probed * EXPERTS.length);
    // A reservation the directory knows needs no probe, budget or not.
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${EXPERTS[1]}`, slot(4, 10), 2) });
    assert.equal(made.status, 201, made.text);
    assert.equal((await w.request('GET', `/v1/reservations/${made.body.reservation.id}`)).status, 200);
  });

  test('a signed webhook still finds a reservation whose directory entry was lost, with the budget spent', async () => {
    const e = EXPERTS[2];
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${e}`, slot(5, 9), 3) });
    assert.equal(made.status, 201, made.text);
    const { id: rid, checkout_session_id: sid } = made.body.reservation;
    const v = await versionIn(dirObj(rid), `dir/rsv/${rid}`);
    await probe('object/commit', { name: dirObj(rid), checks: [{ key: `dir/rsv/${rid}`, version: v }], mutations: [{ op: 'delete', key: `dir/rsv/${rid}` }] });
    // The budget spent (by the test above, and again here should a probe have come due
    // since): a guest asking is told to retry.
    for (let n = 0; n <= PROBE_BURST && (await w.request('GET', `/v1/reservations/${unknownRid()}`)).status !== 503; n++);
    const asked = await w.request('GET', `/v1/reservations/${rid}`);
    assert.equal(asked.status, 503, asked.text);
    const paid = await fetch(`${stripe.url}/v1/test_helpers/checkout/sessions/${sid}/pay`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_workerd', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=card',
    });
    assert.equal(paid.status, 200);
    await stripe.emulator.webhooks.idle();
    const completed = tap.deliveries.find((d) => d.event?.type === 'checkout.session.completed' && d.event.data.object.id === sid);
    assert.equal(completed?.status, 200, completed?.text);
    assert.ok((await versionIn(obj(e), `whevt/${completed.event.id}`)) > 0, 'applied in the expert object');
    assert.equal((await probe('object/read', { name: dirObj(rid), keys: [`dir/rsv/${rid}`] })).items[0].value, e, 'the entry is written again');
    const got = await w.request('GET', `/v1/reservations/${rid}`);
    assert.equal(got.body.reservation.status, 'confirmed', got.text);
  });

  test('the core describes a request once when its path or query names whose it is', async () => {
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${EXPERTS[0]}`, slot(6, 9), 4) });
    assert.equal(made.status, 201, made.text);
    const rid = made.body.reservation.id;
    await stripe.emulator.webhooks.idle(); // no delivery of an earlier test's is described meanwhile
    const described = async (method, pathname, o = {}) => {
      const before = (await probe('describes')).described;
      const res = await w.request(method, pathname, o);
      assert.ok(res.status < 500, res.text);
      return (await probe('describes')).described - before;
    };
    assert.equal(await described('GET', `/v1/events/ev-${EXPERTS[0]}`), 1);
    assert.equal(await described('GET', `/v1/events?expert_id=${EXPERTS[0]}`), 1);
    assert.equal(await described('GET', `/v1/reservations/${rid}`), 1);
    assert.equal(await described('GET', `/v1/experts/${EXPERTS[0]}/availability`, { admin: true }), 1);
    assert.equal(await described('DELETE', `/v1/experts/${EXPERTS[0]}/busy/none`, { admin: true }), 1);
    assert.equal(await described('GET', '/healthz'), 1);
    // A hold names its event in the body: the limits are known only from the route
    // (asked before the body is read), its expert only from the body.
    assert.equal(await described('POST', '/v1/reservations', { body: reservationBody(`ev-${EXPERTS[0]}`, slot(6, 10), 5) }), 2);
    assert.equal(await described('POST', '/v1/maintenance/sweep', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 1);
  });
});

describe('per-expert lookups: the probe budget and the memory of unknown ids', () => {
  test('the budget allows a burst, then one probe per refill period', () => {
    let now = 0;
    const budget = createProbeBudget({ burst: 3, refillMs: 1000, now: () => now });
    assert.deepEqual([budget.take(), budget.take(), budget.take()], [0, 0, 0]);
    assert.equal(budget.take(), 1000);
    now = 400;
    assert.equal(budget.take(), 600);
    now = 1000;
    assert.equal(budget.take(), 0);
    assert.equal(budget.take(), 1000);
    now = 10_000; // never more than the burst saved up
    assert.deepEqual([budget.take(), budget.take(), budget.take(), budget.take() > 0], [0, 0, 0, true]);
  });

  test('unknown ids are remembered for a while, and only so many of them', () => {
    let now = 0;
    const misses = createMissCache({ ttlMs: 1000, size: 2, now: () => now });
    misses.add('a');
    assert.equal(misses.has('a'), true);
    now = 999;
    assert.equal(misses.has('a'), true);
    now = 1000;
    assert.equal(misses.has('a'), false);
    misses.add('b');
    misses.add('c');
    misses.add('d'); // the oldest goes
    assert.deepEqual(['b', 'c', 'd'].map((id) => misses.has(id)), [false, true, true]);
  });
});
