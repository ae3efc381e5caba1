#!/usr/bin/env node
// Throughput and latency of the Cloudflare Worker host under workerd (miniflare 4),
// with the D1 store and with the Durable Object store, the Stripe emulator in process:
//
//   storm   N concurrent POST /v1/reservations for ONE slot (1 x 201, N-1 x 409)
//   spread  N concurrent POST /v1/reservations for N distinct slots (N x 201, each
//           creating a Checkout Session at the emulator)
//   healthz N concurrent GET /healthz (through the module, no store, no Stripe)
//
// plus a baseline: N concurrent GETs to a trivial Worker (`return new Response("ok")`)
// in the same miniflare setup, i.e. what the local workerd stack itself costs here.
// Requests go through Miniflare#dispatchFetch (HTTP to workerd's socket over
// miniflare's connection pool; 500 separate sockets from Node's fetch get resets).
//
// Usage: node bench/workerd-storm.mjs [--n 500] [--rounds 1] [--stores d1,durable_object]
// Numbers are for one workerd process and one isolate on this machine; they measure
// the host and the core, not Cloudflare's network.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Miniflare } from 'miniflare';
import { eventBody, percentile, reservationBody, startEmulator, startWorker } from '../tests/workerd/helpers.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '1' },
    stores: { type: 'string', default: 'd1,durable_object' },
  },
});
const N = Number(opts.n);
const ROUNDS = Number(opts.rounds);
const STORES = opts.stores.split(',');

const DAY = 86_400_000;
const SLOT = 30 * 60_000;
const midnight = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
// Distinct aligned 30-minute slots from tomorrow on; `base` days apart per round.
const slotAt = (day, i) => iso(midnight + day * DAY + i * SLOT);

/** Sends all requests at once through `mf`; each is (url, init). */
async function fire(mf, requests) {
  const latencies = new Array(requests.length);
  const statuses = {};
  const t0 = performance.now();
  await Promise.all(
    requests.map(async ([url, init], i) => {
      const s = performance.now();
      const res = await mf.dispatchFetch(url, init);
      await res.arrayBuffer();
      latencies[i] = performance.now() - s;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }),
  );
  const wall = performance.now() - t0;
  return { wall, latencies, statuses };
}

const post = (w, body) => [new URL('/v1/reservations', w.url).href, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }];

const rows = [];
function row(store, scenario, round, r) {
  rows.push({
    store,
    scenario,
    round,
    requests: N,
    'req/s': Math.round((N / r.wall) * 1000),
    'p50 ms': percentile(r.latencies, 50).toFixed(1),
    'p99 ms': percentile(r.latencies, 99).toFixed(1),
    'wall ms': Math.round(r.wall),
    statuses: Object.entries(r.statuses).map(([k, v]) => `${k}x${v}`).join(' '),
  });
}

{
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("ok"); } }', compatibilityDate: '2025-09-01' });
  const url = await mf.ready;
  await mf.dispatchFetch(url).then((r) => r.text());
  for (let round = 1; round <= ROUNDS; round++) row('-', 'baseline: trivial Worker GET', round, await fire(mf, Array.from({ length: N }, () => [url.href, {}])));
  await mf.dispose();
}

for (const store of STORES) {
  const stripe = await startEmulator({ autoExpire: false });
  const w = await startWorker({ store, stripeBase: stripe.url, bindings: { SLOTGUARD_LOG_LEVEL: 'error' } });
  try {
    await w.request('PUT', '/v1/events/bench', { admin: true, body: eventBody('expert-bench') });
    // Warm up: instantiate the module, open the store.
    await w.request('POST', '/v1/reservations', { body: reservationBody('bench', slotAt(1, 0), 0) });
    let day = 2;
    for (let round = 1; round <= ROUNDS; round++) {
      row(store, 'GET /healthz', round, await fire(w.mf, Array.from({ length: N }, () => [new URL('/healthz', w.url).href, {}])));
      row(store, 'storm (1 slot)', round, await fire(w.mf, Array.from({ length: N }, (_, i) => post(w, reservationBody('bench', slotAt(day, 0), i)))));
      day += 1;
      const perDay = DAY / SLOT;
      const spread = Array.from({ length: N }, (_, i) => post(w, reservationBody('bench', slotAt(day + Math.floor(i / perDay), i % perDay), i)));
      row(store, `spread (${N} slots)`, round, await fire(w.mf, spread));
      day += Math.ceil(N / perDay) + 1;
    }
  } finally {
    await w.close();
    await stripe.emulator.stop();
  }
}

const cols = ['store', 'scenario', 'round', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'wall ms', 'statuses'];
const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
const line = (vals) => `| ${vals.map((v, i) => String(v).padEnd(width[i])).join(' | ')} |`;
console.log(`slotguard Worker under workerd (miniflare ${(await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '4'}), node ${process.version}, N=${N} concurrent`);
console.log(line(cols));
console.log(`|${width.map((n) => '-'.repeat(n + 2)).join('|')}|`);
for (const r of rows) console.log(line(cols.map((c) => r[c])));
