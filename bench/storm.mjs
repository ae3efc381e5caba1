// Load against the Node host over HTTP, for both builds and both stores:
//   storm:  500 concurrent POST /v1/reservations for ONE slot (1 × 201, 499 × 409)
//   spread: 500 concurrent POST /v1/reservations for 500 distinct slots (500 × 201,
//           each creating a Checkout Session on the emulator)
// Prints requests/second and p50/p99 latency in one table. It measures; it never asserts.
//
//   node bench/storm.mjs [requests=500] [rounds=3]
// The emulator, the host and the client share this process (as in the conformance
// tests), so the numbers include the client's and the emulator's CPU time.
import { eventBody, request, startStack } from '../tests/conformance/support/harness.mjs';

const N = Number(process.argv[2] || 500);
const ROUNDS = Number(process.argv[3] || 3);
const DAY = 24 * 3600 * 1000;
const STEP = 30 * 60 * 1000;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const firstDay = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;

/** Fires all bodies at once; returns wall time and per-request latencies. */
async function burst(url, bodies) {
  const latencies = [];
  const statuses = {};
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (body) => {
      const t = performance.now();
      const res = await request(url, 'POST', '/v1/reservations', { body });
      latencies.push(performance.now() - t);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }),
  );
  return { wall: performance.now() - t0, latencies, statuses };
}

async function scenario(wasm, store) {
  const s = await startStack({ wasm, store, logger: false });
  const results = { storm: [], spread: [] };
  // Open the client's sockets first, so the rounds measure requests, not TCP setup.
  await Promise.all(Array.from({ length: N }, () => s.call('GET', '/healthz')));
  // Round 0 is a warm-up (JIT tiers, emulator, pools) and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    // A fresh expert per round: every round starts from free slots.
    for (const kind of ['storm', 'spread']) {
      const event = `${kind}-${round}`;
      await s.call('PUT', `/v1/events/${event}`, { body: eventBody(`bench-${kind}-${round}`), headers: s.admin });
      const bodies = Array.from({ length: N }, (_, i) => ({
        event_id: event,
        start: iso(firstDay + (kind === 'storm' ? 9 * 3600 * 1000 : i * STEP)),
        guest: { email: `bench${i}@example.com`, name: `Bench Guest ${i}` },
      }));
      const r = await burst(s.url, bodies);
      if (round > 0) results[kind].push(r);
    }
  }
  await s.stop();
  return results;
}

function summarize(runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const wall = runs.reduce((a, r) => a + r.wall, 0);
  const statuses = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v / runs.length;
  return {
    rps: (latencies.length / wall) * 1000,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    statuses: Object.entries(statuses).map(([k, v]) => `${v}×${k}`).join(' '),
  };
}

console.log(`${N} concurrent requests per burst, ${ROUNDS} measured rounds each after a warm-up round\n`);
console.log('build        store    load      req/s     p50 ms    p99 ms   answers per burst');
for (const wasm of ['wasi', 'emscripten']) {
  for (const store of ['memory', 'sqlite']) {
    const results = await scenario(wasm, store);
    for (const kind of ['storm', 'spread']) {
      const r = summarize(results[kind]);
      console.log(
        `${wasm.padEnd(12)} ${store.padEnd(8)} ${kind.padEnd(7)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(10)} ${r.p99.toFixed(1).padStart(9)}   ${r.statuses}`,
      );
    }
  }
}
