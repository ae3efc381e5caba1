// Faults in the real database: four slotguard Node hosts (the CLI, each its own
// process) on one PostgreSQL database, each reaching it through a TCP proxy of the
// test's own (tests/support/fault-proxy.mjs), in front of one Stripe emulator whose
// webhooks go to the hosts in turn. Two of the hosts connect with
// default_transaction_isolation = serializable, so their commits run inside
// BEGIN ISOLATION LEVEL READ COMMITTED ... COMMIT (the store's path for such
// connections); the other two commit with one statement. In the middle of a storm of
// overlapping holds, payments and cancels, one fault at a time:
//
//   - cut: every connection reset at once (mid-statement, mid-transaction, idle);
//   - commit-cut: connections cut after a commit reached the server and before its
//     answer came back, so the host cannot know whether it committed (it did);
//   - stall: the link carries no byte, either way, for longer than the hosts' store
//     timeout; then what it held is delivered (commits land after their host gave up);
//   - restart: PostgreSQL restarted with `pg_ctl restart -m immediate` (the throwaway
//     server of scripts/lib/postgres.sh only).
//
// After each: no two active reservations overlap, every 201 (before, during and after
// the fault) is readable as granted, every 200 cancel stayed done, every paid session
// ends confirmed or refunded after the sweep, every request got an answer (503 while
// the store was away, never a dropped connection), and every host books again without
// being restarted. SLOTGUARD_DB_FAULT_ROUNDS=n repeats the four faults n times.
//
//   scripts/lib/with-test-postgres node --test tests/db-faults/postgres-faults.test.mjs
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { WASM } from '../conformance/support/harness.mjs';
import { PG_URL, SKIP_WITHOUT_PG, connect, freshDatabase } from '../conformance/support/postgres.mjs';
import { startSpreader, stopHost } from '../support/cli-hosts.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';
import { reservationIds, startHost } from '../multihost/support/cluster.mjs';
import { ADMIN_TOKEN, ROUNDS, STRIPE_KEY, WEBHOOK_SECRET, createStormDriver } from './support/storm.mjs';

const HOSTS = 4;
// The hosts' store timeout: statement_timeout and lock_timeout on the server; the
// client gives up 2 s later (host-shims/node/src/postgres-store.js).
const STATEMENT_TIMEOUT_MS = 1000;
const CLIENT_BOUND_MS = STATEMENT_TIMEOUT_MS + 2000;
const STALL_MS = 3 * CLIENT_BOUND_MS;
const COMMIT_CUTS = 12;
const INJECT_AFTER = 60; // answers of a storm before its fault

const run = promisify(execFile);

/**
 * The throwaway server's data directory and pg_ctl, or why it cannot be restarted here:
 * only a server started by scripts/lib/postgres.sh (its directory is slotguard-pg.*)
 * is ever restarted by a test.
 */
async function restartableServer() {
  const c = await connect(PG_URL);
  let dataDir;
  try {
    dataDir = (await c.query('SHOW data_directory')).rows[0].data_directory;
  } finally {
    await c.end();
  }
  if (!basename(dirname(dataDir)).startsWith('slotguard-pg.')) return { skip: `not the throwaway server (${dataDir})` };
  const pgCtl = join(process.env.PG_BIN || '/usr/lib/postgresql/15/bin', 'pg_ctl');
  // As root the server runs as `postgres` (scripts/lib/postgres.sh); so does pg_ctl.
  const argv = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', pgCtl] : [pgCtl];
  const restart = () =>
    run(argv[0], [...argv.slice(1), '-D', dataDir, '-l', join(dirname(dataDir), 'server.log'), '-m', 'immediate', '-w', '-t', '60', 'restart']);
  return { skip: false, restart };
}

/** When the server last started: tells a restart from none. */
async function serverStartTime() {
  const c = await connect(PG_URL);
  try {
    return (await c.query('SELECT pg_postmaster_start_time()::text AS t')).rows[0].t;
  } finally {
    await c.end();
  }
}

const server = PG_URL ? await restartableServer().catch((e) => ({ skip: String(e) })) : { skip: 'no server' };

