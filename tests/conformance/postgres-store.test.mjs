// What the PostgreSQL store must do beyond the shared store contract (which
// store-contract.test.mjs checks on it with SLOTGUARD_TEST_STORE=postgres): keep the
// contract with several hosts on one database, most of all the check that a key is
// absent in a commit that does not write it; migrate idempotently when hosts start
// together; hand out versions above every restored row; and fail a store call, never
// hang it, when a statement waits too long or its connection is lost. Skipped without
// SLOTGUARD_TEST_PG_URL (scripts/test starts a throwaway server and sets it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createPostgresStore, createSlotguard } from '../../host-shims/node/src/index.js';
import { WASM, eventBody, guest, slot, startStack } from './support/harness.mjs';
import { SKIP_WITHOUT_PG, connect, freshDatabase } from './support/postgres.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';

const set = (key, value) => ({ op: 'set', key, value });
const GLOBAL_LOCK_CLASS = 0x5347474c; // postgres-store.js: start-up holds it exclusively

/** An empty database for one describe block, dropped after it. */
function databaseFor(prefix) {
  const state = { db: null };
  before(async () => (state.db = await freshDatabase(prefix)));
  after(() => state.db?.drop());
  return state;
}

describe('postgres store: two hosts race on a check that a key is absent', { skip: SKIP_WITHOUT_PG }, () => {
  const state = databaseFor('sg_race');
  const ROUNDS = 300;

  // Round i: host A commits "if b_i is absent, set a_i", host B "if a_i is absent, set
  // b_i", both sent at once. Neither writes the key it checks, so no row lock decides it.
  // In any serial order the second sees the first's write and conflicts: exactly one
  // commits. Both committing is the write skew that READ COMMITTED alone would allow.
  async function race(hostA, hostB, tag) {
    let skew = 0;
    let neither = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await Promise.all([
        hostA.commit([{ key: `${tag}/b/${i}`, version: 0 }], [set(`${tag}/a/${i}`, 'A')]),
        hostB.commit([{ key: `${tag}/a/${i}`, version: 0 }], [set(`${tag}/b/${i}`, 'B')]),
      ]);
      if (a.outcome === 'committed' && b.outcome === 'committed') skew++;
      if (a.outcome === 'conflict' && b.outcome === 'conflict') neither++;
    }
    assert.equal(skew, 0, `${skew} of ${ROUNDS} rounds committed both sides (write skew)`);
    assert.equal(neither, 0, `${neither} of ${ROUNDS} rounds committed neither side`);
    // And what is stored agrees with the outcomes.
    const listed = await hostA.list(`${tag}/`, `${tag}0`, ROUNDS * 2 + 1, '');
    assert.equal(listed.items.length, ROUNDS);
  }

  it(`${ROUNDS} rounds, two pools (two hosts) on one database: exactly one side commits each round`, async () => {
    const [a, b] = await Promise.all([createPostgresStore({ url: state.db.url }), createPostgresStore({ url: state.db.url })]);
    try {
      await race(a, b, 'rc');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('the same with hosts whose connections default to SERIALIZABLE and REPEATABLE READ (caller pools)', async () => {
    const pool = (level) => new pg.Pool({ connectionString: state.db.url, max: 4, options: `-c default_transaction_isolation=${level.replace(' ', '\\ ')}` });
    const pools = [pool('serializable'), pool('repeatable read')];
    try {
      const [a, b] = await Promise.all(pools.map((p) => createPostgresStore({ pool: p })));
      await race(a, b, 'rr');
      await Promise.all([a.close(), b.close()]);
      // The caller's pools are the caller's: still usable after close().
      assert.equal((await pools[0].query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('compare-and-set from 4 hosts at once: every committed increment counts, none is lost', async () => {
    const hosts = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: state.db.url, poolSize: 4 })));
    try {
      let committed = 0;
      const worker = async (host, n) => {
        for (let i = 0; i < n; i++) {
          const [c] = (await host.read(['counter'])).items;
          const next = String(Number(c.value ?? 0) + 1);
          const r = await host.commit([{ key: 'counter', version: c.version }], [set('counter', next)]);
          if (r.outcome === 'committed') committed++;
        }
      };
      await Promise.all(hosts.flatMap((h) => Array.from({ length: 4 }, () => worker(h, 25))));
      const [c] = (await hosts[0].read(['counter'])).items;
      assert.equal(Number(c.value), committed);
      assert.ok(committed > 0);
    } finally {
      await Promise.all(hosts.map((h) => h.close()));
    }
  });
});

describe('postgres store: migrations', { skip: SKIP_WITHOUT_PG }, () => {
  const state = databaseFor('sg_migrate');

  it('hosts starting together migrate once; starting again changes nothing', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: state.db.url, poolSize: 2 })));
    await stores[0].commit([], [set('k', 'v')]);
    await Promise.all(stores.map((s) => s.close()));
    const again = await createPostgresStore({ url: state.db.url });
    assert.equal((await again.read(['k'])).items[0].value, 'v');
    await again.close();

    const c = await connect(state.db.url);
    try {
      const { rows } = await c.query('SELECT version FROM slotguard_schema_version ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), [1]);
      // A database migrated by a newer host: this one refuses it rather than guess.
      await c.query('INSERT INTO slotguard_schema_version (version) VALUES (999)');
      await assert.rejects(createPostgresStore({ url: state.db.url }), /schema version 999, newer than this host knows/);
      await c.query('DELETE FROM slotguard_schema_version WHERE version = 999');
    } finally {
      await c.end();
    }
  });
});

