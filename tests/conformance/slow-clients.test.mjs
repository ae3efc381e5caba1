// Slow clients and the Node host's cap on requests in flight. A client that sends its
// headers and then only part of its body must not hold a place under the cap (a few
// hundred such connections would otherwise answer everyone else 503 for as long as
// Node waits for a body), so a request counts as in flight once its body has arrived;
// a body that does not arrive within bodyTimeoutMs is answered 408 request_timeout and
// its connection closed; headers are bounded by headersTimeoutMs; and the last places
// under the cap are kept for the Stripe webhook and health checks, which must get
// through when ordinary traffic fills the rest.
//
//   SLOTGUARD_WASM=wasi|emscripten node --test tests/conformance/slow-clients.test.mjs
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createMemoryStore } from '../../host-shims/node/src/index.js';
import { createLimits } from '../../host-shims/node/src/limits.js';
import { assertMatchesContract } from './support/contract.mjs';
import { WASM, WEBHOOK_SECRET, startStack } from './support/harness.mjs';

/** A fresh socket per request: the limits must not depend on connection reuse. */
const fresh = { agent: false };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.error?.code, code, res.text);
}

/** A Stripe-Signature for `body`, signed now with the stack's webhook secret. */
function stripeSignature(body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex')}`;
}

let events = 0;
/** A signed webhook the core records (an event type it only acknowledges). */
function webhook() {
  const body = JSON.stringify({ id: `evt_slow_clients_${++events}`, type: 'customer.created', data: { object: { id: 'cus_1' } } });
  return { body, headers: { 'stripe-signature': stripeSignature(body) }, ...fresh };
}

/**
 * A raw connection that sends a request's headers and `first` of its body, then
 * stalls. `closed` resolves to everything the server wrote, once it closes the socket.
 */
