// A trap kills the module instance: the requests in flight on it get 500, the host
// starts a fresh instance and keeps serving, and nothing committed is lost (it lives
// in the store, not in the instance).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore } from '../../host-shims/node/src/index.js';
import { trapForTest } from '../../host-shims/node/src/test-hooks.js';
import { WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

/** A memory store whose reads can be held at a gate, to keep requests in flight. */
function gatedStore() {
  const inner = createMemoryStore();
  let gate = null;
  const held = [];
  let onHeld = () => {};
  return {
    kind: 'memory-gated',
    async read(keys) {
      if (gate) {
        held.push(keys);
        onHeld();
        await gate.promise;
      }
      return inner.read(keys);
    },
    list: (...a) => inner.list(...a),
    commit: (...a) => inner.commit(...a),
    close() {
      gate?.open();
      gate = null;
    },
    hold() {
      let open;
      const promise = new Promise((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = null;
    },
    /** Resolves once `n` reads are waiting at the gate. */
    waitHeld(n) {
      return new Promise((resolve) => {
        onHeld = () => held.length >= n && resolve();
        onHeld();
      });
    },
    held,
  };
}

describe(`trap recovery (${WASM})`, () => {
  let s;
  let store;
  before(async () => {
    store = gatedStore();
    s = await startStack({ store });
    assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('trap'), headers: s.admin })).status, 201);
  });
  after(() => s.stop());

  it('answers 500 to requests in flight, then keeps serving with committed data intact', async () => {
    const committed = await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, 9, 0), guest: guest(1) } });
    assert.equal(committed.status, 201);
    const id = committed.json.reservation.id;
    const generation = s.host.stats().generation;

    // Five requests suspended inside the module, each waiting for a store read.
    store.hold();
    const inFlight = [
      s.call('GET', `/v1/reservations/${id}`),
      s.call('GET', '/v1/events/intro'),
      ...[10, 11, 12].map((h) => s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, h, 0), guest: guest(h) } })),
    ];
    await store.waitHeld(5);
    assert.equal(s.host.stats().tasks, 5);

    assert.equal(await trapForTest(s.host), true, 'the module really trapped');
    const answers = await Promise.all(inFlight);
    for (const a of answers) {
      assert.equal(a.status, 500, a.text);
      assert.equal(a.json.error.code, 'internal_error');
    }
    // The reads the dead instance was waiting for finish now; nobody resumes them.
    store.release();

    assert.equal((await s.call('GET', '/healthz')).status, 200);
    const again = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(again.status, 200);
    assert.equal(again.json.reservation.status, 'pending_payment');
    assert.equal(again.json.reservation.guest.email, guest(1).email);

    // The slot the trapped requests wanted is still bookable; the committed one is not.
    assert.equal((await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, 10, 0), guest: guest(20) } })).status, 201);
    assert.equal((await s.call('POST', '/v1/reservations', { body: { event_id: 'intro', start: slot(1, 9, 0), guest: guest(21) } })).status, 409);

    const stats = s.host.stats();
    assert.equal(stats.traps, 1);
    assert.equal(stats.generation, generation + 1, 'exactly one fresh instance');
    // A real WebAssembly trap, not a simulated one.
    const trapped = s.logs.find((l) => l.event === 'instance_trapped');
    assert.match(trapped.error, /memory access out of bounds/);
  });

  it('survives repeated traps', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await trapForTest(s.host), true);
    assert.equal((await s.call('GET', '/v1/events/intro')).status, 200);
  });
});