describe('postgres store: migrations on connections that default to SERIALIZABLE', { skip: SKIP_WITHOUT_PG }, () => {
  const state = databaseFor('sg_migrate_ser');

  // The migration runs at READ COMMITTED whatever the connection's default: at
  // SERIALIZABLE its snapshot would predate the lock it waits for, and every host but
  // the first would fail to start (40001) when they start together.
  it('hosts starting together all start, and migrate once', async () => {
    const url = new URL(state.db.url);
    url.searchParams.set('options', '-c default_transaction_isolation=serializable');
    const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: url.toString(), poolSize: 2 })));
    try {
      await stores[1].commit([], [set('k', 'v')]);
      assert.equal((await stores[3].read(['k'])).items[0].value, 'v');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const c = await connect(state.db.url);
    try {
      const { rows } = await c.query('SELECT version FROM slotguard_schema_version ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), [1]);
    } finally {
      await c.end();
    }
  });
});

// A restore (pg_dump of some tables, rows copied in from another database, a sequence
// from an older backup) can leave rows whose versions the sequence would hand out
// again: a stale check would then pass (ABA). Start-up raises the sequence above them.
describe('postgres store: versions above every existing row', { skip: SKIP_WITHOUT_PG }, () => {
  const state = databaseFor('sg_restore');

  const restoreRows = async (client, rows) => {
    for (const [k, v, version] of rows) {
      await client.query(
        'INSERT INTO slotguard_kv (key, value, version) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version',
        [Buffer.from(k), Buffer.from(v), version],
      );
    }
  };

  it('rows restored with versions above the sequence, then the sequence restored from an older backup, then lost', async () => {
    const first = await createPostgresStore({ url: state.db.url });
    await first.commit([], [set('a', '1'), set('b', '1')]);
    await first.close();

    const c = await connect(state.db.url);
    try {
      await restoreRows(c, [['a', 'restored', 5000], ['c', 'restored', 9000]]);
      let s = await createPostgresStore({ url: state.db.url });
      assert.deepEqual(await s.commit([{ key: 'a', version: 5000 }], [set('a', 'updated')]), { outcome: 'committed' });
      await s.commit([{ key: 'n', version: 0 }], [set('n', 'new')]);
      const [a, n] = (await s.read(['a', 'n'])).items;
      assert.ok(a.version > 9000, `updated key got ${a.version}, a restored row has 9000`);
      assert.ok(n.version > a.version);
      await s.close();

      // The sequence from an older backup: behind the rows again.
      await c.query("SELECT setval('slotguard_version_seq', 3)");
      s = await createPostgresStore({ url: state.db.url });
      await s.commit([{ key: 'c', version: 9000 }], [{ op: 'delete', key: 'c' }]);
      await s.commit([{ key: 'c', version: 0 }], [set('c', 'recreated')]);
      const c2 = (await s.read(['c'])).items[0];
      assert.ok(c2.version > n.version, `${c2.version} > ${n.version}`);
      await s.close();

      // The table restored alone: no sequence at all.
      await c.query('DROP SEQUENCE slotguard_version_seq');
      s = await createPostgresStore({ url: state.db.url });
      await s.commit([], [set('d', 'after the loss')]);
      const d = (await s.read(['d'])).items[0];
      assert.ok(d.version > c2.version, `${d.version} > ${c2.version}`);
      await s.close();
    } finally {
      await c.end();
    }
  });
});

