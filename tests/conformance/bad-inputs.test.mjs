// Hostile and broken input: every one gets a clean 4xx in the core's error shape, and
// none of them disturbs the host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

describe(`bad inputs (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('bad'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  const post = (body, headers) => s.call('POST', '/v1/reservations', { body, headers });
  const valid = (overrides = {}) => ({ event_id: 'intro', start: slot(1, 9, 0), guest: guest(1), ...overrides });

  function assertError(res, status, code) {
    assert.equal(res.status, status, res.text);
    assert.equal(res.json?.error?.code, code, res.text);
    assert.match(res.headers['content-type'], /application\/json/);
  }

  it('malformed JSON: 400 invalid_json', async () => {
    assertError(await post('{"event_id": "intro",'), 400, 'invalid_json');
    assertError(await post('not json at all'), 400, 'invalid_json');
    assertError(await post('[1, 2, 3]'), 400, 'invalid_json'); // not an object
    assertError(await post(''), 400, 'invalid_json');
  });

  it('wrong types and missing fields: 422 validation_failed', async () => {
    for (const body of [
      valid({ start: 1234567890 }),
      valid({ event_id: 42 }),
      valid({ guest: 'someone' }),
      valid({ guest: { email: 'not-an-email', name: 'X' } }),
      valid({ guest: { email: 'a@b.co', name: '' } }),
      valid({ start: 'tomorrow at nine' }),
      valid({ payment_method_types: 'card' }),
      { event_id: 'intro', start: slot(1, 9, 0) }, // no guest
      { event_id: 'intro', guest: guest(1) }, // no start
      { start: slot(1, 9, 0), guest: guest(1) }, // no event
    ]) {
      assertError(await post(body), 422, 'validation_failed');
    }
  });

  it('a 2 MB body: 413 from the host, which keeps serving', async () => {
    const res = await post(Buffer.alloc(2 * 1024 * 1024, 0x20));
    assertError(res, 413, 'payload_too_large');
    assert.equal((await s.call('GET', '/healthz')).status, 200);
  });

  it('deeply nested JSON: 400 invalid_json, no crash', async () => {
    // Under the host's 16 KiB limit for POST /v1/reservations (and the core's 64 KiB),
    // so the parser itself has to refuse the depth.
    const deep = `${'['.repeat(8000)}${']'.repeat(8000)}`;
    assertError(await post(deep), 400, 'invalid_json');
    const deepObject = `{"event_id":"intro","x":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`; // 15 KB
    assertError(await post(deepObject), 400, 'invalid_json');
    assert.equal((await s.call('GET', '/healthz')).status, 200);
    assert.equal(s.host.stats().traps, 0);
  });

  it('invalid UTF-8 bytes: 400 invalid_json', async () => {
    const bytes = Buffer.concat([Buffer.from('{"event_id":"intro","start":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]);
    assertError(await post(bytes), 400, 'invalid_json');
  });

  it('unknown route 404, wrong method 405 with Allow', async () => {
    assertError(await s.call('GET', '/v1/nothing-here'), 404, 'not_found');
    assertError(await s.call('GET', '/'), 404, 'not_found');
    const wrong = await s.call('PATCH', '/v1/reservations');
    assertError(wrong, 405, 'method_not_allowed');
    assert.match(wrong.headers.allow, /POST/);
    assertError(await s.call('POST', '/v1/events/intro'), 405, 'method_not_allowed');
  });

  it('a misaligned start: 422 slot_not_offered; an unknown event: 404 event_not_found', async () => {
    assertError(await post(valid({ start: slot(1, 9, 10) })), 422, 'slot_not_offered');
    assertError(await post(valid({ start: slot(1, 9, 0).replace('Z', '').concat('.001Z') })), 422, 'slot_not_offered');
    assertError(await post(valid({ event_id: 'no-such-event' })), 404, 'event_not_found');
  });

  it('bad slot queries: 422', async () => {
    assertError(await s.call('GET', '/v1/events/intro/slots'), 422, 'validation_failed');
    assertError(await s.call('GET', `/v1/events/intro/slots?from=${slot(1)}&to=${slot(30)}`), 422, 'validation_failed');
  });

  it('an invalid Idempotency-Key: 400', async () => {
    assertError(await post(valid(), { 'idempotency-key': 'x'.repeat(300) }), 400, 'invalid_idempotency_key');
  });

  it('none of it trapped the module', () => {
    assert.equal(s.host.stats().traps, 0);
  });
});
