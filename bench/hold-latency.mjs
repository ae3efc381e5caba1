#!/usr/bin/env node
// Why this file exists: issue 24's first target is the latency a guest feels on an
// uncontended hold, and where it goes. This bench measures it as a new user would: the
// Node host CLI in a child process (wasi build), a Stripe emulator, one request at a
// time on distinct free slots, for each store (the emulator in a process of its own). Per store it prints:
//   - hold p50: POST /v1/reservations as the client saw it (keep-alive, one connection);
//   - the HTTP hop: GET /healthz p50 on the same connection;
//   - Stripe: the very request the core sent to the emulator for a session, replayed
//     straight to the emulator from here (p50);
//   - added by slotguard: hold - hop - Stripe (the target: <= 1 ms on SQLite, <= 2 ms
//     on PostgreSQL);
//   - the breakdown: the host traces each request (SLOTGUARD_TRACE_TIMINGS, trace.js:
//     off by default, no cost then) and the bench prints the median per request of
//     every span: the core's route lookup, the body, each store call (and, on
//     PostgreSQL, the pool wait and each statement), the Stripe fetch, the core itself
//     less its host calls, the write and the flush.
//
//   node bench/hold-latency.mjs [--holds 400] [--warmup 100] [--stores sqlite,postgres] [--before DIR] [--json out.json]
//
// --before DIR runs the host of another checkout (DIR/host-shims/node/src/cli.js, e.g.
// `git archive <commit> host-shims | tar -x -C DIR` with DIR/node_modules linked to
// this one's) beside this one, on this checkout's modules, the two taking turns request
// by request: before and after in one run (traced too when that host has
// host-shims/node/src/trace.js).
//
// Without SLOTGUARD_TEST_PG_URL (and with postgres among the stores) it starts a
// throwaway PostgreSQL 15 (scripts/lib/postgres.sh) and runs itself again under it.
// It measures and prints; it never asserts.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BENCH_ADMIN_TOKEN, MINUTE, benchEvent, firstDay, iso } from './lib/engine-host.mjs';
import { STRIPE_KEY, WEBHOOK_SECRET } from '../tests/conformance/support/harness.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SELF = fileURLToPath(import.meta.url);
const { values: opts } = parseArgs({
  options: {
    holds: { type: 'string', default: '400' },
    warmup: { type: 'string', default: '100' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    before: { type: 'string' },
    json: { type: 'string' },
  },
});
const HOLDS = Number(opts.holds);
const WARMUP = Number(opts.warmup);
const STORES = opts.stores.split(',');

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const p50 = (xs) => pct(xs, 50);

/** One keep-alive connection; send(method, path, body, headers) -> {status, ms, body}. */
function client(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(base);
  return {
    send(method, path, body = null, headers = {}) {
      const data = body === null ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      return new Promise((done, fail) => {
        const t0 = performance.now();
        const req = http.request({ agent, hostname, port, method, path, headers: { ...headers, ...(data ? { 'content-type': headers['content-type'] ?? 'application/json', 'content-length': data.length } : {}) } }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode, ms: performance.now() - t0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', fail);
        req.end(data ?? undefined);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A fresh database on the throwaway server. */
async function freshDatabase() {
  const name = `sg_hold_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: process.env.SLOTGUARD_TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(process.env.SLOTGUARD_TEST_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The host CLI in a child process, tracing into `traceFile`. */
async function startHost(store, stripeUrl, traceFile, root = ROOT) {
  const dir = mkdtempSync(join(os.tmpdir(), 'slotguard-hold-'));
  const db = store === 'postgres' ? await freshDatabase() : join(dir, 'slotguard.db');
  const child = spawn(process.execPath, [join(root, 'host-shims/node/src/cli.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      SLOTGUARD_DB: db,
      SLOTGUARD_WASM: 'wasi',
      SLOTGUARD_WASM_DIR: process.env.SLOTGUARD_WASM_DIR ?? join(ROOT, 'build/dist'),
      SLOTGUARD_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_API_BASE: stripeUrl,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLOTGUARD_CHECKOUT_MINUTES: '30',
      SLOTGUARD_SWEEP_INTERVAL_MS: '0',
      SLOTGUARD_RATE_LIMIT_PER_MINUTE: '0',
      SLOTGUARD_LOG_LEVEL: 'error',
      ...(traceFile ? { SLOTGUARD_TRACE_TIMINGS: traceFile } : {}),
    },
  });
  const exited = new Promise((done) => child.once('exit', done));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let stderr = '';
  const url = await new Promise((done, fail) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      stderr += c;
      const m = /slotguard listening on (\S+)/.exec(stderr);
      if (m) done(m[1]);
    });
    exited.then((code) => fail(new Error(`host exited ${code}:\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      process.off('exit', orphan);
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The emulator in a child process (bench/lib/emulator-child.mjs): {url, sample, stop()}. */
async function startEmulatorChild() {
  const child = spawn(process.execPath, [join(ROOT, 'bench/lib/emulator-child.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const exited = new Promise((done) => child.once('exit', done));
  const lines = [];
  const waiting = [];
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    out += d;
    for (let nl; (nl = out.indexOf('\n')) >= 0; out = out.slice(nl + 1)) {
      const v = JSON.parse(out.slice(0, nl));
      if (waiting.length) waiting.shift()(v);
      else lines.push(v);
    }
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((done) => waiting.push(done)));
  const { url } = await next();
  const sample = next();
  return {
    url,
    sample,
    async stop() {
      process.off('exit', orphan);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Holds, hops and Stripe calls, one at a time, on every host of `hosts` ({root,
 * traced}) in turn: request i goes to each host before request i + 1 goes to any, so
 * a machine whose load drifts weighs on every host alike. One emulator serves them
 * all. Resolves one result per host: p50s, and the breakdown of a traced one.
 */
async function measure(store, hosts) {
  const stripe = await startEmulatorChild();
  const runs = [];
  for (const [k, h] of hosts.entries()) {
    const traceFile = h.traced ? join(os.tmpdir(), `slotguard-trace-${process.pid}-${store}-${k}.jsonl`) : null;
    const host = await startHost(store, stripe.url, traceFile, h.root);
    runs.push({ ...h, host, traceFile, c: client(host.url), eventId: `hold-${store}-${k}`, holds: [], hops: [], stripes: [], statuses: {} });
  }
  const s = client(stripe.url);
  const admin = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
  for (const r of runs) {
    const put = await r.c.send('PUT', `/v1/events/${r.eventId}`, benchEvent(`${r.eventId}-expert`), admin);
    if (put.status !== 200 && put.status !== 201) throw new Error(`PUT event: ${put.status} ${put.body}`);
  }
  const day0 = firstDay();
  let replayed = 0;
  for (let i = 0; i < WARMUP + HOLDS; i++) {
    for (const r of runs) {
      const body = { event_id: r.eventId, start: iso(day0 + i * 15 * MINUTE), guest: { email: `g${i}@bench.example`, name: `Guest ${i}` } };
      const h = await r.c.send('POST', '/v1/reservations', body);
      const g = await r.c.send('GET', '/healthz');
      const sample = await stripe.sample;
      const headers = { ...sample.headers, 'idempotency-key': `bench-replay-${replayed++}` };
      delete headers.host;
      delete headers['content-length'];
      delete headers.connection;
      const x = await s.send('POST', '/v1/checkout/sessions', sample.body, headers);
      if (x.status !== 200) throw new Error(`replayed session create: ${x.status} ${x.body}`);
      if (i < WARMUP) continue;
      r.statuses[h.status] = (r.statuses[h.status] ?? 0) + 1;
      r.holds.push(h.ms);
      r.hops.push(g.ms);
      r.stripes.push(x.ms);
    }
  }
  s.close();
  const out = [];
  for (const r of runs) {
    r.c.close();
    await r.host.stop();
    const o = { store, root: r.root, traced: r.traced, statuses: r.statuses, hold: p50(r.holds), holdP90: pct(r.holds, 90), hop: p50(r.hops), stripe: p50(r.stripes) };
    o.added = o.hold - o.hop - o.stripe;
    if (r.traceFile) {
      o.spans = breakdown(readFileSync(r.traceFile, 'utf8'));
      rmSync(r.traceFile, { force: true });
    }
    out.push(o);
  }
  await stripe.stop();
  return out;
}

/**
 * Where a typical hold's time goes: the holds whose time in the host lies between its
 * 25th and 75th percentile (the middle half, so the rows add up and the noise of a
 * shared machine stays out), and the mean per hold of each span over them.
 */
function breakdown(text) {
  const all = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.method === 'POST' && r.url === '/v1/reservations')
    .slice(WARMUP);
  const lo = pct(all.map((r) => r.total), 25);
  const hi = pct(all.map((r) => r.total), 75);
  const holds = all.filter((r) => r.total >= lo && r.total <= hi);
  const mean = (f) => holds.reduce((a, r) => a + f(r), 0) / holds.length;
  const names = [...new Set(holds.flatMap((r) => r.spans.map((s) => s.name)))];
  const per = (r, name) => r.spans.filter((s) => s.name === name).reduce((a, s) => a + s.ms, 0);
  const count = (r, name) => r.spans.filter((s) => s.name === name).length;
  const rows = names.map((name) => ({ name, ms: mean((r) => per(r, name)), calls: mean((r) => count(r, name)) }));
  // The core and the bridge: the core's span less the host calls made inside it.
  const inner = (r) => r.spans.filter((s) => s.name.startsWith('store.') || s.name.startsWith('fetch ')).reduce((a, s) => a + s.ms, 0);
  rows.push({ name: 'core less its host calls (wasm + bridge + waits)', ms: mean((r) => per(r, 'core') - inner(r)), calls: 1 });
  rows.push({ name: 'handler less describe, body, core, write', ms: mean((r) => per(r, 'handler') - ['describe', 'body', 'core', 'write'].reduce((a, n) => a + per(r, n), 0)), calls: 1 });
  rows.push({ name: `total in the host, arrival to flush (${holds.length} holds of the middle half)`, ms: mean((r) => r.total), calls: 1 });
  return rows;
}

async function main() {
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; node ${process.version}`);
  console.log(`one request at a time, ${HOLDS} holds after ${WARMUP} unmeasured; host CLI (wasi) and Stripe emulator each in a child process\n`);
  const results = [];
  for (const store of STORES) {
    // Untraced first (the figures a guest sees), then traced (where the time goes).
    const beforeRoot = opts.before ? resolve(opts.before) : null;
    // Untraced (the figures a guest sees), then traced (where the time goes); the
    // before tree is traced too when it has the tracer (trace.js).
    const [plain, before] = await measure(store, [{ root: ROOT, traced: false }, ...(beforeRoot ? [{ root: beforeRoot, traced: false }] : [])]);
    const canTrace = beforeRoot && existsSync(join(beforeRoot, 'host-shims/node/src/trace.js'));
    const [traced, beforeTraced] = await measure(store, [{ root: ROOT, traced: true }, ...(canTrace ? [{ root: beforeRoot, traced: true }] : [])]);
    results.push({ before, beforeTraced, plain, traced });
    const f = (x) => (x === undefined ? '-' : x.toFixed(2));
    const line = (label, r) =>
      console.log(`${label}: hold p50 ${f(r.hold)} ms (p90 ${f(r.holdP90)}), HTTP hop ${f(r.hop)}, Stripe ${f(r.stripe)}, added by slotguard ${f(r.added)} ms [${JSON.stringify(r.statuses)}]`);
    if (before) line(`${store} before (${opts.before})`, before);
    line(`${store}${before ? ' now' : ''}`, plain);
    if (before) console.log(`  now / before: hold ${f(plain.hold / before.hold)}, added ${f(plain.added / before.added)}`);
    if (beforeTraced) console.log(`  traced runs: before: hold p50 ${f(beforeTraced.hold)} ms, added ${f(beforeTraced.added)} ms; now: hold p50 ${f(traced.hold)} ms, added ${f(traced.added)} ms`);
    else console.log(`  traced run: hold p50 ${f(traced.hold)} ms, hop ${f(traced.hop)}, Stripe ${f(traced.stripe)}, added ${f(traced.added)} ms`);
    const names = [...new Set([...(beforeTraced?.spans ?? []), ...traced.spans].map((r) => r.name))];
    const find = (rows, name) => rows?.find((r) => r.name === name);
    console.log(`  | span (mean per hold, middle half) |${beforeTraced ? ' before ms | calls |' : ''} ms | calls |`);
    console.log(`  |---|${beforeTraced ? '---|---|' : ''}---|---|`);
    for (const name of names) {
      const b = find(beforeTraced?.spans, name);
      const n = find(traced.spans, name);
      const cells = (r) => `${f(r?.ms)} | ${r ? r.calls.toFixed(1) : '-'} |`;
      console.log(`  | ${name} |${beforeTraced ? ` ${cells(b)}` : ''} ${cells(n)}`);
    }
    console.log('');
  }
  if (opts.json) writeFileSync(resolve(process.env.SG_BENCH_CWD ?? process.cwd(), opts.json), `${JSON.stringify(results, null, 2)}\n`);
}

if (STORES.includes('postgres') && !process.env.SLOTGUARD_TEST_PG_URL) {
  const script = ['source scripts/lib/common.sh', 'source scripts/lib/postgres.sh', 'start_test_postgres', 'node "$0" "$@"; exit $?'].join('\n');
  const child = spawn('bash', ['-c', script, SELF, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, SG_BENCH_CWD: process.cwd() } });
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}