describe('postgres store: a store call fails, never hangs', { skip: SKIP_WITHOUT_PG }, () => {
  const state = databaseFor('sg_faults');
  let blocker;
  before(async () => (blocker = await connect(state.db.url)));
  after(() => blocker?.end());
  // Every commit takes the global lock shared; holding it exclusively stalls them all.
  const stallCommits = () => blocker.query('SELECT pg_advisory_lock($1, 0)', [GLOBAL_LOCK_CLASS]);
  const resumeCommits = () => blocker.query('SELECT pg_advisory_unlock($1, 0)', [GLOBAL_LOCK_CLASS]);

  it('a statement over the timeout: host status 2 (timed out), nothing written; reads go on', async () => {
    const s = await createPostgresStore({ url: state.db.url, statementTimeoutMs: 300 });
    await stallCommits();
    try {
      const t0 = Date.now();
      await assert.rejects(s.commit([], [set('t', '1')]), (e) => e.name === 'HostCallError' && e.hostStatus === 2);
      assert.ok(Date.now() - t0 < 3000, `failed after ${Date.now() - t0} ms`);
      assert.equal((await s.read(['t'])).items[0].version, 0);
    } finally {
      await resumeCommits();
    }
    assert.deepEqual(await s.commit([], [set('t', '1')]), { outcome: 'committed' });
    await s.close();
  });

  it('a connection lost mid-commit: host status 1; the next call gets a new connection', async () => {
    const s = await createPostgresStore({ url: state.db.url, statementTimeoutMs: 10_000 });
    await stallCommits();
    try {
      const pending = s.commit([], [set('lost', '1')]);
      // It may reject while the kill below is still being answered; assert.rejects
      // judges it then, and this keeps the early rejection from counting as unhandled.
      pending.catch(() => {});
      // Wait until the commit is waiting on the lock, then cut its connection.
      let pids = [];
      for (let i = 0; i < 100 && pids.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        ({ rows: pids } = await blocker.query(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'slotguard' AND wait_event_type = 'Lock'",
        ));
      }
      assert.equal(pids.length, 1, 'the commit waits on the lock');
      await blocker.query('SELECT pg_terminate_backend($1)', [pids[0].pid]);
      await assert.rejects(pending, (e) => e.name === 'HostCallError' && e.hostStatus === 1 && /terminat/i.test(e.message));
    } finally {
      await resumeCommits();
    }
    assert.equal((await s.read(['lost'])).items[0].version, 0);
    assert.deepEqual(await s.commit([], [set('lost', '2')]), { outcome: 'committed' });
    await s.close();
  });

  // On a connection whose default isolation is not READ COMMITTED the commit is
  // BEGIN; SELECT slotguard_commit(...); COMMIT. Here the link stops carrying bytes just
  // as the COMMIT is sent (tests/support/fault-proxy.mjs), for longer than the bound.
  it('a COMMIT held up in the network: the call fails within its bound, and the COMMIT cannot land afterwards', async () => {
    const pgUrl = new URL(state.db.url);
    const proxy = await startFaultProxy({ host: pgUrl.hostname, port: Number(pgUrl.port) });
    const url = new URL(proxy.urlFor(state.db.url));
    url.searchParams.set('options', '-c default_transaction_isolation=serializable');
    const s = await createPostgresStore({ url: url.toString(), statementTimeoutMs: 500 }); // the client's bound: 2.5 s
    try {
      assert.deepEqual(await s.commit([], [set('before', '1')]), { outcome: 'committed' }); // now on the explicit path
      const stall = proxy.stallAtNextCommit(6000, (chunk) => chunk.includes('COMMIT\0'));
      const t0 = Date.now();
      await assert.rejects(s.commit([], [set('held', '1')]), (e) => e.name === 'HostCallError');
      const ms = Date.now() - t0;
      // Not the length of the stall: nothing (a ROLLBACK) waits for the link to come back.
      assert.ok(ms < 4000, `failed after ${ms} ms`);
      await stall;
      assert.equal(proxy.stats().heldCommits, 1, 'the stall held the COMMIT');
      // The server ended the transaction its client left silent (its locks with it), so
      // the COMMIT the link delivered late found nothing to commit.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const direct = await createPostgresStore({ url: state.db.url });
      try {
        assert.equal((await direct.read(['held'])).items[0].version, 0, 'the held COMMIT landed after its caller gave up');
      } finally {
        await direct.close();
      }
      assert.deepEqual(await s.commit([], [set('after', '1')]), { outcome: 'committed' });
    } finally {
      await s.close();
      await proxy.close();
    }
  });

  it('a server nobody answers at: start-up fails, with a reason', async () => {
    const dead = new URL(state.db.url);
    dead.port = '9'; // discard: nothing listens there
    await assert.rejects(createPostgresStore({ url: dead.toString(), statementTimeoutMs: 500 }), /postgres store: cannot connect/);
  });

  it(`a host on PostgreSQL answers 503 while the store stalls, then books again (${WASM})`, async () => {
    const s = await startStack({ store: 'postgres', postgresUrl: state.db.url, pgStatementTimeoutMs: 300 });
    try {
      assert.equal((await s.call('PUT', '/v1/events/intro', { body: eventBody('pgfault'), headers: s.admin })).status, 201);
      const body = { event_id: 'intro', start: slot(1, 9, 0), guest: guest(1) };
      await stallCommits();
      let stalled;
      try {
        stalled = await s.call('POST', '/v1/reservations', { body });
      } finally {
        await resumeCommits();
      }
      assert.equal(stalled.status, 503, stalled.text);
      assert.equal(stalled.json.error.code, 'store_unavailable');
      assert.ok(s.logs.some((l) => l.event === 'host_call_failed' && l.op === 'store_commit' && l.timeout === true));
      const booked = await s.call('POST', '/v1/reservations', { body });
      assert.equal(booked.status, 201, booked.text);
    } finally {
      await s.stop();
    }
  });
});

describe('postgres store: options', () => {
  const base = { wasm: WASM, adminToken: 'options-admin-token-0123456789', logger: false, sweepIntervalMs: 0 };
  for (const [what, options, message] of [
    ['neither a url nor a pool', { store: 'postgres' }, /needs exactly one of postgresUrl .* or pgPool/],
    ['both a url and a pool', { store: 'postgres', postgresUrl: 'postgres://x/y', pgPool: { query() {}, connect() {} } }, /needs exactly one/],
    ['a url that is not postgres://', { store: 'postgres', postgresUrl: 'mysql://x/y' }, /postgresUrl must be a connection string starting with postgres:\/\//],
    ['a pool that is not one', { store: 'postgres', pgPool: {} }, /pgPool must be a pg.Pool/],
    ['a pool size of 0', { store: 'postgres', postgresUrl: 'postgres://x/y', pgPoolSize: 0 }, /pgPoolSize must be a positive integer/],
    ['a statement timeout of 0', { store: 'postgres', postgresUrl: 'postgres://x/y', pgStatementTimeoutMs: 0 }, /pgStatementTimeoutMs must be a positive integer/],
  ]) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(createSlotguard({ ...base, ...options }), { name: 'TypeError', message });
    });
  }
});
