#!/usr/bin/env node
// Why this file exists: the seed and slotguard measured side by side, every figure
// from one run of one command. This is that command. It starts
// what it needs (a throwaway PostgreSQL 15 through scripts/lib/postgres.sh, a Stripe
// emulator per target, the hosts), runs the same three scenarios against each target
// in turn, and prints one table per scenario:
//
//   targets   seed          the seed's flow (bench/seed/server.mjs) on PostgreSQL, 1 process
//             sqlite        slotguard, Node host (CLI, wasi build) on SQLite, 1 process
//             pg x1/x2/x4   slotguard, 1, 2 or 4 Node host processes on one PostgreSQL
//                           database (requests spread over the hosts in turn)
//             d1, do, do/expert
//                           slotguard's Worker in workerd (miniflare) on D1, on one
//                           Durable Object per deployment, and on one per expert when
//                           the Worker has that mode (SLOTGUARD_DO_MODE = "per-expert");
//                           otherwise that row says "not available"
//   scenarios hot slot      N guests (default 1,000) on one slot of one expert
//             hot day       N guests (default 500) over the 16 half-hour starts from
//                           09:00 of one expert's day, each on a 30- or a 60-minute
//                           event type of that expert (a seeded draw, the same for
//                           every target)
//             spread        N guests (default 500) over E experts (default 50), each
//                           guest on a slot of its own (nobody competes)
//
// Every burst fires all its requests at once, each on a connection of its own. After
// each burst it reads what the store holds (slotguard: the admin listing; the seed: its
// table) and what the emulator holds, and reports:
//   double-booked  active reservations (pending and unexpired, or confirmed) beyond the
//                  most that one expert's time can hold without overlap (per expert:
//                  count minus the largest non-overlapping subset), summed;
//   Stripe/attempt every call the emulator received during the burst / requests sent;
//   orphan open    Checkout Sessions still open (payable) whose reservation is not
//                  active: a payable session for a slot nobody holds;
//   open past hold open sessions of active reservations that stay payable after the
//                  hold ends (session expires_at later than the hold's, by over 60 s);
//   req/s, p50, p99 over the burst, as the client saw it.
//
//   node bench/side-by-side.mjs [--quick] [--hot 1000] [--day 500] [--spread 500]
//                               [--experts 50] [--targets seed,sqlite,pg1,pg2,pg4,d1,do,do-expert]
//                               [--stripe-delay-ms 0] [--json out.json]
//
// --stripe-delay-ms makes the emulator answer every session create and expire that
// late (its 'delay' fault), to stand for the network and Stripe's own time; by
// default it answers at once.
// --quick is a smoke run: 20 guests per scenario over 5 experts. Without
// SLOTGUARD_TEST_PG_URL it starts a throwaway PostgreSQL 15 (scripts/lib/postgres.sh)
// and runs itself again under it; with it, it uses that server (a fresh database per
// target). It measures; it never asserts. Heavy: run it under `nice -n 10`.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ADMIN_TOKEN, STRIPE_KEY, WEBHOOK_SECRET, eventBody } from '../tests/conformance/support/harness.mjs';
import { prng } from '../tests/support/cli-hosts.mjs'; // seeded: the same draw for every target
import { DAY, MINUTE, burst, formatStatuses, iso, midnightPlus, summarize, table } from './lib/load.mjs';
import { cpuSecondsBetween, cpuTicksByProcess } from './lib/proc-cpu.mjs';
import { request, startBenchEmulator, startNodeTarget, useConnections } from './lib/targets.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SELF = fileURLToPath(import.meta.url);
const ALL_TARGETS = ['seed', 'sqlite', 'pg1', 'pg2', 'pg4', 'd1', 'do', 'do-expert'];

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    hot: { type: 'string' },
    day: { type: 'string' },
    spread: { type: 'string' },
    experts: { type: 'string' },
    targets: { type: 'string', default: ALL_TARGETS.join(',') },
    'stripe-delay-ms': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});

