// Idempotency-Key on POST /v1/reservations: a replay returns the same reservation and
// makes no second hold or session; the same key with another body is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WASM, eventBody, guest, slot, startStack, stripeCalls } from './support/harness.mjs';

describe(`idempotency (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('idem'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  const post = (body, key) => s.call('POST', '/v1/reservations', { body, headers: { 'idempotency-key': key } });

  it('same key and body: the same reservation, replayed', async () => {
    const body = { event_id: 'intro', start: slot(1, 9, 0), guest: guest(1) };
    const first = await post(body, 'key-replay-1');
    assert.equal(first.status, 201, first.text);
    const sessionsBefore = stripeCalls(s.emulator, 'POST /v1/checkout/sessions');

    // Key order and whitespace do not make a different request.
    const reordered = `{ "guest": ${JSON.stringify(guest(1))},  "start": "${body.start}", "event_id": "intro" }`;
    const second = await post(reordered, 'key-replay-1');
    assert.equal(second.status, 201, second.text);
    assert.equal(second.json.reservation.id, first.json.reservation.id);
    assert.equal(second.json.checkout_url, first.json.checkout_url);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(stripeCalls(s.emulator, 'POST /v1/checkout/sessions'), sessionsBefore, 'no new session');
  });

  it('same key, different body: 422 idempotency_key_reused', async () => {
    const first = await post({ event_id: 'intro', start: slot(1, 10, 0), guest: guest(2) }, 'key-reuse-1');
    assert.equal(first.status, 201);
    const other = await post({ event_id: 'intro', start: slot(1, 11, 0), guest: guest(2) }, 'key-reuse-1');
    assert.equal(other.status, 422);
    assert.equal(other.json.error.code, 'idempotency_key_reused');
  });

  it('concurrent requests with one key make one reservation', async () => {
    const body = { event_id: 'intro', start: slot(1, 12, 0), guest: guest(3) };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(body, 'key-concurrent-1')));
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.json.reservation.id));
    assert.equal(ids.size, 1, JSON.stringify(answers.map((a) => a.status)));
    for (const a of answers) assert.ok([201, 503].includes(a.status), a.text); // 503 = retry later, never a second hold
  });

  it('different keys for the same slot: the second is a conflict, not a replay', async () => {
    const body = { event_id: 'intro', start: slot(1, 13, 0), guest: guest(4) };
    assert.equal((await post(body, 'key-a')).status, 201);
    const res = await post(body, 'key-b');
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'slot_unavailable');
  });
});
