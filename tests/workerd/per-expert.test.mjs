// Durable Objects per expert (SLOTGUARD_DO_MODE = "per-expert") in workerd: requests
// reach the object of their expert (through the directory for event and reservation
// ids), a storm over several experts keeps one winner per slot with every key in its
// expert's object, webhooks apply in the reservation's object, a lost directory entry
// is found again, and the sweep visits every object.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { shardOf } from '../../host-shims/cloudflare/src/per-expert.js';
import { ADMIN_TOKEN, PROBE, eventBody, reservationBody, slot, startEmulator, startWebhookTap, startWorker, waitForLog } from './helpers.mjs';

const EXPERTS = ['px-ada', 'px-bob', 'px-cyd', 'px-dee'];
const obj = (expert) => `slotguard/expert/${expert}`;
const dirObj = (id) => `slotguard/directory/${shardOf(id)}`;

describe('Durable Objects per expert', () => {
  let w;
  let stripe;
  let tap;
  before(async () => {
    stripe = await startEmulator();
    w = await startWorker({
      store: 'durable_object',
      script: PROBE,
      stripeBase: stripe.url,
      bindings: { SLOTGUARD_DO_MODE: 'per-expert', SLOTGUARD_LOG_LEVEL: 'info' },
    });
    tap = await startWebhookTap(new URL('/v1/stripe/webhook', w.url).href);
    stripe.emulator.setWebhookEndpoint(tap.url);
  });
  after(async () => {
    await stripe?.emulator.stop();
    await tap?.close();
    await w?.close();
  });

  async function probe(op, args) {
    const res = await w.mf.dispatchFetch(`${w.url}__probe/object/${op}`, { method: 'POST', body: JSON.stringify(args) });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }
  const versionIn = async (name, key) => (await probe('read', { name, keys: [key] })).items[0].version;
  const valueIn = async (name, key) => (await probe('read', { name, keys: [key] })).items[0].value;

  test('events: PUT claims the id for its expert; GET, slots and listings reach that object', async () => {
    for (const e of EXPERTS) {
      const put = await w.request('PUT', `/v1/events/ev-${e}`, { admin: true, body: eventBody(e) });
      assert.equal(put.status, 201, put.text);
    }
    for (const e of EXPERTS) {
      assert.ok((await versionIn(obj(e), `event/ev-${e}`)) > 0, 'the event lives in its expert object');
      for (const other of EXPERTS.filter((x) => x !== e)) assert.equal(await versionIn(obj(other), `event/ev-${e}`), 0);
      assert.equal(await versionIn('slotguard/unrouted', `event/ev-${e}`), 0);
      assert.equal(await valueIn(dirObj(`ev-${e}`), `dir/event/ev-${e}`), e);
      assert.ok((await versionIn(dirObj(e), `dir/expert/${e}`)) > 0, 'the expert is listed for the sweep');

      const got = await w.request('GET', `/v1/events/ev-${e}`);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.body.event.expert_id, e);
      const slots = await w.request('GET', `/v1/events/ev-${e}/slots?from=${slot(3, 0)}&to=${slot(4, 0)}`);
      assert.equal(slots.status, 200, slots.text);
      const listed = await w.request('GET', `/v1/events?expert_id=${e}`);
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(JSON.stringify(listed.body).match(/ev-px-[a-z]+/g).filter((x, i, a) => a.indexOf(x) === i), [`ev-${e}`]);
    }
    // Replacing it for the same expert is fine; moving it to another is refused.
    assert.equal((await w.request('PUT', `/v1/events/ev-${EXPERTS[0]}`, { admin: true, body: eventBody(EXPERTS[0], { title: 'Renamed' }) })).status, 200);
    const moved = await w.request('PUT', `/v1/events/ev-${EXPERTS[0]}`, { admin: true, body: eventBody(EXPERTS[1]) });
    assert.equal(moved.status, 409, moved.text);
    assert.equal(moved.body.error.code, 'event_expert_fixed');
    // Without the admin token nothing is claimed: the core answers 401.
    const anon = await w.request('PUT', '/v1/events/ev-anon', { body: eventBody('px-eve') });
    assert.equal(anon.status, 401);
    assert.equal(await versionIn(dirObj('ev-anon'), 'dir/event/ev-anon'), 0);
    // A PUT the core refuses leaves no claim behind.
    const bad = await w.request('PUT', '/v1/events/ev-bad', { admin: true, body: eventBody('px-eve', { duration_minutes: -5 }) });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(await versionIn(dirObj('ev-bad'), 'dir/event/ev-bad'), 0);
    // Unknown ids are answered by the core, as in the single-object mode.
    assert.equal((await w.request('GET', '/v1/events/ev-nobody')).status, 404);
    assert.equal((await w.request('POST', '/v1/reservations', { body: reservationBody('ev-nobody', slot(5, 9)) })).status, 404);
    assert.equal((await w.request('GET', '/v1/reservations/rsv_00112233445566778899aabbccddeeff')).status, 404);
  });

  test('a storm over 4 experts: one winner per hot slot, every spread booking, each key in its expert object', async () => {
    stripe.emulator.reset();
    const HOT = 40;
    const SPREAD = 10;
    const hot = slot(6, 9);
    const requests = [];
    for (const e of EXPERTS) {
      for (let n = 0; n < HOT; n++) requests.push({ e, kind: 'hot', body: reservationBody(`ev-${e}`, hot, n) });
      for (let n = 0; n < SPREAD; n++) requests.push({ e, kind: 'spread', body: reservationBody(`ev-${e}`, slot(7, 10 + Math.floor(n / 2), (n % 2) * 30), 100 + n) });
    }
    const answers = await Promise.all(requests.map((r) => w.request('POST', '/v1/reservations', { body: r.body })));
    for (const e of EXPERTS) {
      const tagged = requests.map((r, i) => ({ ...r, answer: answers[i] })).filter((r) => r.e === e);
      const mine = tagged.map((r) => r.answer);
      const hotOnes = tagged.filter((r) => r.kind === 'hot').map((r) => r.answer);
      const spreadOnes = tagged.filter((r) => r.kind === 'spread').map((r) => r.answer);
      assert.equal(hotOnes.filter((a) => a.status === 201).length, 1, `${e}: one winner on the hot slot`);
      assert.equal(hotOnes.filter((a) => a.status === 409).length, HOT - 1, `${e}: ${JSON.stringify(hotOnes.find((a) => a.status !== 201 && a.status !== 409)?.text)}`);
      assert.ok(spreadOnes.every((a) => a.status === 201), `${e}: ${JSON.stringify(spreadOnes.find((a) => a.status !== 201)?.text)}`);
      for (const a of mine.filter((x) => x.status === 201)) {
        const rid = a.body.reservation.id;
        assert.ok((await versionIn(obj(e), `rsv/${rid}`)) > 0);
        for (const other of EXPERTS.filter((x) => x !== e)) assert.equal(await versionIn(obj(other), `rsv/${rid}`), 0);
        assert.equal(await valueIn(dirObj(rid), `dir/rsv/${rid}`), e);
        assert.ok((await versionIn(obj(e), `cs/${a.body.reservation.checkout_session_id}`)) > 0, 'the session index is in the same object');
      }
      const list = await w.request('GET', `/v1/reservations?expert_id=${e}&from=${slot(6, 0)}&to=${slot(8, 0)}`, { admin: true });
      assert.equal(list.status, 200, list.text);
      assert.equal(list.body.reservations.length, 1 + SPREAD);
    }
    // Only winners reached Stripe: one Checkout Session per 201.
    assert.equal(stripe.emulator.stats().api_calls.by_route['POST /v1/checkout/sessions'], EXPERTS.length * (1 + SPREAD));
  });

  test('Idempotency-Key: the replay comes from the expert object that holds the record', async () => {
    const e = EXPERTS[2];
    const headers = { 'idempotency-key': 'px-idem-1' };
    const body = reservationBody(`ev-${e}`, slot(9, 11), 7);
    const first = await w.request('POST', '/v1/reservations', { body, headers });
    assert.equal(first.status, 201, first.text);
    const again = await w.request('POST', '/v1/reservations', { body, headers });
    assert.ok(again.status === 200 || again.status === 201, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.reservation.id, first.body.reservation.id);
    const { items } = await probe('list', { name: obj(e), start: 'idem/', end: 'idem0' });
    assert.ok(items.length >= 1, 'the idempotency record is in the expert object');
  });

  test('webhooks: applied in the reservation object, once; DELETE routes through the directory', async () => {
    const e = EXPERTS[1];
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${e}`, slot(10, 9), 1) });
    assert.equal(made.status, 201, made.text);
    const { id, checkout_session_id: sid } = made.body.reservation;
    const paid = await fetch(`${stripe.url}/v1/test_helpers/checkout/sessions/${sid}/pay`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_workerd', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=card',
    });
    assert.equal(paid.status, 200);
    await stripe.emulator.webhooks.idle();
    const completed = tap.deliveries.find((d) => d.event?.type === 'checkout.session.completed' && d.event.data.object.id === sid);
    assert.equal(completed.status, 200, completed.text);
    assert.equal(JSON.parse(completed.text).duplicate, false);
    assert.ok((await versionIn(obj(e), `whevt/${completed.event.id}`)) > 0, 'the event record is in the expert object');
    assert.equal(await versionIn('slotguard/unrouted', `whevt/${completed.event.id}`), 0);
    assert.equal((await w.request('GET', `/v1/reservations/${id}`)).body.reservation.status, 'confirmed');
    const dup = await w.request('POST', '/v1/stripe/webhook', {
      body: new Uint8Array(completed.raw),
      headers: { 'content-type': 'application/json', 'stripe-signature': completed.signature },
    });
    assert.equal(dup.status, 200);
    assert.equal(dup.body.duplicate, true);

    // DELETE of another reservation of the same expert releases it there.
    const other = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${e}`, slot(10, 11), 2) });
    const del = await w.request('DELETE', `/v1/reservations/${other.body.reservation.id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal((await w.request('GET', `/v1/reservations/${other.body.reservation.id}`)).body.reservation.status, 'released');
  });

  test('a reservation whose directory entry was lost is found in its object, and the entry written again', async () => {
    const e = EXPERTS[3];
    const made = await w.request('POST', '/v1/reservations', { body: reservationBody(`ev-${e}`, slot(11, 9), 3) });
    assert.equal(made.status, 201, made.text);
    const rid = made.body.reservation.id;
    // As if the Worker had stopped between the object's commit and the directory write.
    const v = await versionIn(dirObj(rid), `dir/rsv/${rid}`);
    await probe('commit', { name: dirObj(rid), checks: [{ key: `dir/rsv/${rid}`, version: v }], mutations: [{ op: 'delete', key: `dir/rsv/${rid}` }] });
    assert.equal(await versionIn(dirObj(rid), `dir/rsv/${rid}`), 0);
    const got = await w.request('GET', `/v1/reservations/${rid}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(await valueIn(dirObj(rid), `dir/rsv/${rid}`), e);
  });

  test('working hours, busy blocks and reschedules reach the expert object that decides holds', async () => {
    const expert = 'px-eve';
    assert.equal((await w.request('PUT', '/v1/events/ev-hours', { admin: true, body: eventBody(expert) })).status, 201);
    const hours = { time_zone: 'UTC', weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '10:00']]])) };
    assert.equal((await w.request('PUT', `/v1/experts/${expert}/availability`, { admin: true, body: hours })).status, 201);
    assert.ok((await versionIn(obj(expert), `avail/${expert}`)) > 0, 'the hours live in the expert object');
    const outside = await w.request('POST', '/v1/reservations', { body: reservationBody('ev-hours', slot(2, 15), 1) });
    assert.equal(outside.status, 422, outside.text);
    const held = await w.request('POST', '/v1/reservations', { body: reservationBody('ev-hours', slot(2, 9), 2) });
    assert.equal(held.status, 201, held.text);
    const moved = await w.request('POST', `/v1/reservations/${held.body.reservation.id}/reschedule`, { body: { start: slot(2, 9, 30) } });
    assert.equal(moved.status, 200, moved.text);
    const busy = await w.request('PUT', `/v1/experts/${expert}/busy/b1`, { admin: true, body: { start: slot(2, 9), end: slot(2, 10) } });
    assert.equal(busy.status, 201, busy.text);
    assert.deepEqual(busy.body.overlapping_reservations, [held.body.reservation.id]);
  });

  test('the sweep and the cron reach every expert object and the unrouted one', async () => {
    const swept = await w.request('POST', '/v1/maintenance/sweep', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(swept.status, 200, swept.text);
    // every expert that ever had an event claimed (px-eve's failed PUT listed it too) + unrouted
    assert.ok(swept.body.objects >= EXPERTS.length + 1, swept.text);
    assert.equal(typeof swept.body.released, 'number');
    const denied = await w.request('POST', '/v1/maintenance/sweep', {});
    assert.equal(denied.status, 401);

    const worker = await w.mf.getWorker();
    const result = await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
    assert.equal(result.outcome, 'ok');
    const fan = await waitForLog(w, (l) => l.event === 'scheduled_fan_out');
    assert.equal(fan.failed, 0);
    for (const e of EXPERTS) assert.ok(await waitForLog(w, (l) => l.event === 'scheduled_sweep' && l.object === obj(e)), `swept ${e}`);
    assert.ok(await waitForLog(w, (l) => l.event === 'scheduled_sweep' && l.object === 'slotguard/unrouted'));
  });
});
