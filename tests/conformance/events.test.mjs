// Admin authentication and event types: PUT creates (201) or replaces (200), GET reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, eventBody, startStack } from './support/harness.mjs';

describe(`events (${WASM})`, () => {
  let s;
  before(async () => (s = await startStack()));
  after(() => s.stop());

  it('refuses PUT without a valid admin token (401)', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: 'Basic abc' }]) {
      const res = await s.call('PUT', '/v1/events/ev-auth', { body: eventBody('auth'), headers });
      assert.equal(res.status, 401);
      assert.equal(res.json.error.code, 'unauthorized');
    }
    assert.equal((await s.call('GET', '/v1/events/ev-auth')).status, 404, 'nothing was written');
  });

  it('creates (201), then replaces (200), and GET returns the latest', async () => {
    const created = await s.call('PUT', '/v1/events/ev-crud', { body: eventBody('crud'), headers: s.admin });
    assert.equal(created.status, 201);
    assert.equal(created.json.event.id, 'ev-crud');
    assert.equal(created.json.event.duration_minutes, 30);

    const replaced = await s.call('PUT', '/v1/events/ev-crud', {
      body: eventBody('crud', { title: 'Longer consultation', duration_minutes: 45, slot_step_minutes: 15 }),
      headers: s.admin,
    });
    assert.equal(replaced.status, 200);

    const got = await s.call('GET', '/v1/events/ev-crud');
    assert.equal(got.status, 200);
    assert.equal(got.json.event.title, 'Longer consultation');
    assert.equal(got.json.event.duration_minutes, 45);
    assert.deepEqual(got.json.event.price, { amount: 5000, currency: 'eur' });
    assert.deepEqual(got.json.event.payment_method_types, ['card', 'multibanco']);
  });

  it('answers 404 event_not_found for an unknown event', async () => {
    const res = await s.call('GET', '/v1/events/no-such-event');
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'event_not_found');
  });

  it('rejects an invalid event definition (422 validation_failed)', async () => {
    const res = await s.call('PUT', '/v1/events/ev-bad', { body: eventBody('bad', { duration_minutes: 'long' }), headers: s.admin });
    assert.equal(res.status, 422);
    assert.equal(res.json.error.code, 'validation_failed');
  });
});