// ---- scenarios ---------------------------------------------------------------------

const DAY_MS = midnightPlus(2); // the day every scenario books, two days ahead
const at = (minutesFromMidnight) => iso(DAY_MS + minutesFromMidnight * MINUTE);
const NINE = 9 * 60;
const SLOTS_PER_DAY = 16; // 09:00 to 17:00 in half hours

/**
 * A scenario for the target whose ids start with `p`: the experts and their event types
 * (all without buffers, half-hour steps), and the request bodies.
 */
function scenario(kind, n, experts, p) {
  const guest = (i) => ({ email: `g${i}@example.com`, name: `Guest ${i}` });
  if (kind === 'hot') {
    const ex = { id: `${p}-hot-x`, events: [{ id: `${p}-hot-30`, minutes: 30 }] };
    return { kind, experts: [ex], bodies: Array.from({ length: n }, (_, i) => ({ event_id: ex.events[0].id, start: at(NINE), guest: guest(i) })) };
  }
  if (kind === 'day') {
    const ex = { id: `${p}-day-x`, events: [{ id: `${p}-day-30`, minutes: 30 }, { id: `${p}-day-60`, minutes: 60 }] };
    const draw = prng(9);
    const bodies = Array.from({ length: n }, (_, i) => {
      const long = draw() < 0.5;
      const k = Math.floor(draw() * (long ? SLOTS_PER_DAY - 1 : SLOTS_PER_DAY));
      return { event_id: ex.events[long ? 1 : 0].id, start: at(NINE + 30 * k), guest: guest(i) };
    });
    return { kind, experts: [ex], bodies };
  }
  if (kind === 'spread') {
    const count = Math.min(experts, n);
    if (Math.ceil(n / count) > SLOTS_PER_DAY) throw new Error(`spread: ${n} guests need at least ${Math.ceil(n / SLOTS_PER_DAY)} experts`);
    const list = Array.from({ length: count }, (_, e) => ({ id: `${p}-sp-x${e}`, events: [{ id: `${p}-sp-${e}-30`, minutes: 30 }] }));
    const bodies = Array.from({ length: n }, (_, i) => ({
      event_id: list[i % count].events[0].id,
      start: at(NINE + 30 * Math.floor(i / count)),
      guest: guest(i),
    }));
    return { kind, experts: list, bodies };
  }
  throw new Error(`unknown scenario ${kind}`);
}

// ---- what a burst left behind ------------------------------------------------------

/** Reservations beyond the largest set of one expert's spans that do not overlap. */
function excess(spans) {
  const sorted = [...spans].sort((a, b) => a.end - b.end);
  let kept = 0;
  let free = -Infinity;
  for (const s of sorted) {
    if (s.start >= free) {
      kept++;
      free = s.end;
    }
  }
  return spans.length - kept;
}

/**
 * From the active reservations ({expert, start, end, session, holdEnd} in ms) and the
 * emulator's sessions: double-booked, orphan open sessions, open sessions past their hold.
 */
function judge(active, emulator) {
  const byExpert = new Map();
  for (const r of active) byExpert.set(r.expert, [...(byExpert.get(r.expert) ?? []), r]);
  let doubleBooked = 0;
  for (const spans of byExpert.values()) doubleBooked += excess(spans);
  const holdBySession = new Map(active.filter((r) => r.session).map((r) => [r.session, r.holdEnd]));
  let orphan = 0;
  let pastHold = 0;
  for (const s of emulator.state.sessions.values()) {
    if (s.status !== 'open') continue;
    if (!holdBySession.has(s.id)) orphan++;
    else if (holdBySession.get(s.id) !== null && s.expires_at * 1000 > holdBySession.get(s.id) + 60_000) pastHold++;
  }
  return { doubleBooked, orphan, pastHold };
}

