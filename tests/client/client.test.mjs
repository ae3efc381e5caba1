// @slotguard/client against a real Node host (memory store) and the Stripe emulator:
// every operation of the spec called through the client, a hold's Idempotency-Key
// generated and reused on the caller's retry, 503s retried as Retry-After asks (a
// bounded number of times), and error codes surfaced as typed values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ERROR_CODES, OPERATIONS, SlotguardError, createClient, isSlotguardError } from '../../client/src/index.js';
import { ADMIN_TOKEN, eventBody, guest, slot, startStack } from '../conformance/support/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const spec = YAML.parse(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8'));

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

/** A client whose fetch records which operation each request was (method and path). */
function recordingClient(extra = {}) {
  const seen = [];
  const client = createClient({
    baseUrl: stack.url,
    adminToken: ADMIN_TOKEN,
    fetch: (req) => {
      seen.push(req);
      return fetch(req);
    },
    ...extra,
  });
  return { client, seen };
}

describe('the operation table', () => {
  test('has every operation of the spec, and every method is a function', () => {
    const ids = Object.entries(spec.paths).flatMap(([, item]) =>
      ['get', 'put', 'post', 'delete', 'patch'].map((m) => item[m]?.operationId).filter(Boolean),
    );
    assert.deepEqual(Object.keys(OPERATIONS).sort(), ids.sort());
    const client = createClient({ baseUrl: 'http://127.0.0.1:9' });
    for (const id of ids) assert.equal(typeof client[id], 'function', id);
  });

  test('knows every error code the core declares', () => {
    const def = readFileSync(path.join(ROOT, 'core/slotguard/api/errors.def'), 'utf8');
    const codes = [...def.matchAll(/^SG_ERROR\(\s*\w+,\s*"([a-z_]+)"/gm)].map((m) => m[1]);
    assert.ok(codes.length > 20);
    for (const c of codes) assert.ok(ERROR_CODES.includes(c), c);
  });
});

describe('against a Node host and the Stripe emulator', () => {
  test('every operation travels through the client', async () => {
    const { client: sg, seen } = recordingClient();
    const called = new Set();
    const track = async (id, promise) => {
      called.add(id);
      try {
        return await promise;
      } catch (error) {
        // A typed refusal still shows the operation reached the host and was understood.
        assert.ok(error instanceof SlotguardError, `${id}: ${error}`);
        assert.ok(ERROR_CODES.includes(error.code), `${id}: ${error.code}`);
        return error;
      }
    };
    assert.equal((await track('health', sg.health())).status, 'ok');
    assert.match(await track('metrics', sg.metrics()), /slotguard_/);
    const ev = await track('putEvent', sg.putEvent({ path: { event_id: 'client-all' }, body: eventBody('ex-all') }));
    assert.equal(ev.event.id, 'client-all');
    assert.equal((await track('getEvent', sg.getEvent({ path: { event_id: 'client-all' } }))).event.expert_id, 'ex-all');
    assert.ok((await track('listEvents', sg.listEvents({ query: { expert_id: 'ex-all' } }))).events.length >= 1);
    const hours = { time_zone: 'UTC', weekly: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ day: d, intervals: [{ start: '00:00', end: '24:00' }] })) };
    await track('putAvailability', sg.putAvailability({ path: { expert_id: 'ex-all' }, body: hours }));
    await track('getAvailability', sg.getAvailability({ path: { expert_id: 'ex-all' } }));
    await track('deleteAvailability', sg.deleteAvailability({ path: { expert_id: 'ex-all' } }));
    const busy = { start: slot(20, 9), end: slot(20, 10) };
    await track('putBusy', sg.putBusy({ path: { expert_id: 'ex-all', block_id: 'b1' }, body: busy }));
    await track('listBusy', sg.listBusy({ path: { expert_id: 'ex-all' }, query: { from: slot(19), to: slot(22) } }));
    await track('deleteBusy', sg.deleteBusy({ path: { expert_id: 'ex-all', block_id: 'b1' } }));
    // Calendar feeds: a feed nobody serves (the host's timer never reaches it in this walk).
    const feeds = await track('putCalendars', sg.putCalendars({ path: { expert_id: 'ex-all' }, body: { feeds: [{ url: 'http://127.0.0.1:9/ada.ics' }] } }));
    await track('getCalendars', sg.getCalendars({ path: { expert_id: 'ex-all' } }));
    const feedId = /** @type {any} */ (feeds)?.calendars?.feeds?.[0]?.id ?? 'feed-unknown';
    await track('syncCalendar', sg.syncCalendar({ path: { expert_id: 'ex-all', feed_id: feedId }, body: /** @type {any} */ ({ events: [] }) }));
    await track('calendarsDue', sg.calendarsDue({ body: /** @type {any} */ ({}) }));
    await track('deleteCalendars', sg.deleteCalendars({ path: { expert_id: 'ex-all' } }));
    const slots = await track('getSlots', sg.getSlots({ path: { event_id: 'client-all' }, query: { from: slot(3, 9), to: slot(3, 12) } }));
    const [first, second] = slots.slots.filter((s) => s.available);
    const held = await track('createReservation', sg.createReservation({ body: { event_id: 'client-all', start: first.start, guest: guest(1) } }));
    assert.equal(held.reservation.status, 'pending_payment');
    assert.ok(held.checkout_url);
    const id = held.reservation.id;
    assert.equal((await track('getReservation', sg.getReservation({ path: { id } }))).reservation.id, id);
    const packs = [{ sessions: 3, price: { amount: 12000, currency: 'eur' }, valid_days: 30 }];
    await sg.putEvent({ path: { event_id: 'client-pack' }, body: { ...eventBody('ex-pack'), packs } });
    const pack = await track('createPack', sg.createPack({ body: { event_id: 'client-pack', sessions: 3, guest: guest(1) } }));
    assert.equal(pack.pack.status, 'pending_payment');
    assert.equal((await track('getPack', sg.getPack({ path: { pack_id: pack.pack.id } }))).pack.credits_left, 3);
    await track('listReservations', sg.listReservations({ query: { expert_id: 'ex-all' } }));
    await track('rescheduleReservation', sg.rescheduleReservation({ path: { id }, body: { start: second.start } }));
    await track('approveReservation', sg.approveReservation({ path: { reservation_id: id } }));
    await track('declineReservation', sg.declineReservation({ path: { reservation_id: id } }));
    await track('cancelReservation', sg.cancelReservation({ path: { id } }));
    await track('getPayouts', sg.getPayouts({ path: { expert_id: 'ex-all' } }));
    await track('putPayouts', sg.putPayouts({ path: { expert_id: 'ex-all' }, body: { account_id: 'acct_nobody' } }));
    await track('deletePayouts', sg.deletePayouts({ path: { expert_id: 'ex-all' } }));
    await track('sweep', sg.sweep());
    await track('deliverNotifications', sg.deliverNotifications());
    const refused = await track('stripeWebhook', sg.stripeWebhook({ body: /** @type {any} */ ({ id: 'evt_x' }) }));
    assert.equal(refused.code, 'invalid_signature');

    assert.deepEqual([...called].sort(), Object.keys(OPERATIONS).sort(), 'an operation was left out of this walk');
    // Admin operations carried the token; public ones did not.
    for (const req of seen) {
      const op = Object.values(OPERATIONS).find((o) => o.method === req.method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(new URL(req.url).pathname));
      assert.ok(op, `${req.method} ${req.url}`);
      assert.equal(req.headers.has('authorization'), op.admin, `${req.method} ${req.url}`);
    }
  });

  test('a hold gets an Idempotency-Key, and the caller retrying after a lost answer reuses it', async () => {
    await createClient({ baseUrl: stack.url, adminToken: ADMIN_TOKEN }).putEvent({ path: { event_id: 'client-idem' }, body: eventBody('ex-idem') });
    const keys = [];
    let dropNext = true;
    const sg = createClient({
      baseUrl: stack.url,
      fetch: async (req) => {
        keys.push(req.headers.get('idempotency-key'));
        const res = await fetch(req);
        if (dropNext) {
          dropNext = false;
          throw new TypeError('fetch failed'); // the hold was made; its answer is lost
        }
        return res;
      },
    });
    const body = { event_id: 'client-idem', start: slot(4, 10), guest: guest(2) };
    await assert.rejects(sg.createReservation({ body }), /fetch failed/);
    const again = await sg.createReservation({ body: { ...body, guest: { ...body.guest } } });
    assert.equal(keys.length, 2);
    assert.ok(keys[0] && keys[0] === keys[1], `${keys}`);
    assert.equal(again.idempotencyKey, keys[0]);
    assert.equal(again.replayed, true);

    // Answered: the next call is a new one, with a new key (and here, a taken slot).
    const third = await sg.createReservation({ body }).catch((e) => e);
    assert.ok(isSlotguardError(third, 'slot_unavailable'), String(third));
    assert.equal(third.status, 409);
    assert.notEqual(keys[2], keys[0]);
    assert.equal(third.idempotencyKey, keys[2]);

    // The caller's own key is sent as given.
    const own = await sg.createReservation({ body: { ...body, start: slot(4, 11) }, idempotencyKey: 'app-order-42' });
    assert.equal(keys.at(-1), 'app-order-42');
    assert.equal(own.idempotencyKey, 'app-order-42');
    assert.equal(own.replayed, false);
  });

  test('a 503 with Retry-After is retried as asked, a bounded number of times', async () => {
    let refusals = 2;
    const attempts = [];
    const flaky = (req) => {
      attempts.push(Date.now());
      if (refusals-- > 0) {
        return Promise.resolve(new Response(JSON.stringify({ error: { code: 'overloaded', message: 'busy' } }), { status: 503, headers: { 'retry-after': '1' } }));
      }
      return fetch(req);
    };
    const sg = createClient({ baseUrl: stack.url, fetch: flaky, retries: 2 });
    assert.equal((await sg.health()).status, 'ok');
    assert.equal(attempts.length, 3);
    assert.ok(attempts[1] - attempts[0] >= 950, 'waited for Retry-After');

    refusals = 10;
    attempts.length = 0;
    const error = await createClient({ baseUrl: stack.url, fetch: flaky, retries: 1 }).health().catch((e) => e);
    assert.ok(isSlotguardError(error, 'overloaded'), String(error));
    assert.equal(error.status, 503);
    assert.equal(error.retryAfterMs, 1000);
    assert.equal(attempts.length, 2, 'one try and one retry, then the 503 is the answer');

    // A 503 without Retry-After (or asking for longer than allowed) is not retried.
    refusals = 10;
    attempts.length = 0;
    const long = await createClient({ baseUrl: stack.url, fetch: flaky, retries: 3, maxRetryDelayMs: 500 }).health().catch((e) => e);
    assert.ok(isSlotguardError(long, 'overloaded'));
    assert.equal(attempts.length, 1);
  });

  test('errors are typed codes: a wrong token, an unknown event, a refused body', async () => {
    const anon = createClient({ baseUrl: stack.url });
    const unauth = await anon.putEvent({ path: { event_id: 'x' }, body: eventBody('ex') }).catch((e) => e);
    assert.ok(isSlotguardError(unauth, 'unauthorized'), String(unauth));
    assert.equal(unauth.status, 401);
    const missing = await anon.getEvent({ path: { event_id: 'no-such-event' } }).catch((e) => e);
    assert.ok(isSlotguardError(missing, 'event_not_found'));
    const bad = await anon.createReservation({ body: /** @type {any} */ ({ event_id: 'x', start: slot(2), guest: guest(3), colour: 'red' }) }).catch((e) => e);
    assert.ok(isSlotguardError(bad, 'validation_failed'));
    assert.match(bad.detail, /unknown field colour/);
    const proxy = createClient({ baseUrl: stack.url, fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }) });
    const odd = await proxy.health().catch((e) => e);
    assert.equal(odd.code, 'unexpected_response');
    assert.equal(odd.status, 502);
  });
});
