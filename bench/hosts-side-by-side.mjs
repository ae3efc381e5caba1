#!/usr/bin/env node
// The Node host and the Cloudflare Worker host in one run, on this machine, with the
// same loads, the same client and the same Stripe emulator settings, side by side:
//
//   storm   N concurrent POST /v1/reservations for ONE slot (1 x 201, N-1 x 409)
//   spread  N concurrent POST /v1/reservations for N distinct slots of one expert
//           (N x 201, each creating a Checkout Session at the emulator)
//
// under the Node host (wasi build) with the memory and the SQLite store, and the
// Worker in workerd (miniflare) with the D1 and the Durable Object store. Prints
// requests/second, p50/p99 latency and the answers per burst, then workerd/Node ratios.
//
//   node bench/hosts-side-by-side.mjs [--n 500] [--rounds 3] [--node-process child|in-process]
//                                     [--connections fresh|reuse]
//
// Client: the conformance harness's request() on one node:http agent (up to 1024
// sockets) talks HTTP to every host: to the Node host's listening socket and to
// workerd's own socket (miniflare's `ready` URL). By default every request gets a
// connection of its own (`--connections fresh`, as Miniflare#dispatchFetch does):
// kept-alive sockets (`reuse`) are cheaper, but workerd closes them 5 s after their
// last response, and under a load that keeps it busy for seconds some requests on
// them die with ECONNRESET (bench/lib/targets.mjs). Each host gets its own emulator,
// created with the same options, in this process. By default the Node host
// runs as its CLI in a child process, so both hosts run outside the process that
// holds the client and the emulators; `--node-process in-process` runs it in this
// process instead (as bench/storm.mjs does). A round is a storm then a spread burst
// against every target in turn (the order rotates per round), each on a fresh expert;
// round 0 is a warm-up and is not counted. It measures; it never asserts.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { eventBody } from '../tests/conformance/support/harness.mjs';
import { bookingBodies, burst, formatStatuses, summarize, table } from './lib/load.mjs';
import { CLIENT_IDLE_MS, EMULATOR_KEEP_ALIVE_MS, EMULATOR_OPTIONS, agent, startBenchEmulator, useConnections, startNodeTarget, startWorkerdTarget } from './lib/targets.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    'node-process': { type: 'string', default: 'child' },
    connections: { type: 'string', default: 'fresh' },
  },
});
const N = Number(opts.n);
const ROUNDS = Number(opts.rounds);
const NODE_PROCESS = opts['node-process'];
const LOADS = ['storm', 'spread'];
useConnections(opts.connections);

const SPECS = [
  { host: 'node', store: 'memory', start: (stripeUrl) => startNodeTarget({ store: 'memory', wasm: 'wasi', stripeUrl, process: NODE_PROCESS }) },
  { host: 'node', store: 'sqlite', start: (stripeUrl) => startNodeTarget({ store: 'sqlite', wasm: 'wasi', stripeUrl, process: NODE_PROCESS }) },
  { host: 'workerd', store: 'd1', start: (stripeUrl) => startWorkerdTarget({ store: 'd1', stripeUrl }) },
  { host: 'workerd', store: 'durable_object', start: (stripeUrl) => startWorkerdTarget({ store: 'durable_object', stripeUrl }) },
];
const label = (t) => `${t.host} ${t.store}`;

const targets = [];
try {
  for (const spec of SPECS) {
    const stripe = await startBenchEmulator();
    const t = await spec.start(stripe.url);
    targets.push({ ...t, stripe, runs: { storm: [], spread: [] } });
  }

  // N requests to every host first: with `reuse`, this opens the sockets the rounds use.
  for (const t of targets) {
    const open = await burst(N, (i) => t.call('GET', '/healthz').then((r) => r.status));
    t.healthz = open.statuses;
  }

  for (let round = 0; round <= ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      for (const kind of LOADS) {
        const event = `${kind}-${round}`;
        const put = await t.call('PUT', `/v1/events/${event}`, { body: eventBody(`bench-${kind}-${round}`), headers: t.admin });
        if (put.status !== 200 && put.status !== 201) throw new Error(`${label(t)}: PUT /v1/events/${event} answered ${put.status}: ${put.text}`);
        const bodies = bookingBodies(kind, event, N);
        const r = await burst(N, (i) => t.call('POST', '/v1/reservations', { body: bodies[i] }).then((res) => res.status));
        if (round > 0) t.runs[kind].push(r);
      }
    }
  }
} finally {
  for (const t of targets) {
    await t.stop();
    await t.stripe.stop();
  }
}

