// When what the core depends on fails: Stripe unreachable or too slow -> 503
// payment_provider_unavailable with Retry-After, and the hold stays for the retry with
// the same Idempotency-Key (Stripe may yet have created the session); the store
// failing -> 503 with Retry-After and nothing changed. The host stays up throughout.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore } from '../../host-shims/node/src/index.js';
import { WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

/** A port nothing listens on: bind one, then let it go. */
async function deadPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(`Stripe unreachable (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack({ emulator: false, stripeApiBase: `http://127.0.0.1:${await deadPort()}` });
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('nostripe'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  it('answers 503 payment_provider_unavailable with Retry-After and keeps the hold', async () => {
    const start = slot(1, 9, 0);
    const headers = { 'Idempotency-Key': 'unreachable-1' };
    const res = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: guest(1) }, headers });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.error.code, 'payment_provider_unavailable');
    assert.ok(res.headers['retry-after']);

    const slots = await s.call('GET', `/v1/events/intro/slots?from=${start}&to=${slot(1, 9, 30)}`);
    assert.deepEqual(slots.json.slots.map((x) => x.available), [false]);

    // Held: someone else gets 409 without reaching Stripe; the retry tries Stripe again.
    const rival = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: guest(2) } });
    assert.equal(rival.status, 409);
    const again = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: guest(1) }, headers });
    assert.equal(again.status, 503);
  });

  it('logs the failure without guest data', () => {
    const text = JSON.stringify(s.logs);
    assert.match(text, /host_call_failed/);
    for (const secret of [guest(1).email, guest(1).name, guest(2).email]) assert.ok(!text.includes(secret));
  });
});

describe(`Stripe too slow (${WASM})`, () => {
  let s;
  let silent;
  before(async () => {
    // Accepts the request and never answers: only the timeout ends the call.
    silent = http.createServer(() => {});
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    s = await startStack({ emulator: false, stripeApiBase: `http://127.0.0.1:${silent.address().port}`, httpTimeoutMs: 200 });
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('slowstripe'), headers: s.admin })).status, 201);
  });
  after(async () => {
    await s.stop();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('times out with host status 2, answers 503 and keeps the hold for the retry', async () => {
    const start = slot(1, 9, 0);
    const res = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start, guest: guest(1) } });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.error.code, 'payment_provider_unavailable');
    assert.ok(s.logs.some((l) => l.event === 'host_call_failed' && l.op === 'http_fetch' && l.timeout === true));
    const slots = await s.call('GET', `/v1/events/intro/slots?from=${start}&to=${slot(1, 9, 30)}`);
    assert.deepEqual(slots.json.slots.map((x) => x.available), [false]);
  });
});

describe(`store failing (${WASM})`, () => {
  let s;
  let failing = false;
  before(async () => {
    const inner = createMemoryStore();
    const guard = (fn) => (...args) => (failing ? Promise.reject(new Error('disk on fire')) : fn(...args));
    s = await startStack({ store: { read: guard(inner.read), list: guard(inner.list), commit: guard(inner.commit) } });
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('nostore'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  it('answers 503 with Retry-After while the store fails, and recovers', async () => {
    failing = true;
    for (const [method, path, body] of [
      ['GET', '/v1/events/intro'],
      ['POST', '/v1/reservations', { event_id: 'intro', start: slot(1, 9, 0), guest: guest(1) }],
    ]) {
      const res = await s.call(method, path, { body });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.error.code, 'store_unavailable');
      assert.equal(res.headers['retry-after'], '1');
    }
    failing = false;
    assert.equal((await s.call('GET', '/v1/events/intro')).status, 200);
    // Nothing was held while the store failed: the slot is still there to book.
    assert.equal((await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, 9, 0), guest: guest(1) } })).status, 201);
    assert.equal(s.host.stats().traps, 0);
  });
});
