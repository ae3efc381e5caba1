#!/usr/bin/env node
// Write throughput of the Worker's Durable Object store with 1, 4 and 16 experts, in
// the single-object mode and in the per-expert mode (SLOTGUARD_DO_MODE = "per-expert"),
// in workerd (miniflare 4). Each burst is N concurrent POST /v1/reservations spread
// evenly over the experts, every one for a distinct free slot (all 201, each creating a
// Checkout Session at the emulator in this process).
//
// Two columns of truth, because local workerd runs every Durable Object on the one
// thread of its process (4 objects each busy 300 ms take 1.2 s here), so objects never
// run side by side as they do on Cloudflare:
//   service 0 ms  the deployed object class, as it is: what this machine measures;
//   service S ms  each object serves one call at a time and holds S ms per call (a
//                 timer: bench/fixtures/experts-worker.js), a stand-in for an object's
//                 finite speed. One object then caps every write of the deployment;
//                 per expert, the cap is per expert.
// The table also gives the store calls the busiest object served per booking.
//
// Usage: node bench/workerd-experts.mjs [--n 320] [--experts 1,4,16] [--service-ms 0,2] [--rounds 1]
import { parseArgs } from 'node:util';
import { eventBody } from '../tests/conformance/support/harness.mjs';
import { bookingBodies, burst, formatStatuses, midnightPlus, percentile, table } from './lib/load.mjs';
import { startBenchEmulator, ADMIN } from './lib/targets.mjs';
import { ADMIN_TOKEN, STRIPE_KEY, WEBHOOK_SECRET } from '../tests/conformance/support/harness.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '320' },
    experts: { type: 'string', default: '1,4,16' },
    'service-ms': { type: 'string', default: '0,2' },
    rounds: { type: 'string', default: '1' },
  },
});
const N = Number(opts.n);
const EXPERTS = opts.experts.split(',').map(Number);
const SERVICE = opts['service-ms'].split(',').map(Number);
const ROUNDS = Number(opts.rounds);
const MODES = ['single', 'per-expert'];

const { startWorker } = await import('../tests/workerd/helpers.mjs');
const rows = [];

for (const serviceMs of SERVICE) {
  for (const mode of MODES) {
    for (const e of EXPERTS) {
      const stripe = await startBenchEmulator();
      const w = await startWorker({
        store: 'durable_object',
        script: 'bench/fixtures/experts-worker.js',
        stripeBase: stripe.url,
        bindings: {
          SLOTGUARD_DO_MODE: mode,
          BENCH_OBJECT_SERVICE_MS: String(serviceMs),
          SLOTGUARD_LOG_LEVEL: 'error',
          SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
          STRIPE_SECRET_KEY: STRIPE_KEY,
          STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
          // Many bookings per guest address across rounds: no per-guest hold limit here.
          SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST: '0',
        },
      });
      const send = (method, path, body, headers = {}) =>
        w.mf.dispatchFetch(new URL(path, w.url), { method, headers: { 'content-type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
      try {
        const experts = Array.from({ length: e }, (_, i) => `bx-${i}`);
        for (const x of experts) {
          for (let round = 0; round <= ROUNDS; round++) {
            const put = await send('PUT', `/v1/events/${x}-r${round}`, eventBody(x), ADMIN);
            if (put.status !== 201) throw new Error(`PUT event answered ${put.status}: ${await put.text()}`);
          }
        }
        // Warm-up (round 0, unmeasured): the module, every object, the emulator's sockets.
        for (let round = 0; round <= ROUNDS; round++) {
          const per = Math.ceil((round === 0 ? e : N) / e);
          // Each round on days of its own: its slots are free whatever earlier rounds booked.
          const bodies = experts.map((x) => bookingBodies('spread', `${x}-r${round}`, per, { firstDayMs: midnightPlus(2 + round * 10) }));
          const total = round === 0 ? e : N;
          const callsBefore = await callsOf(w, mode, experts);
          const r = await burst(total, async (i) => {
            const res = await send('POST', '/v1/reservations', bodies[i % e][Math.floor(i / e)]);
            await res.arrayBuffer();
            return res.status;
          });
          if (round === 0) continue;
          const callsAfter = await callsOf(w, mode, experts);
          const busiest = Math.max(...Object.keys(callsAfter).map((k) => callsAfter[k] - (callsBefore[k] ?? 0)));
          rows.push({
            'service ms': serviceMs,
            mode,
            experts: e,
            round,
            requests: total,
            'req/s': Math.round((total / r.wall) * 1000),
            'p50 ms': percentile(r.latencies, 50).toFixed(0),
            'p99 ms': percentile(r.latencies, 99).toFixed(0),
            'busiest object calls/booking': (busiest / total).toFixed(1),
            statuses: formatStatuses(r.statuses),
          });
          process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
        }
      } finally {
        await w.close();
        await stripe.stop();
      }
    }
  }
}

/** Store calls each object has served so far (the experts' and the directory's, or the one object). */
async function callsOf(w, mode, experts) {
  const names =
    mode === 'single'
      ? ['slotguard']
      : [...experts.map((x) => `slotguard/expert/${x}`), 'slotguard/unrouted', ...Array.from({ length: 16 }, (_, i) => `slotguard/directory/${i}`)];
  const res = await w.mf.dispatchFetch(new URL(`/__bench/calls?names=${encodeURIComponent(names.join(','))}`, w.url));
  return res.json();
}

const miniflareVersion = (await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '4';
console.log(`slotguard Worker, Durable Objects: one object vs one per expert; workerd (miniflare ${miniflareVersion}), node ${process.version}, N=${N} concurrent bookings per burst`);
console.log(table(['service ms', 'mode', 'experts', 'round', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'busiest object calls/booking', 'statuses'], rows, { right: ['req/s', 'p50 ms', 'p99 ms', 'busiest object calls/booking'] }));
