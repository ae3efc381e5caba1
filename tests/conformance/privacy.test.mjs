// Guest data (e-mail, name) is only ever shown to the holder of the reservation id:
// never in conflicts, availability, metrics, error messages or logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, eventBody, slot, startStack } from './support/harness.mjs';

const alice = { email: 'alice.private@example.org', name: 'Alice Secretname' };
const bob = { email: 'bob.private@example.org', name: 'Bob Hiddenname' };

describe(`privacy (${WASM})`, () => {
  let s;
  const seen = []; // every response body a non-holder could see
  before(async () => {
    s = await startStack();
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('priv'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  it('a full flow exposes no guest data outside GET by id', async () => {
    const start = slot(1, 9, 0);
    const first = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: alice } });
    assert.equal(first.status, 201);
    const { id, checkout_session_id } = first.json.reservation;

    const loser = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: bob } });
    assert.equal(loser.status, 409);
    seen.push(loser.text);
    seen.push((await s.call('GET', `/v1/events/intro/slots?from=${start}&to=${slot(1, 12, 0)}`)).text);
    seen.push((await s.call('GET', '/metrics')).text);
    seen.push((await s.call('GET', '/v1/reservations/rsv_not_the_real_id')).text);
    seen.push((await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: { ...bob, email: 'bad' } } })).text);

    s.emulator.pay(checkout_session_id, { method: 'card' });
    await s.emulator.webhooks.idle();
    assert.equal((await s.call('GET', `/v1/reservations/${id}`)).json.reservation.status, 'confirmed');
    seen.push((await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: bob } })).text);

    for (const body of seen)
      for (const secret of [alice.email, alice.name, bob.name, id]) assert.ok(!body.includes(secret), `leaked ${secret} in ${body.slice(0, 200)}`);
  });

  it('logs carry ids and events, never guest data', () => {
    assert.ok(s.logs.length > 5);
    assert.ok(s.logs.some((l) => l.event === 'hold_created'));
    const text = JSON.stringify(s.logs);
    for (const secret of [alice.email, alice.name, bob.email, bob.name]) assert.ok(!text.includes(secret), `log leaked ${secret}`);
    for (const l of s.logs) {
      assert.ok(['debug', 'info', 'warn', 'error'].includes(l.level));
      assert.ok(!Number.isNaN(Date.parse(l.time)));
    }
  });

  it('the holder of the id sees their own data', async () => {
    const res = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, 13, 0), guest: bob } });
    const got = await s.call('GET', `/v1/reservations/${res.json.reservation.id}`);
    assert.deepEqual(got.json.reservation.guest, bob);
  });
});