/** slotguard: the active reservations of `experts` on the scenario's day, through the admin listing. */
async function slotguardActive(t, experts) {
  const now = Date.now();
  const out = [];
  for (const ex of experts) {
    let cursor = null;
    do {
      const q = new URLSearchParams({ expert_id: ex.id, from: iso(DAY_MS), to: iso(DAY_MS + DAY), limit: '100' });
      if (cursor) q.set('cursor', cursor);
      const r = await t.call(0, 'GET', `/v1/reservations?${q}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (r.status !== 200) throw new Error(`${t.name}: listing ${ex.id} answered ${r.status}: ${r.text}`);
      for (const v of r.json.reservations) {
        const holdEnd = v.expires_at ? Date.parse(v.expires_at) : null;
        const active = v.status === 'confirmed' || (v.status === 'pending_payment' && holdEnd > now);
        if (active) out.push({ expert: ex.id, start: Date.parse(v.start), end: Date.parse(v.end), session: v.checkout_session_id, holdEnd });
      }
      cursor = r.json.next_cursor;
    } while (cursor);
  }
  return out;
}

/** The seed: its unexpired reservations of `experts`, straight from its table. */
async function seedActive(dbUrl, experts) {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT clerk_user_id, start_time, end_time, stripe_session_id, expires_at FROM slot_reservations
       WHERE clerk_user_id = ANY($1) AND expires_at > now()`,
      [experts.map((e) => e.id)],
    );
    return rows.map((r) => ({
      expert: r.clerk_user_id,
      start: r.start_time.getTime(),
      end: r.end_time.getTime(),
      session: r.stripe_session_id,
      holdEnd: r.expires_at.getTime(),
    }));
  } finally {
    await client.end();
  }
}

// ---- targets -----------------------------------------------------------------------

/** A fresh database on the throwaway server: {url, drop()}. */
async function freshDatabase(prefix) {
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: process.env.SLOTGUARD_TEST_PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(process.env.SLOTGUARD_TEST_PG_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Runs `args` with node as a child process until it prints `ready` (a regexp whose
 * group 1 is the URL) on stderr or stdout; resolves {url, stop()}.
 */
async function spawnServer(args, env, ready) {
  // SLOTGUARD_BENCH_NODE_ARGS: flags for every server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const nodeArgs = (process.env.SLOTGUARD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const exited = new Promise((done) => child.once('exit', done));
  let output = '';
  const url = await new Promise((done, fail) => {
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        output = (output + chunk).slice(-20_000);
        const m = ready.exec(output);
        if (m) done(m[1]);
      });
    }
    exited.then((code) => fail(new Error(`${args.join(' ')} exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      process.off('exit', orphan);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Node host CLI processes on one PostgreSQL database. */
async function startPgHosts(count, stripeUrl, db) {
  return Promise.all(
    Array.from({ length: count }, () =>
      spawnServer(
        [join(ROOT, 'host-shims/node/src/cli.js')],
        {
          HOST: '127.0.0.1',
          PORT: '0',
          SLOTGUARD_DB: db.url,
          SLOTGUARD_WASM: 'wasi',
          SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
          STRIPE_SECRET_KEY: STRIPE_KEY,
          STRIPE_API_BASE: stripeUrl,
          STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
          SLOTGUARD_CHECKOUT_MINUTES: '30',
          SLOTGUARD_SWEEP_INTERVAL_MS: '0',
          SLOTGUARD_RATE_LIMIT_PER_MINUTE: '0', // every guest comes from 127.0.0.1
          SLOTGUARD_MAX_IN_FLIGHT: '0',
          SLOTGUARD_LOG_LEVEL: 'error',
        },
        /slotguard listening on (http:\/\/\S+)/,
      ),
    ),
  );
}

/** Whether the Worker's source knows a per-expert Durable Object mode. */
function workerHasPerExpertMode() {
  const dir = join(ROOT, 'host-shims/cloudflare/src');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .some((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return text.includes('SLOTGUARD_DO_MODE') && text.includes('per-expert');
    });
}

/** The Worker in workerd with `store` and extra bindings, the same settings as bench/lib/targets.mjs. */
async function startWorkerd(store, stripeUrl, extra = {}) {
  const { startWorker } = await import('../tests/workerd/helpers.mjs');
  const w = await startWorker({
    store,
    stripeBase: stripeUrl,
    bindings: {
      SLOTGUARD_LOG_LEVEL: 'error',
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLOTGUARD_CHECKOUT_MINUTES: '30',
      ...extra,
    },
  });
  return { urls: [w.url], stop: () => w.close() };
}

/**
 * The targets by name: each start(stripeUrl) resolves {urls, stop(), active(experts)},
 * or throws an Error with `unavailable` set when the target does not exist yet.
 */
const TARGETS = {
  seed: {
    label: 'seed (PostgreSQL, 1 process)',
    async start(stripeUrl) {
      const db = await freshDatabase('sg_bench_seed');
      const s = await spawnServer(
        [join(ROOT, 'bench/seed/server.mjs')],
        { DATABASE_URL: db.url, STRIPE_API_BASE: stripeUrl, STRIPE_SECRET_KEY: STRIPE_KEY, PORT: '0', SEED_POOL_SIZE: '10' },
        /seed listening on (http:\/\/\S+)/,
      );
      return { urls: [s.url], active: (experts) => seedActive(db.url, experts), stop: async () => (await s.stop(), await db.drop()) };
    },
  },
  sqlite: {
    label: 'slotguard Node, SQLite, 1 host',
    async start(stripeUrl) {
      const t = await startNodeTarget({ store: 'sqlite', wasm: 'wasi', stripeUrl, process: 'child' });
      return { urls: [t.url], stop: () => t.stop() };
    },
  },
  ...Object.fromEntries(
    [1, 2, 4].map((k) => [
      `pg${k}`,
      {
        label: `slotguard Node, PostgreSQL, ${k} host${k > 1 ? 's' : ''}`,
        async start(stripeUrl) {
          const db = await freshDatabase(`sg_bench_pg${k}`);
          const hosts = await startPgHosts(k, stripeUrl, db);
          return {
            urls: hosts.map((h) => h.url),
            stop: async () => (await Promise.all(hosts.map((h) => h.stop())), await db.drop()),
          };
        },
      },
    ]),
  ),
  d1: { label: 'slotguard workerd, D1', start: (stripeUrl) => startWorkerd('d1', stripeUrl) },
  do: { label: 'slotguard workerd, DO per deployment', start: (stripeUrl) => startWorkerd('durable_object', stripeUrl) },
  'do-expert': {
    label: 'slotguard workerd, DO per expert',
    async start(stripeUrl) {
      const unavailable = (why) => Object.assign(new Error(`not available: ${why}`), { unavailable: true });
      if (!workerHasPerExpertMode()) throw unavailable('the Worker has no SLOTGUARD_DO_MODE "per-expert" mode in host-shims/cloudflare/src');
      // The source may name the mode before the Worker reads it: a Worker that reads the
      // binding refuses a value it does not know; one that ignores it would run the
      // single object and mislabel the row.
      const probe = await startWorkerd('durable_object', stripeUrl, { SLOTGUARD_DO_MODE: 'bench-probe-no-such-mode' });
      let answer;
      try {
        answer = await request(probe.urls[0], 'PUT', '/v1/events/probe', {
          body: eventBody('probe'),
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, connection: 'close' },
        });
      } finally {
        await probe.stop();
      }
      if (answer.status < 500) throw unavailable(`the Worker ignores SLOTGUARD_DO_MODE (an unknown mode got ${answer.status}, not a refusal)`);
      return startWorkerd('durable_object', stripeUrl, { SLOTGUARD_DO_MODE: 'per-expert' });
    },
  },
};

// ---- the run -----------------------------------------------------------------------

async function main() {
  useConnections('fresh'); // a connection per request, for every target (bench/lib/targets.mjs)
  const sizes = opts.quick
    ? { hot: 20, day: 20, spread: 20, experts: 5 }
    : { hot: 1000, day: 500, spread: 500, experts: 50 };
  for (const k of ['hot', 'day', 'spread', 'experts']) if (opts[k] !== undefined) sizes[k] = Number(opts[k]);
  const names = opts.targets.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!TARGETS[n]) throw new Error(`unknown target ${n} (known: ${ALL_TARGETS.join(', ')})`);
  const SCENARIOS = [
    { kind: 'hot', title: `hot slot: ${sizes.hot} guests on one slot`, n: sizes.hot },
    { kind: 'day', title: `hot day: ${sizes.day} guests over the ${SLOTS_PER_DAY} half-hour starts of one expert's day, 30- and 60-minute event types`, n: sizes.day },
    { kind: 'spread', title: `spread: ${sizes.spread} guests over ${Math.min(sizes.experts, sizes.spread)} experts, a slot each`, n: sizes.spread },
  ];

  const stripeDelayMs = Number(opts['stripe-delay-ms']);
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: process.env.SLOTGUARD_TEST_PG_URL });
    await c.connect();
    try {
      return (await c.query('SHOW server_version')).rows[0].server_version;
    } finally {
      await c.end();
    }
  })();
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`node ${process.version}, PostgreSQL ${pgVersion}, slotguard wasi build (build/dist), ${new Date().toISOString()}`);
  console.log(`client: every request on a connection of its own, a burst fires all of them at once; one Stripe emulator per target`);
  console.log(`Stripe emulator answers ${stripeDelayMs > 0 ? `session creates and expires after ${stripeDelayMs} ms` : 'at once'}`);
  console.log(`sizes: hot ${sizes.hot}, day ${sizes.day}, spread ${sizes.spread} over ${Math.min(sizes.experts, sizes.spread)} experts\n`);

  const rows = Object.fromEntries(SCENARIOS.map((s) => [s.kind, []]));
  const notes = [];
  // The emulator's delay faults, enough for every create and expire of `n` attempts.
  const slowStripe = (emulator, n) => {
    if (!(stripeDelayMs > 0)) return;
    for (const route of ['POST /v1/checkout/sessions', 'POST /v1/checkout/sessions/:id/expire']) {
      for (let left = n; left > 0; left -= 1000) emulator.injectFaults({ route, fault: 'delay', delayMs: stripeDelayMs, count: Math.min(left, 1000) });
    }
  };
  for (const name of names) {
    const spec = TARGETS[name];
    const stripe = await startBenchEmulator();
    let t;
    try {
      t = await spec.start(stripe.url);
    } catch (error) {
      const why = error.unavailable ? error.message : `failed to start: ${error.message.split('\n')[0]}`;
      console.log(`${spec.label}: ${error.unavailable ? why : error.message}`);
      for (const s of SCENARIOS) rows[s.kind].push({ target: spec.label, answers: error.unavailable ? 'not available' : 'failed to start' });
      notes.push(`${spec.label}: ${why}`);
      await stripe.stop();
      continue;
    }
    const target = {
      name,
      // Request i goes to host i mod hosts.
      call: (i, method, path, o = {}) => request(t.urls[i % t.urls.length], method, path, { ...o, headers: { ...o.headers, connection: 'close' } }),
    };
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const setUp = async (experts) => {
      for (const ex of experts) {
        for (const ev of ex.events) {
          const r = await target.call(0, 'PUT', `/v1/events/${ev.id}`, { body: eventBody(ex.id, { duration_minutes: ev.minutes, slot_step_minutes: 30 }), headers: admin });
          if (r.status !== 200 && r.status !== 201) throw new Error(`${spec.label}: PUT /v1/events/${ev.id} answered ${r.status}: ${r.text}`);
        }
      }
    };
    let failed = null;
    try {
      // Warm-up, not measured: a few bookings of an expert of its own on every host.
      const warm = scenario('spread', 4 * t.urls.length, 2, `${name}-warm`);
      try {
        await setUp(warm.experts);
        slowStripe(stripe.emulator, warm.bodies.length);
        await burst(warm.bodies.length, (i) => target.call(i, 'POST', '/v1/reservations', { body: warm.bodies[i] }).then((r) => r.status));
      } catch (error) {
        failed = error;
      }

      for (const s of SCENARIOS) {
        if (failed) {
          rows[s.kind].push({ target: spec.label, answers: 'failed' });
          continue;
        }
        const plan = scenario(s.kind, s.n, sizes.experts, name);
        try {
          rows[s.kind].push(await measure(plan));
        } catch (error) {
          failed = error;
          rows[s.kind].push({ target: spec.label, answers: 'failed' });
        }
      }
    } finally {
      await t.stop();
      await stripe.stop();
    }
    if (failed) {
      console.log(`${spec.label}: ${failed.message}`);
      notes.push(`${spec.label}: failed: ${failed.message.split('\n')[0]}`);
    }

    /** One scenario's burst against this target, and what it left behind: a table row. */
    async function measure(plan) {
      await setUp(plan.experts);
      stripe.emulator.reset(); // the counters, sessions and faults of this burst only
      slowStripe(stripe.emulator, plan.bodies.length);
      const cpuBefore = cpuTicksByProcess();
      const r = await burst(plan.bodies.length, (i) => target.call(i, 'POST', '/v1/reservations', { body: plan.bodies[i] }).then((res) => res.status));
      const cpu = cpuSecondsBetween(cpuBefore, cpuTicksByProcess());
      const calls = stripe.emulator.stats().api_calls.total;
      const active = t.active ? await t.active(plan.experts) : await slotguardActive(target, plan.experts);
      const verdict = judge(active, stripe.emulator);
      const sum = summarize([r]);
      const row = {
        target: spec.label,
        answers: formatStatuses(r.statuses),
        'double-booked': verdict.doubleBooked,
        'Stripe/attempt': (calls / plan.bodies.length).toFixed(3),
        'orphan open': verdict.orphan,
        'open past hold': verdict.pastHold,
        'req/s': sum.rps.toFixed(0),
        'p50 ms': sum.p50.toFixed(0),
        'p99 ms': sum.p99.toFixed(0),
        // CPU seconds over the burst: the target's processes / PostgreSQL / this process
        // (client and Stripe emulator) / everything else on the machine.
        'CPU s target/pg/bench/other': cpu ? ['target', 'pg', 'bench', 'other'].map((k) => cpu[k].toFixed(2)).join(' / ') : 'n/a',
        'wall s': (r.wall / 1000).toFixed(2),
      };
      console.log(`${spec.label} | ${plan.kind}: ${JSON.stringify(row)}`);
      return row;
    }
  }

  const COLS = ['target', 'answers', 'double-booked', 'Stripe/attempt', 'orphan open', 'open past hold', 'req/s', 'p50 ms', 'p99 ms', 'wall s', 'CPU s target/pg/bench/other'];
  const RIGHT = COLS.slice(2);
  for (const s of SCENARIOS) {
    console.log(`\n${s.title}\n`);
    console.log(table(COLS, rows[s.kind], { right: RIGHT }));
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  // --json: the same rows, by scenario, for a program (tests/bench reads it).
  if (opts.json) writeFileSync(resolve(process.env.SG_BENCH_CWD ?? process.cwd(), opts.json), `${JSON.stringify({ sizes, stripeDelayMs, rows, notes }, null, 2)}\n`);
}

// ---- PostgreSQL: without a server, run again under a throwaway one ----------------
if (!process.env.SLOTGUARD_TEST_PG_URL) {
  const script = [
    'source scripts/lib/common.sh',
    'source scripts/lib/postgres.sh',
    'start_test_postgres',
    // Not the last command, so bash does not exec node and its EXIT trap stops the server.
    'node "$0" "$@"; exit $?',
  ].join('\n');
  const child = spawn('bash', ['-c', script, SELF, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, SG_BENCH_CWD: process.cwd() }, // where a relative --json path points
  });
  process.on('SIGINT', () => {}); // the child (same process group) gets it and cleans up
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}