function slowUpload(baseUrl, { path = '/v1/reservations', declared = 200, first = '{"event_id":', headersOnly = false } = {}) {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (text += chunk));
  socket.on('error', () => {}); // a write after the server hung up; `closed` tells
  const closed = new Promise((resolve) => socket.on('close', () => resolve(text)));
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n`;
  socket.write(headersOnly ? head : `${head}\r\n${first}`);
  return { socket, closed };
}

/** The status, lower-cased headers, body text and parsed JSON of a raw HTTP answer. */
function parseAnswer(text) {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = rest.join('\r\n\r\n');
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, json, text: body };
}

/** Resolves once `server` has handed `n` requests to its handler (and the handler has had time to admit them). */
async function requestsSeen(server, n) {
  let seen = 0;
  const count = () => seen++;
  server.on('request', count);
  try {
    const deadline = Date.now() + 5000;
    while (seen < n && Date.now() < deadline) await sleep(5);
    assert.equal(seen, n, 'the slow requests reached the handler');
    await sleep(150); // the route is described and the limits consulted asynchronously
  } finally {
    server.off('request', count);
  }
}

/** A store whose reads wait for `open()`: what it holds stays in flight meanwhile. */
function gatedStore() {
  const inner = createMemoryStore();
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  const state = { waiting: 0, open: () => open() };
  state.store = {
    read: async (keys) => {
      state.waiting++;
      await gate;
      return inner.read(keys);
    },
    list: (...a) => inner.list(...a),
    commit: (...a) => inner.commit(...a),
  };
  return state;
}

/**
 * Sends a request and waits until it either reaches the store (admitted: null) or is
 * answered without doing so (the answer).
 */
async function admittedOrAnswer(gated, send) {
  const before = gated.waiting;
  let answer = null;
  let failure = null;
  const pending = send();
  pending.then((r) => (answer = r), (error) => (failure = error));
  while (answer === null && failure === null && gated.waiting === before) await sleep(5);
  if (failure) throw failure;
  return { answer, pending };
}

describe(`slow clients and the in-flight cap (${WASM})`, () => {
  it('connections stuck mid-body do not take the cap: /healthz, a webhook and a hold still answer', async () => {
    const cap = 4;
    const s = await startStack({ emulator: false, maxInFlight: cap });
    const slow = [];
    try {
      const seen = requestsSeen(s.host.server, cap * 2);
      for (let i = 0; i < cap * 2; i++) slow.push(slowUpload(s.url));
      await seen;
      assert.equal((await s.call('GET', '/healthz', fresh)).status, 200);
      const hook = await s.call('POST', '/v1/stripe/webhook', webhook());
      assert.equal(hook.status, 200, hook.text);
      const hold = await s.call('POST', '/v1/reservations', { body: {}, ...fresh });
      assertError(hold, 422, 'validation_failed'); // admitted: the core answers
    } finally {
      for (const c of slow) c.socket.destroy();
      await s.stop();
    }
  });

  it('the built-in server bounds header and request time well below Node\'s 300 s', async () => {
    const s = await startStack({ emulator: false });
    try {
      const { headersTimeout, requestTimeout } = s.host.server;
      assert.ok(headersTimeout > 0 && headersTimeout <= 30_000, `headersTimeout ${headersTimeout}`);
      assert.ok(requestTimeout >= headersTimeout && requestTimeout <= 60_000, `requestTimeout ${requestTimeout}`);
    } finally {
      await s.stop();
    }
  });

  it('a body not in within bodyTimeoutMs, stalled or trickling, is answered 408 request_timeout and its connection closed', async () => {
    const s = await startStack({ emulator: false, maxInFlight: 4, bodyTimeoutMs: 300 });
    const stalled = slowUpload(s.url);
    const trickle = slowUpload(s.url, { path: '/v1/stripe/webhook', first: '{' });
    const drip = setInterval(() => trickle.socket.write(' '), 50); // busy, never done
    try {
      const started = Date.now();
      const answers = await Promise.all([stalled.closed, trickle.closed]);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 5000, `closed after ${elapsed} ms`);
      for (const [i, text] of answers.entries()) {
        const res = parseAnswer(text);
        assertError(res, 408, 'request_timeout');
        assertMatchesContract({ method: 'POST', path: i === 0 ? '/v1/reservations' : '/v1/stripe/webhook', ...res });
        assert.equal(res.headers.connection, 'close');
        assert.match(res.headers['content-type'] ?? '', /application\/json/);
      }
      // The host goes on serving, and a body sent in time is read as before.
      assertError(await s.call('POST', '/v1/reservations', { body: {}, ...fresh }), 422, 'validation_failed');
    } finally {
      clearInterval(drip);
      stalled.socket.destroy();
      trickle.socket.destroy();
      await s.stop();
    }
  });

  it('headers not in within headersTimeoutMs: the connection is answered 408 and closed', async () => {
    const s = await startStack({ emulator: false, headersTimeoutMs: 300 });
    const slow = slowUpload(s.url, { headersOnly: true });
    try {
      const started = Date.now();
      const text = await slow.closed;
      assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
      assert.match(text, /^HTTP\/1\.1 408 /);
    } finally {
      slow.socket.destroy();
      await s.stop();
    }
  });

  it('the last places under the cap are kept for the Stripe webhook and health checks', async () => {
    const cap = 4;
    const gated = gatedStore();
    const s = await startStack({ emulator: false, store: gated.store, maxInFlight: cap });
    const pending = [];
    try {
      // Ordinary reads, each waiting on the store, until one is turned away.
      let refused = null;
      while (refused === null && pending.length <= cap) {
        const r = await admittedOrAnswer(gated, () => s.call('GET', `/v1/events/e${pending.length}`, fresh));
        if (r.answer) refused = r.answer;
        else pending.push(r.pending);
      }
      assert.ok(refused, 'ordinary requests are capped');
      assertError(refused, 503, 'overloaded');
      const ordinary = pending.length;
      assert.ok(ordinary >= 1 && ordinary < cap, `ordinary requests took ${ordinary} of ${cap} places: none kept`);
      // What is left is the reserve: health checks and webhooks get in, up to the cap.
      assert.equal((await s.call('GET', '/healthz', fresh)).status, 200);
      for (let i = ordinary; i < cap; i++) {
        const r = await admittedOrAnswer(gated, () => s.call('POST', '/v1/stripe/webhook', webhook()));
        assert.equal(r.answer, null, `webhook ${i + 1} of ${cap} admitted: ${r.answer?.text}`);
        pending.push(r.pending);
      }
      assertError(await s.call('POST', '/v1/stripe/webhook', webhook()), 503, 'overloaded');
      assertError(await s.call('GET', '/healthz', fresh), 503, 'overloaded');
      gated.open();
      const answers = await Promise.all(pending);
      assert.deepEqual(answers.map((a) => a.status), [...Array(ordinary).fill(404), ...Array(cap - ordinary).fill(200)]);
      assert.equal((await s.call('GET', '/v1/events/again', fresh)).status, 404, 'places are given back');
    } finally {
      gated.open();
      await Promise.allSettled(pending);
      await s.stop();
    }
  });

  it('handle() keeps the same reserve; a cap of 1 keeps none', () => {
    const admit = (limits, route) => limits.admit({ route, holdRateLimited: false, headers: [] });
    const limits = createLimits({ rateLimitPerMinute: 0, trustProxy: false, maxInFlight: 16 });
    let ordinary = 0;
    while (!admit(limits, 'events.get').refused) ordinary++;
    assert.ok(ordinary >= 1 && ordinary < 16, `ordinary ${ordinary} of 16`);
    for (let i = ordinary; i < 16; i++) assert.equal(admit(limits, i % 2 ? 'healthz' : 'stripe.webhook').refused, null);
    assert.equal(admit(limits, 'healthz').refused?.status, 503);
    assert.equal(limits.inFlight, 16);
    const one = createLimits({ rateLimitPerMinute: 0, trustProxy: false, maxInFlight: 1 });
    assert.equal(admit(one, 'events.get').refused, null);
    assert.equal(admit(one, 'healthz').refused?.status, 503);
  });
});
