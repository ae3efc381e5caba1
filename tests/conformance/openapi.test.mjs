// docs/openapi.yaml is the API contract people read; these tests keep it honest. It must
// be a valid OpenAPI 3.1 document (that it lists exactly the core's routes is
// tests/conformance/contract.test.mjs's check, against the module's route table); every error code the core and the hosts can answer must appear in it under its
// status; the response checker the suite runs on every answer must really refuse what
// the document does not allow; and a live host, driven through every documented
// operation, must answer only what the document says.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPENAPI_FILE, contract } from './support/contract.mjs';
import { WASM, WEBHOOK_SECRET, eventBody, guest, slot, startStack } from './support/harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JSON_TYPE = { 'content-type': 'application/json' };

/** The error codes each status may carry, from every response of the document. */
function documentedCodes(doc) {
  const byStatus = new Map();
  const add = (status, code) => {
    if (!byStatus.has(status)) byStatus.set(status, new Set());
    byStatus.get(status).add(code);
  };
  const fromSchema = (status, schema) => {
    const code = schema?.properties?.error?.properties?.code;
    if (!code) return;
    if (code.const) add(status, code.const);
    for (const c of code.enum ?? []) add(status, c);
  };
  const fromResponse = (status, resp) => {
    let r = resp;
    if (r?.$ref) r = doc.components.responses[r.$ref.split('/').pop()];
    fromSchema(status, r?.content?.['application/json']?.schema);
  };
  for (const item of Object.values(doc.paths))
    for (const op of Object.values(item))
      for (const [status, resp] of Object.entries(op?.responses ?? {})) fromResponse(status, resp);
  return byStatus;
}

function sourceFiles(dir, ext) {
  const out = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel, ext));
    else if (ext.some((e) => entry.name.endsWith(e))) out.push(rel);
  }
  return out;
}

/** [status, code, file] for every error code the core's table holds, and every error
 * answer written with literal values in the sources (the hosts', and any in the core
 * that bypasses the table). */
function answeredCodes() {
  const found = [];
  const table = 'core/slotguard/api/errors.def';
  for (const m of readFileSync(join(ROOT, table), 'utf8').matchAll(/^SG_ERROR\(\w+,\s*"([a-z_]+)",\s*(\d{3})\)/gm))
    found.push([m[2], m[1], table]);
  for (const file of sourceFiles('core', ['.cpp', '.h'])) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/error_response\((\d{3}),\s*"([a-z_]+)"/g)) found.push([m[1], m[2], file]);
  }
  for (const dir of ['host-shims/js-bridge/src', 'host-shims/node/src', 'host-shims/cloudflare/src']) {
    for (const file of sourceFiles(dir, ['.js', '.mjs'])) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:sendError\(\s*res,\s*|errorResponse\(\s*|jsonError\(\s*)(\d{3}),\s*'([a-z_]+)'/g)) found.push([m[1], m[2], file]);
      for (const m of text.matchAll(/\bunavailable\(\s*'([a-z_]+)'/g)) found.push(['503', m[1], file]);
    }
  }
  return found;
}

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const { valid, errors } = await validator.validate(contract().doc);
    assert.ok(valid, JSON.stringify(errors, null, 2));
    assert.match(validator.version, /^3\.1/);
  });

  it('compiles every response schema and every component schema', () => {
    contract().compileAll();
  });

  it('lists the answers of any request on every operation', () => {
    const c = contract();
    const error = (code) => JSON.stringify({ error: { code, message: 'm' } });
    for (const [method, template] of c.operations()) {
      const path = template.replace(/\{[^}]+\}/g, 'x');
      const answers = [
        [404, 'not_found', {}],
        [429, 'rate_limited', { 'retry-after': '3' }],
        [500, 'internal_error', {}],
        [503, 'overloaded', { 'retry-after': '1' }],
      ];
      if (method !== 'OPTIONS') answers.push([400, 'bad_request', {}], [408, 'request_timeout', {}], [413, 'payload_too_large', {}], [414, 'uri_too_long', {}]);
      for (const [status, code, headers] of answers) {
        const problems = c.check({ method, path, status, headers: { ...JSON_TYPE, ...headers }, text: error(code) });
        assert.deepEqual(problems, [], `${method} ${template}: ${status} ${code}`);
      }
    }
  });

  it('names every error code the core and the hosts answer, under its status', () => {
    const byStatus = documentedCodes(contract().doc);
    const found = answeredCodes();
    assert.ok(found.length > 20, `only ${found.length} error answers found in the sources`);
    const undocumented = found.filter(([status, code]) => !byStatus.get(status)?.has(code)).map(([s, c, f]) => `${s} ${c} (${f})`);
    assert.deepEqual([...new Set(undocumented)], []);
  });
});

