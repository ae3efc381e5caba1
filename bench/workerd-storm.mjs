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
// Requests go through Miniflare#dispatchFetch, which opens one connection to workerd's
// socket per request (miniflare closes each after its response), so every figure
// here includes a TCP connect. bench/hosts-side-by-side.mjs instead sends the same
// loads over kept-alive node:http sockets, to workerd and to the Node host alike.
//
// Usage: node bench/workerd-storm.mjs [--n 500] [--rounds 1] [--stores d1,durable_object]
// Numbers are for one workerd process and one isolate on this machine; they measure
// the host and the core, not Cloudflare's network.
import { parseArgs } from 'node:util';
import { Miniflare } from 'miniflare';
import { eventBody } from '../tests/conformance/support/harness.mjs';
import { bookingBodies, burst, formatStatuses, percentile, table } from './lib/load.mjs';
import { startBenchEmulator, startWorkerdTarget } from './lib/targets.mjs';

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

/** N requests at once through `mf.dispatchFetch`; request(i) gives (url, init). */
const fire = (mf, request) =>
  burst(N, async (i) => {
    const res = await mf.dispatchFetch(...request(i));
    await res.arrayBuffer();
    return res.status;
  });

const post = (url, body) => [new URL('/v1/reservations', url).href, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }];

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
    statuses: formatStatuses(r.statuses),
  });
}

{
  const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("ok"); } }', compatibilityDate: '2025-09-01' });
  const url = await mf.ready;
  await mf.dispatchFetch(url).then((r) => r.text());
  for (let round = 1; round <= ROUNDS; round++) row('-', 'baseline: trivial Worker GET', round, await fire(mf, () => [url.href, {}]));
  await mf.dispose();
}

for (const store of STORES) {
  const stripe = await startBenchEmulator();
  const w = await startWorkerdTarget({ store, stripeUrl: stripe.url });
  const send = (method, path, init = {}) => w.mf.dispatchFetch(new URL(path, w.url), { method, ...init });
  try {
    // Warm up: instantiate the module, open the store.
    await send('PUT', '/v1/events/warmup', { headers: { ...w.admin, 'content-type': 'application/json' }, body: JSON.stringify(eventBody('expert-warmup')) });
    await send('POST', '/v1/reservations', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(bookingBodies('storm', 'warmup', 1)[0]) });
    for (let round = 1; round <= ROUNDS; round++) {
      row(store, 'GET /healthz', round, await fire(w.mf, () => [new URL('/healthz', w.url).href, {}]));
      // A fresh expert per load and round: every burst starts from free slots.
      for (const kind of ['storm', 'spread']) {
        const event = `${kind}-${round}`;
        await send('PUT', `/v1/events/${event}`, { headers: { ...w.admin, 'content-type': 'application/json' }, body: JSON.stringify(eventBody(`bench-${kind}-${round}`)) });
        const bodies = bookingBodies(kind, event, N);
        row(store, kind === 'storm' ? 'storm (1 slot)' : `spread (${N} slots)`, round, await fire(w.mf, (i) => post(w.url, bodies[i])));
      }
    }
  } finally {
    await w.stop();
    await stripe.stop();
  }
}

const miniflareVersion = (await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '4';
console.log(`slotguard Worker under workerd (miniflare ${miniflareVersion}), node ${process.version}, N=${N} concurrent`);
console.log(table(['store', 'scenario', 'round', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'wall ms', 'statuses'], rows));
