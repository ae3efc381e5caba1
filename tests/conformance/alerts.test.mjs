// examples/prometheus/alerts.yml is only useful if each rule watches a metric that
// slotguard really exports, of the kind the rule treats it as (rate() over counters,
// gauges read as they are). This parses the rules, drives a host through a booking, a
// payment, a conflict and a forged webhook, and checks every metric name (and the
// label values driven here) against what GET /metrics shows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';

const ALERTS_FILE = fileURLToPath(new URL('../../examples/prometheus/alerts.yml', import.meta.url));

// PromQL words that are not metric names (functions, aggregations, modifiers).
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group', 'count_values',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'abs', 'ceil', 'floor', 'round',
  'clamp', 'clamp_min', 'clamp_max', 'absent', 'absent_over_time', 'vector', 'scalar', 'time', 'timestamp',
  'histogram_quantile', 'label_replace', 'label_join', 'sort', 'sort_desc',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
]);

function rules() {
  const doc = YAML.parse(readFileSync(ALERTS_FILE, 'utf8'));
  return doc.groups.flatMap((g) => g.rules);
}

/** Metric names an expression reads, each with whether a rate()/increase() wraps it. */
function metricsOf(expr) {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, ''); // ranges
  const out = new Map();
  for (const m of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    if (PROMQL_WORDS.has(m[0])) continue;
    const before = bare.slice(0, m.index);
    const counterFn = /\b(?:rate|irate|increase|resets)\(\s*$/.test(before);
    out.set(m[0], (out.get(m[0]) ?? false) || counterFn);
  }
  return out;
}

/** {name -> type} from `# TYPE` lines, and the sample lines, of a Prometheus text page. */
function parseExposition(text) {
  const types = new Map();
  const samples = [];
  for (const line of text.split('\n')) {
    const t = line.match(/^# TYPE (\S+) (\S+)/);
    if (t) types.set(t[1], t[2]);
    else if (line && !line.startsWith('#')) samples.push(line);
  }
  const sampled = new Set(samples.map((l) => l.match(/^[A-Za-z_:][A-Za-z0-9_:]*/)?.[0]).filter(Boolean));
  return { types, samples, names: new Set([...types.keys(), ...sampled]) };
}

describe('examples/prometheus/alerts.yml', () => {
  it('is well formed: each alert has an expression, a for:, a severity, a summary and a description', () => {
    const all = rules();
    assert.ok(all.length >= 6);
    const names = new Set();
    for (const r of all) {
      assert.match(r.alert ?? '', /^Slotguard[A-Z][A-Za-z]+$/, JSON.stringify(r));
      assert.ok(!names.has(r.alert), `duplicate alert ${r.alert}`);
      names.add(r.alert);
      assert.equal(typeof r.expr, 'string', r.alert);
      assert.match(String(r.for ?? ''), /^(\d+[smhdwy])+$/, `${r.alert}: for:`);
      assert.ok(['warning', 'critical'].includes(r.labels?.severity), `${r.alert}: severity`);
      assert.ok(r.annotations?.summary?.trim(), `${r.alert}: summary`);
      assert.ok((r.annotations?.description ?? '').trim().length > 80, `${r.alert}: a description that says what to do`);
      assert.ok(metricsOf(r.expr).size > 0, `${r.alert}: names no metric`);
    }
  });

  it('watches refunds, forged webhooks, commit retries, the notification backlog and unlinked holds', () => {
    const exprs = rules().map((r) => r.expr).join('\n');
    for (const wanted of [
      'slotguard_refunds_total',
      'slotguard_refunds_abandoned_total',
      'slotguard_webhook_events_total{outcome="bad_signature"}',
      'slotguard_store_commit_retries_total',
      'slotguard_notifications_pending',
      'slotguard_notifications_failed_total',
      'slotguard_notification_attempts_failed_total',
      'slotguard_unlinked_holds_total',
    ])
      assert.ok(exprs.includes(wanted), `no rule uses ${wanted}`);
  });
});

describe(`alerts.yml against a running host's /metrics (${WASM})`, () => {
  let s;
  before(async () => {
    s = await startStack();
  });
  after(() => s.stop());

  it('every metric a rule reads is exported, as the kind the rule treats it as', async () => {
    // Traffic: a booking that is paid, a conflict, a cancellation, a forged webhook.
    assert.equal((await s.call('PUT', '/v1/events/alerts', { body: eventBody('alerts'), headers: s.admin })).status, 201);
    const paid = await s.call('POST', '/v1/reservations', { body: { event_id: 'alerts', start: slot(1, 9, 0), guest: guest(401) } });
    assert.equal(paid.status, 201, paid.text);
    assert.equal((await s.call('POST', '/v1/reservations', { body: { event_id: 'alerts', start: slot(1, 9, 0), guest: guest(402) } })).status, 409);
    s.emulator.pay(paid.json.reservation.checkout_session_id, { method: 'card' });
    await s.emulator.webhooks.idle();
    const dropped = await s.call('POST', '/v1/reservations', { body: { event_id: 'alerts', start: slot(1, 10, 0), guest: guest(403) } });
    assert.equal((await s.call('DELETE', `/v1/reservations/${dropped.json.reservation.id}`)).status, 200);
    const forged = JSON.stringify({ id: 'evt_forged', type: 'checkout.session.completed', data: { object: {} } });
    assert.equal((await s.call('POST', '/v1/stripe/webhook', { body: forged, headers: { 'stripe-signature': 't=1,v1=00' } })).status, 400);

    const page = await s.call('GET', '/metrics');
    assert.equal(page.status, 200);
    const { types, samples, names } = parseExposition(page.text);

    const problems = [];
    for (const r of rules()) {
      for (const [metric, underRate] of metricsOf(r.expr)) {
        if (!names.has(metric)) problems.push(`${r.alert}: ${metric} is not on /metrics`);
        else if (underRate && types.has(metric) && types.get(metric) !== 'counter')
          problems.push(`${r.alert}: ${metric} is a ${types.get(metric)}, read with rate()/increase()`);
        else if (!underRate && types.has(metric) && types.get(metric) === 'counter')
          problems.push(`${r.alert}: ${metric} is a counter, read without rate()/increase()`);
      }
    }
    assert.deepEqual(problems, []);
    // The label the forged-webhook rule selects on is the one the core writes.
    assert.ok(samples.some((l) => /^slotguard_webhook_events_total\{[^}]*outcome="bad_signature"[^}]*\} [1-9]/.test(l)), samples.join('\n'));
    assert.ok(samples.some((l) => /^slotguard_confirmations_total(\{[^}]*\})? [1-9]/.test(l)), 'the payment was counted');
  });
});
