#!/usr/bin/env node
// GET /v1/events/:id/slots over the widest range it takes (7 days) of a fully booked
// calendar, on the Node host: a 15-minute event with a 15-minute step, all 672 slots
// of the week held by pending reservations (one Checkout Session each at the
// emulator), so the query reads and decodes the expert's whole week of ledger
// buckets. The same query against an event of another expert with no bookings (672
// free slots) is the baseline. Median of N sequential queries, in ms per query:
//
//   http     over the host's HTTP server with the benchmarks' client (a round trip)
//   handle   slotguard.handle(), the embedding entry point: the module and the store,
//            no socket, no HTTP parsing
//
//   node bench/slots-query.mjs [--runs 50] [--stores memory,sqlite] [--wasm wasi]
// The host, the emulator and the client share this process. It measures; it never
// asserts timings (it does check that the calendar was booked as intended).
import { parseArgs } from 'node:util';
import { eventBody } from '../tests/conformance/support/harness.mjs';
import { DAY, MINUTE, burst, formatStatuses, iso, midnightPlus, percentile, table } from './lib/load.mjs';
import { startBenchEmulator, startNodeTarget } from './lib/targets.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '10' },
    stores: { type: 'string', default: 'memory,sqlite' },
    wasm: { type: 'string', default: 'wasi' },
  },
});
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
const STORES = opts.stores.split(',');
const STEP_MINUTES = 15;
const DAYS = 7;
const SLOTS = (DAYS * DAY) / (STEP_MINUTES * MINUTE); // 672

const firstDay = midnightPlus(2);
const query = `from=${iso(firstDay)}&to=${iso(firstDay + DAYS * DAY)}`;
const calendar = { duration_minutes: STEP_MINUTES, slot_step_minutes: STEP_MINUTES };

async function measure(store) {
  const stripe = await startBenchEmulator();
  const s = await startNodeTarget({ store, wasm: opts.wasm, stripeUrl: stripe.url, process: 'in-process' });
  try {
    for (const [event, expert] of [['full', 'slots-full'], ['empty', 'slots-empty']]) {
      const put = await s.call('PUT', `/v1/events/${event}`, { body: eventBody(expert, calendar), headers: s.admin });
      if (put.status !== 200 && put.status !== 201) throw new Error(`PUT /v1/events/${event}: ${put.status} ${put.text}`);
    }
    // Book every slot of the week, 96 at a time (one day per burst).
    const perDay = SLOTS / DAYS;
    const booked = {};
    for (let day = 0; day < DAYS; day++) {
      const r = await burst(perDay, (i) =>
        s
          .call('POST', '/v1/reservations', {
            body: {
              event_id: 'full',
              start: iso(firstDay + day * DAY + i * STEP_MINUTES * MINUTE),
              guest: { email: `slots${day}-${i}@example.com`, name: `Slots Guest ${day}-${i}` },
            },
          })
          .then((res) => res.status),
      );
      for (const [k, v] of Object.entries(r.statuses)) booked[k] = (booked[k] ?? 0) + v;
    }
    if (booked[201] !== SLOTS) throw new Error(`booking the calendar answered ${formatStatuses(booked)}, expected 201x${SLOTS}`);

    const rows = [];
    const samples = { full: { http: [], handle: [] }, empty: { http: [], handle: [] } };
    const shape = {};
    for (const event of ['full', 'empty']) {
      const res = await s.call('GET', `/v1/events/${event}/slots?${query}`);
      const slots = res.json?.slots ?? [];
      const taken = slots.filter((x) => !x.available).length;
      if (res.status !== 200 || slots.length !== SLOTS || taken !== (event === 'full' ? SLOTS : 0))
        throw new Error(`GET /v1/events/${event}/slots: ${res.status}, ${slots.length} slots, ${taken} taken`);
      shape[event] = { slots: slots.length, taken, bytes: Buffer.byteLength(res.text) };
    }
    const viaHttp = async (event) => {
      const t = performance.now();
      const res = await s.call('GET', `/v1/events/${event}/slots?${query}`);
      if (res.status !== 200) throw new Error(`slots query answered ${res.status}`);
      return performance.now() - t;
    };
    const viaHandle = async (event) => {
      const t = performance.now();
      const res = await s.handle({ method: 'GET', url: `/v1/events/${event}/slots?${query}` });
      if (res.status !== 200) throw new Error(`slots query answered ${res.status}`);
      return performance.now() - t;
    };
    // Interleaved, so drift on a noisy machine falls on both calendars and both paths.
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const event of ['full', 'empty']) {
        const h = await viaHttp(event);
        const d = await viaHandle(event);
        if (i >= WARMUP) {
          samples[event].http.push(h);
          samples[event].handle.push(d);
        }
      }
    }
    for (const event of ['full', 'empty']) {
      for (const path of ['http', 'handle']) {
        const xs = samples[event][path];
        rows.push({
          store,
          calendar: event === 'full' ? `full (${shape.full.taken} booked)` : 'empty (0 booked)',
          path,
          'median ms': percentile(xs, 50).toFixed(2),
          'p90 ms': percentile(xs, 90).toFixed(2),
          'min ms': Math.min(...xs).toFixed(2),
          slots: shape[event].slots,
          'response bytes': shape[event].bytes,
        });
      }
    }
    return rows;
  } finally {
    await s.stop();
    await stripe.stop();
  }
}

const rows = [];
for (const store of STORES) rows.push(...(await measure(store)));
console.log(`GET /v1/events/:id/slots?${query}`);
console.log(`Node host (${opts.wasm} build), ${DAYS}-day range, ${STEP_MINUTES}-minute slots, ${RUNS} sequential queries per row after ${WARMUP} warm-up, node ${process.version}\n`);
console.log(table(['store', 'calendar', 'path', 'median ms', 'p90 ms', 'min ms', 'slots', 'response bytes'], rows, { right: ['median ms', 'p90 ms', 'min ms', 'slots', 'response bytes'] }));
