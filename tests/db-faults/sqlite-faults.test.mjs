// Faults in the real database, SQLite: two slotguard Node hosts (the CLI, each its own
// process) on one SQLite file, in front of one Stripe emulator, and in the middle of a
// storm of overlapping holds, payments and cancels the disk stops taking writes: the
// file's directory is made read-only and each host's file size limit (RLIMIT_FSIZE,
// set from outside with prlimit) drops to zero, so every write it makes fails
// (EFBIG: SQLite's "disk I/O error", as a full disk gives SQLITE_FULL). Then both are
// given back, with the hosts still running.
//
// Why both: a read-only directory alone changes nothing for a running host. SQLite in
// WAL mode keeps its database, -wal and -shm files open and writes through those
// handles; the directory is only consulted to create or delete a file, so every write
// still lands (and as root, the mode is not even checked). The file size limit is what
// makes writes fail while the host runs, as a full disk would.
//
// After each round: no two active reservations overlap, every 201 is readable as
// granted, every 200 cancel stayed done, every paid session ends confirmed or refunded
// after the sweep, every request got an answer (503 while the disk refused writes),
// and both hosts book again without being restarted. SLOTGUARD_DB_FAULT_ROUNDS=n
// repeats it n times. Linux only (prlimit, from util-linux).
//
//   node --test tests/db-faults/sqlite-faults.test.mjs
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { WASM } from '../conformance/support/harness.mjs';
import { startCliHost, startSpreader, stopHost } from '../support/cli-hosts.mjs';
import { ADMIN_TOKEN, ROUNDS, STRIPE_KEY, WEBHOOK_SECRET, createStormDriver } from './support/storm.mjs';

const HOSTS = 2;
const FULL_MS = 3000; // how long the disk refuses writes
const INJECT_AFTER = 60; // answers of a storm before the fault

const run = promisify(execFile);

/** Why this suite cannot run here, or false. */
function skipReason() {
  if (process.platform !== 'linux') return 'needs Linux (prlimit)';
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'prlimit (util-linux) is not installed';
  }
  return false;
}

/** A process's file size limit, soft and hard, as prlimit prints them ("unlimited" or a number). */
async function fileSizeLimit(pid) {
  const { stdout } = await run('prlimit', ['--pid', String(pid), '--fsize', '--output=SOFT,HARD', '--noheadings', '--raw']);
  const [soft, hard] = stdout.trim().split(/\s+/);
  return { soft, hard };
}

/** Sets the soft file size limit of `pid` (the hard one stays: no privilege is needed). */
function setFileSizeLimit(pid, soft, hard) {
  return run('prlimit', ['--pid', String(pid), `--fsize=${soft}:${hard}`]);
}

describe(`faults in the real database (${WASM}, SQLite, ${HOSTS} hosts on one file, the disk refusing writes)`, { skip: skipReason() }, () => {
  let dir;
  let dbPath;
  let emulator;
  let spreader;
  let hosts = [];
  let driver;
  let faulty = false; // the directory is read-only now
  const live = () => hosts.filter((h) => !h.exited);

  /** Every reservation id in the file, read with a handle of the test's own. */
  function reservationIds() {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare("SELECT key FROM kv WHERE key >= CAST('rsv/' AS BLOB) AND key < CAST('rsv0' AS BLOB)")
        .all()
        .map((row) => row.key.toString('utf8').slice('rsv/'.length));
    } finally {
      db.close();
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slotguard-dbfaults-'));
    dbPath = join(dir, 'slotguard.db');
    emulator = createEmulator({
      webhookSecret: WEBHOOK_SECRET,
      apiKey: STRIPE_KEY,
      autoExpire: false, // nothing expires during the test
      // Quick retries: deliveries refused while the disk is full come back soon.
      webhookRetry: { baseDelayMs: 100, factor: 2, maxAttempts: 8 },
      onInternalError: (error) => console.error('[stripe-emulator]', error),
    });
    const emulatorUrl = await emulator.start(0);
    spreader = await startSpreader(live);
    emulator.setWebhookEndpoint(spreader.url, WEBHOOK_SECRET);
    const env = {
      SLOTGUARD_DB: dbPath,
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    // One after the other: the first creates the file.
    for (let i = 0; i < HOSTS; i++) hosts.push(await startCliHost(`sqlite${i + 1}`, env));
    driver = createStormDriver({ live, emulator, reservationIds: async () => reservationIds() });
    await driver.setUp();
  });

  after(async () => {
    if (faulty) chmodSync(dir, 0o755);
    await Promise.all(hosts.map((h) => stopHost(h)));
    await emulator?.stop();
    await spreader?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
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

  /** The disk refuses every write of every host for FULL_MS, then takes them again. */
  async function diskFull() {
    const limits = await Promise.all(hosts.map((h) => fileSizeLimit(h.child.pid)));
    chmodSync(dir, 0o555);
    faulty = true;
    try {
      await Promise.all(hosts.map((h, i) => setFileSizeLimit(h.child.pid, '0', limits[i].hard)));
      await new Promise((resolve) => setTimeout(resolve, FULL_MS));
    } finally {
      await Promise.all(hosts.map((h, i) => setFileSizeLimit(h.child.pid, limits[i].soft, limits[i].hard)));
      chmodSync(dir, 0o755);
      faulty = false;
    }
    return { full_ms: FULL_MS };
  }

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}/${ROUNDS}: the directory read-only and no write taken, mid-storm`, { timeout: 240_000 }, async (t) => {
      const done = reportOnFailure(t);
      const pids = hosts.map((h) => h.child.pid);
      const { answers, fault } = await driver.storm({ seed: 2000 + round, round, injectAfter: INJECT_AFTER, inject: diskFull });
      const healedAt = Date.now();
      await driver.probeEveryHost();
      const probeMs = Date.now() - healedAt;
      const orphans = driver.payOrphans();
      const sweeps = await driver.settle();
      const summary = await driver.checkInvariants(answers);
      assert.deepEqual(hosts.map((h) => h.child.pid), pids, 'no host was restarted');
      // The fault bit: writes were refused while it lasted.
      assert.ok(answers.some((a) => a.phase === 'during' && a.status === 503), 'a request met the full disk (503)');
      const refused = hosts.flatMap((h) => h.output.filter((l) => l.includes('host_call_failed') && l.includes('"op":"store_commit"')));
      assert.ok(refused.length > 0, 'a host logged a commit the disk refused');
      console.log(
        JSON.stringify({ round, fault: 'disk-full', ...fault, commits_refused_logged: refused.length, slowest_ms: Math.max(0, ...answers.map((a) => a.ms)), probe_ms: probeMs, orphans, sweeps, ...summary }),
      );
      done();
    });
  }
});