describe('the response check', () => {
  const c = contract();
  const answer = (method, path, status, body, headers = {}) => ({
    method,
    path,
    status,
    headers: { ...JSON_TYPE, ...headers },
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const err = (code) => ({ error: { code, message: 'm' } });

  it('accepts what the document allows', () => {
    for (const a of [
      answer('GET', '/healthz', 200, { status: 'ok' }),
      answer('GET', '/nowhere', 404, err('not_found')),
      answer('GET', '/v1/events?expert_id=a', 404, err('not_found')), // a core without the route
      answer('PATCH', '/v1/reservations', 405, err('method_not_allowed'), { allow: 'POST' }),
      answer('POST', '/v1/reservations', 503, err('contention'), { 'retry-after': '1' }),
      answer('OPTIONS', '/v1/anything', 204, '', { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-methods': 'GET' }),
      { method: 'GET', path: '/', status: 200, headers: { 'content-type': 'text/html' }, text: '<!doctype html>' },
    ])
      assert.deepEqual(c.check(a), [], `${a.method} ${a.path} ${a.status}`);
  });

  it('refuses what it does not', () => {
    const cases = [
      [answer('GET', '/v1/events/x', 409, err('slot_unavailable')), /not documented/],
      [answer('GET', '/v1/events/x', 404, err('reservation_not_found')), /allowed values/],
      [answer('GET', '/v1/events/x', 200, { event: { id: 'x' } }), /required property/],
      [answer('GET', '/healthz', 200, { status: 'ok', extra: 1 }), /additional properties/],
      [answer('POST', '/v1/reservations', 503, err('contention')), /Retry-After is missing/],
      [answer('PUT', '/v1/events/x', 401, err('unauthorized')), /WWW-Authenticate is missing/],
      [answer('GET', '/v1/reservations', 405, err('method_not_allowed'), { allow: 'GET, POST' }), /Allow lists GET/],
      [answer('PATCH', '/v1/reservations', 405, err('method_not_allowed'), { allow: 'POST, PATCH' }), /Allow lists PATCH/],
      [answer('GET', '/v1/nothing', 200, { ok: true }), /not documented for a path/],
      [answer('GET', '/healthz', 200, 'not json'), /not JSON/],
      [{ method: 'GET', path: '/healthz', status: 200, headers: { 'content-type': 'text/plain' }, text: 'ok' }, /Content-Type text\/plain/],
    ];
    for (const [a, expected] of cases) {
      const problems = c.check(a);
      assert.ok(problems.some((p) => expected.test(p)), `${a.method} ${a.path} ${a.status}: ${JSON.stringify(problems)}`);
    }
  });
});

/** A Stripe-style signature over the raw body. */
function stripeSignature(body, secret = WEBHOOK_SECRET) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

describe(`every documented operation, live (${WASM})`, () => {
  let s;
  const seen = new Set();
  before(async () => {
    s = await startStack({ corsOrigins: 'https://app.example' });
  });
  after(() => s.stop());

  // Every answer goes through the suite's own checked call; remember which operation it was.
  async function call(method, path, opts) {
    const template = contract().match(path);
    if (template) seen.add(`${method} ${template}`);
    return s.call(method, path, opts);
  }

  it('answers each route only as the document says', async () => {
    const expert = 'openapi-live';
    const noAuth = { authorization: 'Bearer not-the-admin-token-0000' };
    assert.equal((await call('PUT', '/v1/events/live', { body: eventBody(expert), headers: s.admin })).status, 201);
    assert.equal((await call('PUT', '/v1/events/live', { body: eventBody(expert), headers: s.admin })).status, 200);
    await call('PUT', '/v1/events/live', { body: eventBody(expert), headers: noAuth });
    await call('PUT', '/v1/events/live', { body: '{"expert_id":', headers: s.admin });
    await call('PUT', '/v1/events/live', { body: eventBody(expert, { price: { amount: 0, currency: 'eur' } }), headers: s.admin });

    await call('GET', `/v1/events?expert_id=${expert}`);
    await call('GET', '/v1/events');
    await call('GET', '/v1/events/live');
    await call('GET', '/v1/events/missing');
    await call('GET', `/v1/events/live/slots?from=${slot(1, 9, 0)}&to=${slot(1, 12, 0)}`);
    await call('GET', `/v1/events/live/slots?from=${slot(1, 9, 0)}`);
    await call('GET', `/v1/events/missing/slots?from=${slot(1, 9, 0)}&to=${slot(1, 12, 0)}`);

    const body = { event_id: 'live', start: slot(1, 9, 0), guest: guest(301) };
    const held = await call('POST', '/v1/reservations', { body, headers: { 'idempotency-key': 'openapi-live-1' } });
    assert.equal(held.status, 201, held.text);
    const replay = await call('POST', '/v1/reservations', { body, headers: { 'idempotency-key': 'openapi-live-1' } });
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    await call('POST', '/v1/reservations', { body: { ...body, guest: guest(302) }, headers: { 'idempotency-key': 'openapi-live-1' } });
    await call('POST', '/v1/reservations', { body: { ...body, guest: guest(303) } });
    await call('POST', '/v1/reservations', { body: { ...body, start: slot(1, 9, 10) } });
    await call('POST', '/v1/reservations', { body: { ...body, event_id: 'missing' } });
    await call('POST', '/v1/reservations', { body: 'nope' });

    const range = `from=${slot(0, 0, 0)}&to=${slot(2, 0, 0)}`;
    await call('GET', `/v1/reservations?expert_id=${expert}&${range}`, { headers: s.admin });
    await call('GET', `/v1/reservations?expert_id=${expert}&${range}&status=pending_payment&limit=1`, { headers: s.admin });
    await call('GET', `/v1/reservations?expert_id=${expert}&${range}&limit=0`, { headers: s.admin });
    await call('GET', `/v1/reservations?expert_id=${expert}&${range}`, { headers: noAuth });

    const id = held.json.reservation.id;
    await call('GET', `/v1/reservations/${id}`);
    assert.equal((await call('POST', `/v1/reservations/${id}/reschedule`, { body: { start: slot(1, 10, 0) } })).status, 200);
    await call('POST', `/v1/reservations/${id}/reschedule`, { body: {} });
    await call('POST', `/v1/reservations/${id}/reschedule`, { body: { start: slot(1, 10, 10) } });
    await call('POST', '/v1/reservations/rsv_00000000000000000000000000000000/reschedule', { body: { start: slot(1, 11, 0) } });
    // Answers to a booking that awaits no approval, and without the token.
    for (const what of ['approve', 'decline']) {
      assert.equal((await call('POST', `/v1/reservations/${id}/${what}`, { headers: s.admin })).status, 409);
      await call('POST', `/v1/reservations/${id}/${what}`, { headers: noAuth });
      await call('POST', `/v1/reservations/${id}/${what}`, { body: { reason: 'x' }, headers: s.admin });
      await call('POST', `/v1/reservations/rsv_00000000000000000000000000000000/${what}`, { headers: s.admin });
    }

    // The connected account an expert is paid through.
    const payouts = `/v1/experts/${expert}-paid/payouts`;
    await call('GET', payouts, { headers: s.admin });
    await call('DELETE', payouts, { headers: s.admin });
    await call('PUT', payouts, { body: { stripe_account: 'acct_1', platform_fee: { percent: 200 } }, headers: s.admin });
    await call('PUT', payouts, { body: '{"stripe_account":', headers: s.admin });
    assert.equal((await call('PUT', payouts, { body: { stripe_account: 'acct_1', platform_fee: { amount: 100 } }, headers: s.admin })).status, 201);
    await call('PUT', payouts, { body: { stripe_account: 'acct_1', platform_fee: { percent: 5 }, on_behalf_of: true }, headers: s.admin });
    await call('GET', payouts, { headers: s.admin });
    await call('GET', payouts, { headers: noAuth });
    await call('DELETE', payouts, { headers: s.admin });

    // An expert's working hours and busy blocks.
    const hours = { time_zone: 'Europe/Lisbon', weekly: { mon: [['09:00', '17:00']] } };
    const availability = `/v1/experts/${expert}/availability`;
    assert.equal((await call('PUT', availability, { body: hours, headers: s.admin })).status, 201);
    assert.equal((await call('PUT', availability, { body: hours, headers: s.admin })).status, 200);
    await call('PUT', availability, { body: { ...hours, time_zone: 'Mars/Olympus' }, headers: s.admin });
    await call('PUT', availability, { body: hours, headers: noAuth });
    await call('PUT', availability, { body: '[', headers: s.admin });
    await call('GET', availability, { headers: s.admin });
    await call('GET', availability, { headers: noAuth });
    assert.equal((await call('DELETE', availability, { headers: s.admin })).status, 200);
    await call('DELETE', availability, { headers: noAuth });
    await call('GET', availability, { headers: s.admin });
    const block = `/v1/experts/${expert}/busy/outside-1`;
    const span = { start: slot(1, 13, 0), end: slot(1, 14, 0) };
    assert.equal((await call('PUT', block, { body: span, headers: s.admin })).status, 201);
    assert.equal((await call('PUT', block, { body: span, headers: s.admin })).status, 200);
    await call('PUT', block, { body: { start: span.end, end: span.start }, headers: s.admin });
    await call('PUT', block, { body: span, headers: noAuth });
    await call('GET', `/v1/experts/${expert}/busy?${range}`, { headers: s.admin });
    await call('GET', `/v1/experts/${expert}/busy?from=x`, { headers: s.admin });
    await call('GET', `/v1/experts/${expert}/busy?${range}`, { headers: noAuth });
    assert.equal((await call('DELETE', block, { headers: s.admin })).status, 200);
    await call('DELETE', block, { headers: s.admin });
    await call('DELETE', block, { headers: noAuth });

    // An expert's calendar feeds and their sync.
    const calendars = `/v1/experts/${expert}/calendars`;
    await call('GET', calendars, { headers: s.admin });
    const feeds = await call('PUT', calendars, { body: { feeds: [{ url: 'https://example.com/cal.ics' }] }, headers: s.admin });
    assert.equal(feeds.status, 201);
    assert.equal((await call('PUT', calendars, { body: { feeds: [{ url: 'https://example.com/cal.ics' }] }, headers: s.admin })).status, 200);
    await call('PUT', calendars, { body: { feeds: [{ url: 'ftp://example.com/cal.ics' }] }, headers: s.admin });
    await call('PUT', calendars, { body: '{"feeds":', headers: s.admin });
    await call('PUT', calendars, { body: { feeds: [] }, headers: noAuth });
    await call('GET', calendars, { headers: s.admin });
    const sync = `${calendars}/${feeds.json.calendars.feeds[0].id}/sync`;
    const busy = { events: [{ key: 'uid-1', start: slot(2, 9, 0), end: slot(2, 10, 0) }, { key: 'uid-2', start_date: slot(3).slice(0, 10), end_date: slot(4).slice(0, 10) }] };
    assert.equal((await call('POST', sync, { body: busy, headers: s.admin })).status, 200);
    assert.equal((await call('POST', sync, { body: { error: 'the feed answered HTTP 500' }, headers: s.admin })).status, 200);
    await call('POST', sync, { body: { events: [{ key: 'uid-1' }] }, headers: s.admin });
    await call('POST', sync, { body: '[', headers: s.admin });
    await call('POST', sync, { body: busy, headers: noAuth });
    await call('POST', `${calendars}/00000000/sync`, { body: busy, headers: s.admin });
    assert.equal((await call('POST', '/v1/maintenance/calendars', { body: {}, headers: s.admin })).status, 200);
    await call('POST', '/v1/maintenance/calendars', { body: { after: 'no such/expert' }, headers: s.admin });
    await call('POST', '/v1/maintenance/calendars', { body: '{', headers: s.admin });
    await call('POST', '/v1/maintenance/calendars', { headers: noAuth });
    assert.equal((await call('DELETE', calendars, { headers: s.admin })).status, 200);
    await call('DELETE', calendars, { headers: noAuth });
    await call('GET', calendars, { headers: s.admin });

    await call('GET', '/v1/reservations/rsv_00000000000000000000000000000000');
    assert.equal((await call('DELETE', `/v1/reservations/${id}`)).status, 200);
    await call('DELETE', `/v1/reservations/${id}`);
    await call('DELETE', '/v1/reservations/rsv_00000000000000000000000000000000');

    const event = JSON.stringify({ id: 'evt_openapi_live', type: 'customer.created', data: { object: { id: 'cus_1' } } });
    await call('POST', '/v1/stripe/webhook', { body: event, headers: { 'stripe-signature': 't=1,v1=00' } });
    assert.equal((await call('POST', '/v1/stripe/webhook', { body: event, headers: { 'stripe-signature': stripeSignature(event) } })).status, 200);
    const again = await call('POST', '/v1/stripe/webhook', { body: event, headers: { 'stripe-signature': stripeSignature(event) } });
    assert.equal(again.json.duplicate, true);
    await call('POST', '/v1/stripe/webhook', { body: '{"id":"x"}', headers: { 'stripe-signature': stripeSignature('{"id":"x"}') } });

    // Packs: one sold by the event type, bought (and replayed, and reused), read.
    await call('POST', '/v1/packs', { body: { event_id: 'live', sessions: 3, guest: guest(310) } });
    const packs = [{ sessions: 3, price: { amount: 12000, currency: 'eur' }, valid_days: 30 }];
    assert.equal((await call('PUT', '/v1/events/live', { body: eventBody(expert, { packs }), headers: s.admin })).status, 200);
    const buy = { event_id: 'live', sessions: 3, guest: guest(311) };
    const bought = await call('POST', '/v1/packs', { body: buy, headers: { 'idempotency-key': 'openapi-pack-1' } });
    assert.equal(bought.status, 201, bought.text);
    await call('POST', '/v1/packs', { body: buy, headers: { 'idempotency-key': 'openapi-pack-1' } });
    await call('POST', '/v1/packs', { body: { ...buy, sessions: 4 }, headers: { 'idempotency-key': 'openapi-pack-1' } });
    await call('POST', '/v1/packs', { body: { ...buy, event_id: 'missing' } });
    await call('POST', '/v1/packs', { body: 'nope' });
    await call('GET', `/v1/packs/${bought.json.pack.id}`);
    await call('GET', '/v1/packs/pak_0000000000000000');
    await call('POST', '/v1/reservations', { body: { ...body, start: slot(1, 12, 0), pack_id: bought.json.pack.id } });

    await call('POST', '/v1/maintenance/sweep', { headers: s.admin });
    await call('POST', '/v1/maintenance/sweep', { headers: noAuth });
    await call('POST', '/v1/maintenance/notify', { headers: s.admin });
    await call('POST', '/v1/maintenance/notify', { headers: noAuth });
    await call('GET', '/healthz');
    await call('GET', '/metrics');

    // Preflights: from the allowed origin (204 once the core knows CORS), and from another.
    for (const path of ['/v1/events', '/v1/events/live', '/v1/events/live/slots', '/v1/reservations', `/v1/reservations/${id}`,
      `/v1/reservations/${id}/reschedule`, `/v1/experts/${expert}/availability`, `/v1/experts/${expert}/busy`,
      `/v1/experts/${expert}/busy/outside-1`, `/v1/experts/${expert}/calendars`, `/v1/experts/${expert}/calendars/00000000/sync`,
      '/v1/stripe/webhook', '/v1/maintenance/sweep', '/v1/maintenance/notify', '/v1/maintenance/calendars', '/v1/packs',
      '/v1/packs/pak_0000000000000000']) {
      const preflight = { 'access-control-request-method': 'GET' };
      await call('OPTIONS', path, { headers: { ...preflight, origin: 'https://app.example' } });
      await call('OPTIONS', path, { headers: { ...preflight, origin: 'https://elsewhere.example' } });
    }
    await call('GET', '/v1/events/live', { headers: { origin: 'https://app.example' } });

    const all = contract().operations().map(([m, p]) => `${m} ${p}`);
    assert.deepEqual(all.filter((o) => !seen.has(o)), [], 'operations this test did not exercise');
  });
});
