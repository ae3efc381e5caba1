import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startEmulator, sessionParams, postForm } from './helpers.mjs';
import { encodeForm } from '../../host-shims/stripe-emulator/src/index.js';

const AUTH = { Authorization: 'Bearer sk_test_x' };
// Long enough that a twin request sent once the first one's effect is visible
// always arrives while the first one still waits for its answer.
const HOLD_MS = 1500;

/** Resolves once `predicate()` is true, checking on every turn of the event loop. */
async function until(predicate) {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

describe('fault injection and keys in flight', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator({ onInternalError: (err) => assert.fail(`internal error: ${err.stack}`) });
  });
  beforeEach(() => ctx.emulator.reset());
  after(() => ctx.emulator.stop());

  const control = (method, path, body) =>
    fetch(`${ctx.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const inject = async (spec) => {
    const res = await control('POST', '/_emulator/faults', spec);
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  };
  const pending = async () => (await (await control('GET', '/_emulator/faults')).json()).data;

  /** A raw create call, so that the SDK's own retries stay out of the picture. */
  const createSession = (key, params = sessionParams()) =>
    postForm(`${ctx.url}/v1/checkout/sessions`, encodeForm(params), key ? { ...AUTH, 'Idempotency-Key': key } : AUTH);
  const sessionCount = () => ctx.emulator.state.sessions.size;

  test('a twin of a request still in flight gets 409 and nothing is saved for it; the first result is replayed', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', count: 1, fault: 'delay', delay_ms: HOLD_MS });
    const first = createSession('inflight-1');
    await until(() => sessionCount() === 1); // executed, answer held back
    assert.equal(ctx.emulator.stats().idempotency_keys, 0, 'nothing saved while the request runs');

    const twin = await createSession('inflight-1');
    assert.equal(twin.status, 409);
    const body = await twin.json();
    assert.equal(body.error.type, 'idempotency_error');
    assert.equal(body.error.code, 'idempotency_key_in_use');
    assert.match(body.error.message, /^There is currently another in-progress request using this Stripe API key and idempotency key/);
    assert.equal(twin.headers.get('idempotent-replayed'), null);
    // The key is locked, not compared: other params get the same 409.
    const other = await createSession('inflight-1', sessionParams({ client_reference_id: 'other' }));
    assert.equal(other.status, 409);
    // What SDK callers see (the SDK would retry a 409 itself when retries are on).
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'inflight-1' }), (err) => {
      assert.equal(err.statusCode, 409);
      assert.equal(err.rawType, 'idempotency_error');
      assert.equal(err.code, 'idempotency_key_in_use');
      return true;
    });
    assert.equal(sessionCount(), 1, 'the twins did not execute');
    assert.equal(ctx.emulator.stats().idempotency_keys, 0, 'the 409s were not saved');

    const done = await first;
    assert.equal(done.status, 200);
    const created = await done.json();
    assert.equal(ctx.emulator.stats().idempotency_keys, 1);
    const replay = await createSession('inflight-1');
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.headers.get('original-request'), done.headers.get('request-id'));
    assert.equal((await replay.json()).id, created.id);
    assert.equal(sessionCount(), 1);
  });

  test('keys in flight are scoped per API key', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: 'delay', delay_ms: HOLD_MS });
    const first = createSession('scoped-inflight');
    await until(() => sessionCount() === 1);
    const otherScope = await postForm(`${ctx.url}/v1/checkout/sessions`, encodeForm(sessionParams()), {
      Authorization: 'Bearer sk_test_other',
      'Idempotency-Key': 'scoped-inflight',
    });
    assert.equal(otherScope.status, 200, 'another API key may use the same key at the same time');
    assert.equal((await first).status, 200);
    assert.equal(sessionCount(), 2);
  });

  test('"500": api_error, no effect, saved under the key and replayed; a new key executes', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: '500' });
    await assert.rejects(ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'five-hundred' }), (err) => {
      assert.equal(err.type, 'StripeAPIError');
      assert.equal(err.statusCode, 500);
      assert.equal(err.rawType, 'api_error');
      return true;
    });
    assert.equal(sessionCount(), 0, 'no session was created');
    assert.deepEqual(await pending(), [], 'the single fault is used up');

    const again = await createSession('five-hundred');
    assert.equal(again.status, 500, 'the saved 500 comes back under the same key');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await again.json()).error.type, 'api_error');
    assert.equal(sessionCount(), 0);

    const fresh = await createSession('five-hundred-retry');
    assert.equal(fresh.status, 200);
    assert.equal(sessionCount(), 1);
  });

  test('"500" on expire leaves the session open', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    await inject({ route: 'POST /v1/checkout/sessions/:id/expire', fault: 500 });
    await assert.rejects(ctx.stripe.checkout.sessions.expire(s.id), (err) => err.statusCode === 500);
    assert.equal(ctx.emulator.state.sessions.get(s.id).status, 'open');
    assert.equal((await ctx.stripe.checkout.sessions.expire(s.id)).status, 'expired');
  });

  test('"429": rate_limit_error, no effect, not saved: a retry under the same key executes', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: '429' });
    const limited = await createSession('rate-limited');
    assert.equal(limited.status, 429);
    const body = await limited.json();
    assert.equal(body.error.type, 'rate_limit_error');
    assert.equal(body.error.code, 'rate_limit');
    assert.equal(sessionCount(), 0);
    assert.equal(ctx.emulator.stats().idempotency_keys, 0);

    const retried = await createSession('rate-limited');
    assert.equal(retried.status, 200);
    assert.equal(retried.headers.get('idempotent-replayed'), null, 'executed, not replayed');
    assert.equal(sessionCount(), 1);

    await inject({ route: 'POST /v1/refunds', fault: '429' });
    await assert.rejects(ctx.stripe.refunds.create({ payment_intent: 'pi_x' }), (err) => {
      assert.equal(err.type, 'StripeRateLimitError');
      assert.equal(err.code, 'rate_limit');
      return true;
    });
  });

  test('"delay": the effect happens at once, the answer comes after the delay and is the normal one', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: 'delay', delay_ms: HOLD_MS });
    let answered = false;
    const call = ctx.stripe.checkout.sessions.create(sessionParams()).finally(() => {
      answered = true;
    });
    await until(() => sessionCount() === 1);
    assert.equal(answered, false, 'the session exists before the answer');
    const s = await call;
    assert.equal(s.status, 'open');
    assert.ok(ctx.emulator.state.sessions.has(s.id));
  });

  test('"delay" on GET /v1/payment_intents/:id answers normally', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const paid = ctx.emulator.pay(s.id);
    await inject({ route: 'GET /v1/payment_intents/:id', fault: 'delay', delay_ms: 0 });
    const pi = await ctx.stripe.paymentIntents.retrieve(paid.payment_intent);
    assert.equal(pi.status, 'succeeded');
    assert.deepEqual(await pending(), []);
  });

  test('"drop_after_effect": the refund is made and saved, the connection dies, a retry with the key replays it', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const paid = ctx.emulator.pay(s.id);
    await inject({ route: 'POST /v1/refunds', fault: 'drop_after_effect' });

    const form = `payment_intent=${paid.payment_intent}`;
    const lost = await new Promise((resolve) => {
      const req = http.request(`${ctx.url}/v1/refunds`, {
        method: 'POST',
        headers: { ...AUTH, 'Idempotency-Key': 'refund-dropped', 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': form.length },
      });
      req.on('response', (res) => resolve({ status: res.statusCode }));
      req.on('error', (error) => resolve({ error }));
      req.end(form);
    });
    assert.ok(lost.error, `the client gets a transport error, not an answer (${JSON.stringify(lost)})`);
    assert.equal(ctx.emulator.state.refunds.size, 1, 'the refund was made');
    const [refund] = ctx.emulator.state.refunds.values();

    const retry = await postForm(`${ctx.url}/v1/refunds`, form, { ...AUTH, 'Idempotency-Key': 'refund-dropped' });
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal((await retry.json()).id, refund.id);
    assert.equal(ctx.emulator.state.refunds.size, 1, 'refunded once');
    assert.equal(ctx.emulator.state.charges.get(ctx.emulator.state.paymentIntents.get(paid.payment_intent).latest_charge).amount_refunded, 5000);
  });

  test('"drop_after_effect" with the SDK: its retry of a closed connection replays the saved session', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: 'drop_after_effect' });
    const s = await ctx.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'sdk-dropped' });
    assert.equal(s.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(sessionCount(), 1);
    assert.ok(ctx.emulator.state.sessions.has(s.id));
  });

  test('"drop_after_effect" without a key: a retry makes a second object', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: 'drop_after_effect' });
    await assert.rejects(createSession(null), TypeError);
    assert.equal(sessionCount(), 1);
    assert.equal((await createSession(null)).status, 200);
    assert.equal(sessionCount(), 2);
  });

  test('faults are used up after `count` executed calls; replays and twins do not use them', async () => {
    const queued = await inject({ route: 'POST /v1/checkout/sessions', count: 2, fault: '500' });
    assert.match(queued.id, /^fault_/);
    assert.deepEqual({ ...queued, id: undefined }, {
      id: undefined,
      route: 'POST /v1/checkout/sessions',
      fault: '500',
      count: 2,
      remaining: 2,
      delay_ms: null,
    });

    assert.equal((await createSession('count-a')).status, 500);
    assert.deepEqual((await pending()).map((f) => f.remaining), [1]);
    assert.equal((await createSession('count-a')).status, 500, 'replayed');
    assert.deepEqual((await pending()).map((f) => f.remaining), [1], 'a replay does not use the fault');
    assert.equal((await createSession(null)).status, 500);
    assert.deepEqual(await pending(), []);
    assert.equal((await createSession(null)).status, 200);
    assert.equal((await createSession('count-b')).status, 200);

    // Other routes are not affected, and faults for one route run in the order queued.
    await inject({ route: 'POST /v1/checkout/sessions', fault: '429' });
    await inject({ route: 'POST /v1/checkout/sessions', fault: '500' });
    assert.equal((await ctx.stripe.checkout.sessions.list()).data.length, 2);
    assert.equal((await createSession(null)).status, 429);
    assert.equal((await createSession(null)).status, 500);
    assert.equal((await createSession(null)).status, 200);

    const stats = ctx.emulator.stats();
    assert.equal(stats.api_calls.by_route['POST /v1/checkout/sessions'], 8, 'faulted calls still count');
  });

  test('a literal path segment pins the fault to one object; :id matches any', async () => {
    const a = await ctx.stripe.checkout.sessions.create(sessionParams());
    const b = await ctx.stripe.checkout.sessions.create(sessionParams());
    await inject({ route: `POST /v1/checkout/sessions/${b.id}/expire`, fault: '500' });
    assert.equal((await ctx.stripe.checkout.sessions.expire(a.id)).status, 'expired');
    assert.equal((await pending()).length, 1, 'still waiting for its session');
    await assert.rejects(ctx.stripe.checkout.sessions.expire(b.id), (err) => err.statusCode === 500);
    assert.deepEqual(await pending(), []);

    const paid = ctx.emulator.pay((await ctx.stripe.checkout.sessions.create(sessionParams())).id);
    await inject({ route: 'GET /v1/payment_intents/:intent', count: 2, fault: '500' });
    await assert.rejects(ctx.stripe.paymentIntents.retrieve(paid.payment_intent), (err) => err.statusCode === 500);
    await assert.rejects(ctx.stripe.paymentIntents.retrieve('pi_anything'), (err) => err.statusCode === 500);
    assert.equal((await ctx.stripe.paymentIntents.retrieve(paid.payment_intent)).status, 'succeeded');
  });

  test('a fault answers before the endpoint validates its params', async () => {
    await inject({ route: 'POST /v1/refunds', fault: '500' });
    const res = await postForm(`${ctx.url}/v1/refunds`, 'nonsense=1', AUTH);
    assert.equal(res.status, 500);
    const after = await postForm(`${ctx.url}/v1/refunds`, 'nonsense=1', AUTH);
    assert.equal(after.status, 400);
  });

  test('bad control bodies -> 400 with a clear message; nothing is queued', async () => {
    const cases = [
      [{}, 'route', /route is required/],
      [{ route: 42, fault: '500' }, 'route', /route is required/],
      [{ route: '/v1/refunds', fault: '500' }, 'route', /expected "METHOD \/path"/],
      [{ route: 'POST /v1/nothing', fault: '500' }, 'route', /matches no \/v1 endpoint/],
      [{ route: 'DELETE /v1/refunds', fault: '500' }, 'route', /matches no \/v1 endpoint/],
      [{ route: 'GET /pay/:id', fault: '500' }, 'route', /\/v1 API only/],
      [{ route: 'POST /_emulator/reset', fault: '500' }, 'route', /\/v1 API only/],
      [{ route: 'POST /v1/refunds?x=1', fault: '500' }, 'route', /without a query string/],
      [{ route: 'POST /v1/refunds' }, 'fault', /must be one of "500", "429", "delay", "drop_after_effect"/],
      [{ route: 'POST /v1/refunds', fault: 'boom' }, 'fault', /must be one of/],
      [{ route: 'POST /v1/refunds', fault: '503' }, 'fault', /must be one of/],
      [{ route: 'POST /v1/refunds', fault: '500', count: 0 }, 'count', /greater than or equal to 1/],
      [{ route: 'POST /v1/refunds', fault: '500', count: 1001 }, 'count', /less than or equal to 1000/],
      [{ route: 'POST /v1/refunds', fault: '500', count: 'two' }, 'count', /Invalid integer/],
      [{ route: 'POST /v1/refunds', fault: '500', count: 1.5 }, 'count', /Invalid integer/],
      [{ route: 'POST /v1/refunds', fault: 'delay' }, 'delay_ms', /delay_ms is required with fault "delay"/],
      [{ route: 'POST /v1/refunds', fault: 'delay', delay_ms: -1 }, 'delay_ms', /greater than or equal to 0/],
      [{ route: 'POST /v1/refunds', fault: 'delay', delay_ms: 600_001 }, 'delay_ms', /less than or equal to 600000/],
      [{ route: 'POST /v1/refunds', fault: '500', delay_ms: 10 }, 'delay_ms', /only applies to fault "delay"/],
      [{ route: 'POST /v1/refunds', fault: '500', times: 2 }, 'times', /Unknown fault parameter: times/],
    ];
    for (const [body, param, message] of cases) {
      const res = await control('POST', '/_emulator/faults', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const { error } = await res.json();
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param, JSON.stringify(body));
      assert.match(error.message, message, JSON.stringify(body));
    }
    for (const raw of ['{nope', '[1]', 'null']) {
      const res = await control('POST', '/_emulator/faults', raw);
      assert.equal(res.status, 400, raw);
    }
    assert.deepEqual(await pending(), []);
    assert.throws(() => ctx.emulator.injectFaults({ route: 'POST /v1/refunds', fault: 'delay' }), (err) => err.status === 400 && err.param === 'delay_ms');
    assert.deepEqual(ctx.emulator.pendingFaults(), []);
  });

  test('form bodies work too, and the route is normalised', async () => {
    const res = await postForm(`${ctx.url}/_emulator/faults`, { route: 'post  /v1/refunds', fault: '429', count: '3' });
    assert.equal(res.status, 200);
    const f = await res.json();
    assert.equal(f.route, 'POST /v1/refunds');
    assert.equal(f.count, 3);
  });

  test('listing and clearing: GET, DELETE one, DELETE all, POST clear, reset', async () => {
    const a = await inject({ route: 'POST /v1/checkout/sessions', fault: '500' });
    const b = ctx.emulator.injectFaults({ route: 'POST /v1/refunds', count: 2, fault: 'delay', delayMs: 5 });
    assert.deepEqual((await pending()).map((f) => f.id), [a.id, b.id]);
    assert.deepEqual(ctx.emulator.pendingFaults().map((f) => f.route), ['POST /v1/checkout/sessions', 'POST /v1/refunds']);
    assert.equal(b.delay_ms, 5);

    const one = await control('DELETE', `/_emulator/faults/${a.id}`);
    assert.deepEqual(await one.json(), { cleared: 1 });
    assert.deepEqual((await pending()).map((f) => f.id), [b.id]);
    assert.equal((await control('DELETE', `/_emulator/faults/${a.id}`)).status, 404);

    const all = await control('DELETE', '/_emulator/faults');
    assert.deepEqual(await all.json(), { cleared: 1 });
    assert.deepEqual(await pending(), []);

    await inject({ route: 'POST /v1/checkout/sessions', fault: '500' });
    const cleared = await control('POST', '/_emulator/faults/clear');
    assert.deepEqual(await cleared.json(), { cleared: 1 });
    assert.equal((await createSession(null)).status, 200);

    await inject({ route: 'POST /v1/checkout/sessions', count: 5, fault: '500' });
    ctx.emulator.injectFaults({ route: 'GET /v1/payment_intents/:id', fault: '429' });
    assert.equal((await control('POST', '/_emulator/reset')).status, 200);
    assert.deepEqual(await pending(), [], 'reset drops pending faults');
    assert.equal((await createSession(null)).status, 200);
    assert.equal(ctx.emulator.clearFaults(), 0);
  });

  test('a request in flight across a reset answers, but its result is not saved in the fresh store', async () => {
    await inject({ route: 'POST /v1/checkout/sessions', fault: 'delay', delay_ms: HOLD_MS });
    const first = createSession('across-reset');
    await until(() => sessionCount() === 1);
    ctx.emulator.reset();
    const done = await first;
    assert.equal(done.status, 200);
    const firstId = (await done.json()).id;
    assert.equal(ctx.emulator.stats().idempotency_keys, 0);
    const again = await createSession('across-reset');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), null);
    assert.notEqual((await again.json()).id, firstId);
  });
});