const miniflareVersion = (await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '?';
const cpus = os.cpus();
console.log(`slotguard hosts side by side: N=${N} concurrent requests per burst, ${ROUNDS} measured round(s) after a warm-up round`);
console.log(`machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? '?'}, ${os.platform()} ${os.release()}; node ${process.version}; miniflare ${miniflareVersion}`);
console.log(
  `client (the same for all hosts): node:http agent (maxSockets ${agent.maxSockets}), HTTP/1.1 to 127.0.0.1 (workerd: miniflare's ready URL, workerd's own socket), ` +
    (opts.connections === 'fresh'
      ? 'one connection per request (connection: close)'
      : `kept-alive sockets (${N} opened per host before the warm-up; dropped after ${CLIENT_IDLE_MS} ms idle)`),
);
console.log(`Node host: wasi build, ${NODE_PROCESS === 'child' ? 'host-shims/node/src/cli.js in a child process' : 'createSlotguard in the benchmark process (shares the client\'s and emulators\' event loop)'}; workerd: one workerd process per store`);
console.log(`Stripe emulator: one per host, in this process, options ${JSON.stringify({ ...EMULATOR_OPTIONS, webhookSecret: '(same)', apiKey: '(same)' })}, server keepAliveTimeout ${EMULATOR_KEEP_ALIVE_MS} ms`);
console.log(`before the warm-up, GET /healthz x ${N}: ${targets.map((t) => `${label(t)} ${formatStatuses(t.healthz)}`).join('; ')}\n`);

const summaries = new Map(targets.map((t) => [t, Object.fromEntries(LOADS.map((k) => [k, summarize(t.runs[k])]))]));
const cols = ['load', 'metric', ...targets.map(label)];
const rows = [];
for (const kind of LOADS) {
  const metric = (name, f) => rows.push({ load: kind, metric: name, ...Object.fromEntries(targets.map((t) => [label(t), f(summaries.get(t)[kind], t.runs[kind])])) });
  metric('req/s', (s) => s.rps.toFixed(0));
  metric('req/s per round', (_, runs) => runs.map((r) => ((r.latencies.length / r.wall) * 1000).toFixed(0)).join(' / '));
  metric('p50 ms', (s) => s.p50.toFixed(1));
  metric('p99 ms', (s) => s.p99.toFixed(1));
  metric('answers per burst', (s) => formatStatuses(s.statuses));
}
console.log(table(cols, rows, { right: targets.map(label) }));

console.log('\nratios workerd / Node (req/s: above 1 = workerd serves more; latency: above 1 = workerd is slower)');
const ratioRows = [];
const x = (a, b) => `${(a / b).toFixed(2)}x`;
for (const kind of LOADS) {
  for (const w of targets.filter((t) => t.host === 'workerd')) {
    for (const n of targets.filter((t) => t.host === 'node')) {
      const a = summaries.get(w)[kind];
      const b = summaries.get(n)[kind];
      ratioRows.push({ load: kind, 'workerd / Node': `${w.store} / ${n.store}`, 'req/s': x(a.rps, b.rps), p50: x(a.p50, b.p50), p99: x(a.p99, b.p99) });
    }
  }
}
console.log(table(['load', 'workerd / Node', 'req/s', 'p50', 'p99'], ratioRows, { right: ['req/s', 'p50', 'p99'] }));