describe(`faults in the real database (${WASM}, PostgreSQL, ${HOSTS} hosts behind a fault proxy)`, { skip: SKIP_WITHOUT_PG }, () => {
  let db;
  let emulator;
  let spreader;
  let proxy;
  let hosts = [];
  let driver;
  const live = () => hosts.filter((h) => !h.exited);

  before(async () => {
    db = await freshDatabase('sg_dbfaults');
    // The throwaway server runs with synchronous_commit off (scripts/lib/postgres.sh): an
    // immediate restart would then lose commits it had acknowledged. A real deployment
    // keeps it on; so does this database.
    const c = await connect(PG_URL);
    try {
      await c.query(`ALTER DATABASE ${db.name} SET synchronous_commit = on`);
    } finally {
      await c.end();
    }
    const pg = new URL(PG_URL);
    proxy = await startFaultProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    emulator = createEmulator({
      webhookSecret: WEBHOOK_SECRET,
      apiKey: STRIPE_KEY,
      autoExpire: false, // nothing expires during the test
      // Quick retries: deliveries refused while the store is away come back soon.
      webhookRetry: { baseDelayMs: 100, factor: 2, maxAttempts: 8 },
      onInternalError: (error) => console.error('[stripe-emulator]', error),
    });
    const emulatorUrl = await emulator.start(0);
    spreader = await startSpreader(live);
    emulator.setWebhookEndpoint(spreader.url, WEBHOOK_SECRET);
    const through = proxy.urlFor(db.url);
    const serializable = new URL(through);
    serializable.searchParams.set('options', '-c default_transaction_isolation=serializable');
    const env = { SLOTGUARD_PG_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) };
    const opts = (url) => ({ dbUrl: url, emulatorUrl, adminToken: ADMIN_TOKEN, webhookSecret: WEBHOOK_SECRET, stripeKey: STRIPE_KEY, env });
    // Started together, so that they also race on the schema migration; the ones that
    // started are kept for after() to stop, whatever happened to the others.
    const started = await Promise.allSettled(
      Array.from({ length: HOSTS }, (_, i) => startHost(`host${i + 1}${i % 2 ? '-txn' : ''}`, opts(i % 2 ? serializable.toString() : through))),
    );
    hosts = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    driver = createStormDriver({ live, emulator, reservationIds: () => reservationIds(db.url) });
    await driver.setUp();
  });

  after(async () => {
    await Promise.all(hosts.map((h) => stopHost(h)));
    await emulator?.stop();
    await spreader?.close();
    await proxy?.close();
    await db?.drop();
  });

  /** On failure, what the hosts last said goes with the report. */
  function reportOnFailure(t) {
    let passed = false;
    t.after(() => {
      if (passed) return;
      for (const h of hosts) console.log(`----- ${h.name} ${JSON.stringify(h.exited)} -----\n${h.output.join('\n')}`);
    });
    return () => (passed = true);
  }

  /** The storm with `fault` injected, then healing, settling, the invariants and the probes. */
  async function faultRound(t, round, name, fault) {
    const done = reportOnFailure(t);
    const pids = hosts.map((h) => h.child.pid);
    const statsBefore = proxy.stats();
    const { answers, fault: seen } = await driver.storm({ seed: 1000 + round, round, injectAfter: INJECT_AFTER, inject: fault });
    const healedAt = Date.now();
    await driver.probeEveryHost();
    const probeMs = Date.now() - healedAt;
    const orphans = driver.payOrphans();
    const sweeps = await driver.settle();
    const summary = await driver.checkInvariants(answers);
    assert.deepEqual(hosts.map((h) => h.child.pid), pids, 'no host was restarted');
    const s = proxy.stats();
    const delta = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v - statsBefore[k]]).filter(([k]) => k !== 'open'));
    console.log(
      JSON.stringify({ round, fault: name, ...seen, proxy: delta, slowest_ms: Math.max(0, ...answers.map((a) => a.ms)), probe_ms: probeMs, orphans, sweeps, ...summary }),
    );
    done();
    return { answers, delta, seen };
  }

  const faults = {
    async cut(t, round) {
      const { answers, delta } = await faultRound(t, round, 'cut', async () => {
        // Three resets a moment apart: the second and third meet the reconnections.
        let cut = 0;
        for (let i = 0; i < 3; i++) {
          cut += proxy.cutAll();
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        return { connections_cut: cut };
      });
      assert.ok(delta.cut > 0, 'connections were open when they were cut');
      assert.ok(answers.some((a) => a.phase === 'during' && a.status === 503), 'a request met a cut connection (503)');
    },
    async 'commit-cut'(t, round) {
      const { delta } = await faultRound(t, round, 'commit-cut', async () => {
        proxy.cutOnCommit(COMMIT_CUTS);
        // Until every armed cut met its commit (bounded: the storm goes on meanwhile).
        const deadline = Date.now() + 60_000;
        while (proxy.armedCommitCuts() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        const left = proxy.armedCommitCuts();
        proxy.cutOnCommit(-left);
        return { commits_cut: COMMIT_CUTS - left };
      });
      assert.equal(delta.commitsCut, COMMIT_CUTS, 'every armed cut met a commit whose answer it swallowed');
    },
    async stall(t, round) {
      // Twice: from a commit of a host that commits in one statement, then from the
      // COMMIT of a host that commits in a transaction (each held in the link).
      const direct = (chunk) => chunk.includes('slotguard_commit(');
      const inTransaction = (chunk) => chunk.includes('COMMIT\0');
      const { answers, delta, seen } = await faultRound(t, round, 'stall', async () => {
        const held = {};
        for (const [name, which] of Object.entries({ direct, in_transaction: inTransaction })) {
          const before = proxy.stats();
          await proxy.stallAtNextCommit(STALL_MS, which);
          const s = proxy.stats();
          held[name] = {
            held_commits: s.heldCommits - before.heldCommits,
            late_commits: s.lateCommits - before.lateCommits,
            late_transaction_commits: s.lateTransactionCommits - before.lateTransactionCommits,
          };
        }
        return { stalled_ms: STALL_MS, ...held };
      });
      const { direct: d, in_transaction: x } = seen;
      assert.ok(d.late_commits >= 1, 'a commit held in the link reached the server after its host gave up on it');
      // ... but no COMMIT of a transaction did: the server ended the silent transaction
      // (idle_in_transaction_session_timeout) before the link carried it.
      assert.ok(x.held_commits >= 1, 'the second stall held a COMMIT');
      assert.equal(x.late_transaction_commits, 0, 'a COMMIT the stall held reached its transaction after its host gave up on it');
      assert.ok(answers.some((a) => a.phase === 'during' && a.status === 503), 'a request met the stall (503)');
      assert.ok(delta.heldCommits >= 2, 'each stall held a commit in the link');
      // The hosts' bounds end every store call: no request waits for the link to come back.
      const slow = answers.filter((a) => a.ms >= STALL_MS);
      assert.deepEqual(slow.map((a) => `${a.kind} on ${a.host} (${a.phase}): ${a.ms} ms, ${a.status}`), [], `every answer within the stall (${STALL_MS} ms)`);
    },
    async restart(t, round) {
      if (server.skip) return t.skip(`PostgreSQL cannot be restarted: ${server.skip}`);
      const startedBefore = await serverStartTime();
      const { answers } = await faultRound(t, round, 'restart', async () => {
        const t0 = Date.now();
        await server.restart();
        return { restart_ms: Date.now() - t0 };
      });
      assert.notEqual(await serverStartTime(), startedBefore, 'the server was restarted');
      assert.ok(answers.some((a) => a.phase === 'during' && a.status === 503), 'a request met the restart (503)');
    },
  };

  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fault] of Object.entries(faults)) {
      const index = round * Object.keys(faults).length + Object.keys(faults).indexOf(name);
      it(`round ${round + 1}/${ROUNDS}: ${name}`, { timeout: 240_000 }, (t) => fault(t, index));
    }
  }
});
