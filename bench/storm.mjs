// Load against the Node host over HTTP, for both builds and both stores:
//   storm:  500 concurrent POST /v1/reservations for ONE slot (1 × 201, 499 × 409)
//   spread: 500 concurrent POST /v1/reservations for 500 distinct slots (500 × 201,
//           each creating a Checkout Session on the emulator)
// Prints requests/second and p50/p99 latency in one table. It measures; it never asserts.
//
//   node bench/storm.mjs [requests=500] [rounds=3]
// The emulator, the host and the client share this process (as in the conformance
// tests), so the numbers include the client's and the emulator's CPU time.
// bench/hosts-side-by-side.mjs runs the same loads against the Node host and workerd.
import { eventBody } from '../tests/conformance/support/harness.mjs';
import { bookingBodies, burst, formatStatuses, summarize, table } from './lib/load.mjs';
import { startBenchEmulator, startNodeTarget } from './lib/targets.mjs';

const N = Number(process.argv[2] || 500);
const ROUNDS = Number(process.argv[3] || 3);
const LOADS = ['storm', 'spread'];

async function scenario(wasm, store) {
  const stripe = await startBenchEmulator();
  const s = await startNodeTarget({ wasm, store, stripeUrl: stripe.url, process: 'in-process' });
  const results = { storm: [], spread: [] };
  try {
    // Open the client's sockets first, so the rounds measure requests, not TCP setup.
    await burst(N, () => s.call('GET', '/healthz').then((r) => r.status));
    // Round 0 is a warm-up (JIT tiers, emulator, pools) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      // A fresh expert per round: every round starts from free slots.
      for (const kind of LOADS) {
        const event = `${kind}-${round}`;
        await s.call('PUT', `/v1/events/${event}`, { body: eventBody(`bench-${kind}-${round}`), headers: s.admin });
        const bodies = bookingBodies(kind, event, N);
        const r = await burst(N, (i) => s.call('POST', '/v1/reservations', { body: bodies[i] }).then((res) => res.status));
        if (round > 0) results[kind].push(r);
      }
    }
  } finally {
    await s.stop();
    await stripe.stop();
  }
  return results;
}

console.log(`${N} concurrent requests per burst, ${ROUNDS} measured rounds each after a warm-up round\n`);
const rows = [];
for (const wasm of ['wasi', 'emscripten']) {
  for (const store of ['memory', 'sqlite']) {
    const results = await scenario(wasm, store);
    for (const kind of LOADS) {
      const r = summarize(results[kind]);
      rows.push({
        build: wasm,
        store,
        load: kind,
        'req/s': r.rps.toFixed(0),
        'p50 ms': r.p50.toFixed(1),
        'p99 ms': r.p99.toFixed(1),
        'answers per burst': formatStatuses(r.statuses),
      });
    }
  }
}
console.log(table(['build', 'store', 'load', 'req/s', 'p50 ms', 'p99 ms', 'answers per burst'], rows, { right: ['req/s', 'p50 ms', 'p99 ms'] }));
