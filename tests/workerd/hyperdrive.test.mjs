// The Worker on PostgreSQL through a Hyperdrive binding, in workerd: miniflare 4's
// `hyperdrives` option points the HYPERDRIVE binding at the throwaway PostgreSQL of
// scripts/lib/postgres.sh (SLOTGUARD_TEST_PG_URL), and the Worker is bundled with npm pg
// as wrangler would (bundle.mjs). It runs the store contract on the Hyperdrive store,
// checks that a Node host's PostgreSQL store on the same database shares its versions
// and locks (the same SQL), and books, races and pays through the Worker. It also holds
// the isolate's start to its promises: concurrent first calls share one migration, an
// isolate on a current schema takes no exclusive lock (commits in flight do not stall
// it, nor it them), and a commit the Worker gave up on is cut by the server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { GLOBAL_LOCK_CLASS } from '../../host-shims/js-bridge/src/postgres-sql.js';
import { createPostgresStore } from '../../host-shims/node/src/postgres-store.js';
import { bundleWorker } from './bundle.mjs';
import { eventBody, reservationBody, slot, startEmulator, startWebhookTap, startWorker } from './helpers.mjs';

// miniflare's local stand-in for Hyperdrive is a TCP proxy in this process that pipes
// each connection to PostgreSQL without an 'error' listener on either socket. A store
// call whose query failed closes its connection at once (the statement_timeout test
// does so on purpose), and workerd may then reset it: unheard, that reset would be an
// uncaught exception here. Deployed, Hyperdrive takes such a close in its stride, so
// every socket a server of this process accepts gets an error listener (the HTTP
// servers' sockets have theirs already; one more changes nothing for them).
const accepted = net.Server.prototype.emit;
net.Server.prototype.emit = function emit(event, ...args) {
  const socket = args[0];
  if (event === 'connection' && socket instanceof net.Socket) socket.on('error', () => {});
  return accepted.call(this, event, ...args);
};

const PG_URL = process.env.SLOTGUARD_TEST_PG_URL;
const skip = PG_URL ? false : 'SLOTGUARD_TEST_PG_URL is unset: no PostgreSQL to point the Hyperdrive binding at (scripts/test starts one)';

describe('the Worker on PostgreSQL through Hyperdrive', { skip }, () => {
  let w;
  let stripe;
  let tap;
  let admin;
  let dbUrl;
  let nodeStore;
  const dbName = `slotguard_hd_${randomBytes(4).toString('hex')}`;
  const extraDbs = []; // databases of single tests (freshDatabase), dropped with the main one

  before(async () => {
    // A database of its own on the throwaway server, dropped afterwards.
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    // miniflare refuses a Hyperdrive connection string without a password; the test
    // server uses trust authentication, so any password is accepted and ignored.
    if (!u.password) u.password = 'trust-auth-ignores-it';
    dbUrl = u.href;
    nodeStore = await createPostgresStore({ url: dbUrl, poolSize: 2 });
    stripe = await startEmulator();
    const script = await bundleWorker('tests/workerd/fixtures/hyperdrive-probe.js', 'hyperdrive');
    w = await startWorker({
      store: 'hyperdrive',
      script,
      stripeBase: stripe.url,
      bindings: { SLOTGUARD_LOG_LEVEL: 'warn' },
      miniflare: { compatibilityFlags: ['nodejs_compat'], hyperdrives: { HYPERDRIVE: dbUrl } },
    });
    tap = await startWebhookTap(new URL('/v1/stripe/webhook', w.url).href);
    stripe.emulator.setWebhookEndpoint(tap.url);
  });
  after(async () => {
    await nodeStore?.close();
    await stripe?.emulator.stop();
    await tap?.close();
    await w?.close();
    if (admin) {
      for (const name of [dbName, ...extraDbs]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  });

  /** A database of its own for one test, and its URL for the binding. */
  async function freshDatabase() {
    const name = `${dbName}_${extraDbs.length}`;
    await admin.query(`CREATE DATABASE ${name}`);
    extraDbs.push(name);
    const u = new URL(dbUrl);
    u.pathname = `/${name}`;
    return { name, url: u.href };
  }

  /** Holds the global lock shared, as a commit in flight does, until release(). */
  async function holdSharedGlobalLock(url) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock_shared($1, 0)', [GLOBAL_LOCK_CLASS]);
    return async () => {
      await c.query('ROLLBACK').catch(() => {});
      await c.end();
    };
  }

  /** Sessions of `db` waiting for the global lock exclusively (a migration). */
  async function exclusiveWaiters(db) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE d.datname = $1 AND l.locktype = 'advisory' AND l.classid = $2::bigint::oid
          AND l.objid = 0 AND l.objsubid = 2 AND l.mode = 'ExclusiveLock' AND NOT l.granted`,
      [db, GLOBAL_LOCK_CLASS],
    );
    return rows[0].n;
  }

  async function workerOn(url, bindings = {}) {
    const script = await bundleWorker('tests/workerd/fixtures/hyperdrive-probe.js', 'hyperdrive');
    return startWorker({
      store: 'hyperdrive',
      script,
      stripeBase: stripe.url,
      bindings: { SLOTGUARD_LOG_LEVEL: 'warn', ...bindings },
      miniflare: { compatibilityFlags: ['nodejs_compat'], hyperdrives: { HYPERDRIVE: url } },
    });
  }

  async function call(op, args) {
    const res = await w.mf.dispatchFetch(`${w.url}__probe/store/${op}`, { method: 'POST', body: JSON.stringify(args) });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }
  const read = async (keys) => (await call('read', { keys })).items;
  const commit = async (checks, mutations) => (await call('commit', { checks, mutations })).outcome;

  test('the binding is a Hyperdrive connection string, not the database URL itself', async () => {
    const res = await w.mf.dispatchFetch(`${w.url}__probe/connection`, { method: 'POST' });
    const { connectionString } = await res.json();
    assert.match(connectionString, /\.hyperdrive\.local/);
  });

  test('store contract: checks, absent keys, atomicity, versions that only grow, bytewise lists', async () => {
    assert.deepEqual(await read(['hd/a', 'hd/b']), [{ key: 'hd/a', version: 0 }, { key: 'hd/b', version: 0 }]);
    assert.equal(await commit([{ key: 'hd/a', version: 0 }], [{ op: 'set', key: 'hd/a', value: 'one' }]), 'committed');
    const [a1] = await read(['hd/a']);
    assert.equal(a1.value, 'one');
    assert.ok(a1.version > 0);
    // A failing check among several mutations writes none of them.
    assert.equal(
      await commit(
        [{ key: 'hd/a', version: a1.version + 1000 }],
        [{ op: 'set', key: 'hd/a', value: 'two' }, { op: 'set', key: 'hd/c', value: 'x' }],
      ),
      'conflict',
    );
    assert.deepEqual(await read(['hd/a', 'hd/c']), [a1, { key: 'hd/c', version: 0 }]);
    // A key checked absent and not written.
    assert.equal(await commit([{ key: 'hd/a', version: 0 }], [{ op: 'set', key: 'hd/d', value: 'x' }]), 'conflict');
    assert.equal(await commit([{ key: 'hd/none', version: 0 }], [{ op: 'set', key: 'hd/d', value: 'x' }]), 'committed');
    // Delete, then set again: a version it never had.
    assert.equal(await commit([{ key: 'hd/a', version: a1.version }], [{ op: 'delete', key: 'hd/a' }]), 'committed');
    assert.equal((await read(['hd/a']))[0].version, 0);
    assert.equal(await commit([{ key: 'hd/a', version: 0 }], [{ op: 'set', key: 'hd/a', value: 'three' }]), 'committed');
    assert.ok((await read(['hd/a']))[0].version > a1.version);
    // Lists: bytewise order, bounds, `after`, `more`.
    const keys = ['hd/l/b', 'hd/l/a', 'hd/l/\u00e9', 'hd/l/Z', 'hd/l/a0'];
    assert.equal(await commit([], keys.map((k) => ({ op: 'set', key: k, value: k }))), 'committed');
    const page = await call('list', { start: 'hd/l/', end: 'hd/l0', limit: 3, after: '' });
    assert.deepEqual(page.items.map((i) => i.key), ['hd/l/Z', 'hd/l/a', 'hd/l/a0']);
    assert.equal(page.more, true);
    const rest = await call('list', { start: 'hd/l/', end: 'hd/l0', limit: 3, after: 'hd/l/a0' });
    assert.deepEqual(rest.items.map((i) => i.key), ['hd/l/b', 'hd/l/\u00e9']);
    assert.equal(rest.more, false);
  });

  test('racing commits with the same expected version: exactly one wins', async () => {
    assert.equal(await commit([], [{ op: 'set', key: 'hd/race', value: '0' }]), 'committed');
    const [base] = await read(['hd/race']);
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) => commit([{ key: 'hd/race', version: base.version }], [{ op: 'set', key: 'hd/race', value: String(i + 1) }, { op: 'set', key: `hd/race/${i}`, value: 'w' }])),
    );
    assert.equal(outcomes.filter((o) => o === 'committed').length, 1);
    const winner = Number((await read(['hd/race']))[0].value) - 1;
    const marks = await read(Array.from({ length: 16 }, (_, i) => `hd/race/${i}`));
    assert.deepEqual(marks.filter((m) => m.version > 0).map((m) => m.key), [`hd/race/${winner}`]);
  });

  test('the same SQL as the Node host: a Node PostgreSQL store on this database sees and respects the Worker\u2019s commits', async () => {
    assert.equal(await commit([{ key: 'hd/shared', version: 0 }], [{ op: 'set', key: 'hd/shared', value: 'worker' }]), 'committed');
    const [fromNode] = (await nodeStore.read(['hd/shared'])).items;
    assert.equal(fromNode.value, 'worker');
    assert.equal((await nodeStore.commit([{ key: 'hd/shared', version: fromNode.version }], [{ op: 'set', key: 'hd/shared', value: 'node' }])).outcome, 'committed');
    // The Worker's view is now stale: its check fails, as it must.
    assert.equal(await commit([{ key: 'hd/shared', version: fromNode.version }], [{ op: 'set', key: 'hd/shared', value: 'stale' }]), 'conflict');
    const [now] = await read(['hd/shared']);
    assert.equal(now.value, 'node');
    assert.ok(now.version > fromNode.version);
  });

  test('a booking through the Worker: one winner among 30 guests, one Checkout Session, paid by webhook', async () => {
    const put = await w.request('PUT', '/v1/events/hd-event', { admin: true, body: eventBody('hd-expert') });
    assert.equal(put.status, 201, put.text);
    stripe.emulator.reset();
    const start = slot(6, 10);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => w.request('POST', '/v1/reservations', { body: reservationBody('hd-event', start, n) })));
    const byStatus = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    assert.deepEqual(byStatus, { 201: 1, 409: 29 }, JSON.stringify(answers.find((a) => a.status !== 201 && a.status !== 409)?.text));
    assert.equal(stripe.emulator.stats().api_calls.by_route['POST /v1/checkout/sessions'], 1);

    const { id, checkout_session_id: sid } = answers.find((a) => a.status === 201).body.reservation;
    const paid = await fetch(`${stripe.url}/v1/test_helpers/checkout/sessions/${sid}/pay`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_workerd', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'method=card',
    });
    assert.equal(paid.status, 200);
    await stripe.emulator.webhooks.idle();
    const completed = tap.deliveries.find((d) => d.event?.type === 'checkout.session.completed');
    assert.equal(completed?.status, 200, completed?.text);
    const got = await w.request('GET', `/v1/reservations/${id}`);
    assert.equal(got.body.reservation.status, 'confirmed', got.text);
    // It is all in PostgreSQL: the Node store reads the confirmed reservation.
    const [row] = (await nodeStore.read([`rsv/${id}`])).items;
    assert.ok(row.version > 0);
    assert.match(row.value, /confirmed/);
  });

  test('concurrent first calls of an isolate share one migration; a later isolate on a current schema takes no exclusive lock', async () => {
    const db = await freshDatabase();
    // A commit in flight (the global lock held shared): the migration of the empty
    // database has to wait for it, so every migration started is seen waiting.
    let release = await holdSharedGlobalLock(db.url);
    const first = await workerOn(db.url);
    const answers = Promise.all(Array.from({ length: 6 }, () => first.request('GET', '/v1/events/hd-nobody')));
    let waiting;
    try {
      const deadline = Date.now() + 4000;
      while ((await exclusiveWaiters(db.name)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 500)); // time for any other first call to start its own
      waiting = await exclusiveWaiters(db.name);
    } finally {
      await release();
      await answers.catch(() => {}); // settled before the Worker goes
    }
    await first.close();
    assert.equal(waiting, 1, 'one migration for the isolate');
    assert.deepEqual((await answers).map((a) => a.status), [404, 404, 404, 404, 404, 404]);
    // A new isolate (another Worker) on the now current schema, commits in flight: it
    // checks the version without the exclusive lock, so it neither waits for them nor
    // holds new ones back.
    release = await holdSharedGlobalLock(db.url);
    const second = await workerOn(db.url, { SLOTGUARD_STORE_TIMEOUT_MS: '3000' });
    try {
      // Waiting for the lock would end in the store's 3 s deadline: 503.
      const got = await second.request('GET', '/v1/events/hd-nobody');
      assert.equal(got.status, 404, got.text);
      assert.equal(await exclusiveWaiters(db.name), 0);
    } finally {
      await release();
      await second.close();
    }
  });

  test('a database that defaults to a higher isolation: commits rerun at READ COMMITTED and stay atomic', async () => {
    const db = await freshDatabase();
    await admin.query(`ALTER DATABASE ${db.name} SET default_transaction_isolation = 'repeatable read'`);
    const other = await workerOn(db.url);
    try {
      const commitThere = async (checks, mutations) => {
        const res = await other.mf.dispatchFetch(`${other.url}__probe/store/commit`, { method: 'POST', body: JSON.stringify({ checks, mutations, timeoutMs: 2000 }) });
        const body = await res.json();
        assert.equal(res.status, 200, JSON.stringify(body));
        return body.outcome;
      };
      assert.equal(await commitThere([{ key: 'rr/a', version: 0 }], [{ op: 'set', key: 'rr/a', value: 'one' }]), 'committed');
      assert.equal(await commitThere([{ key: 'rr/a', version: 0 }], [{ op: 'set', key: 'rr/a', value: 'two' }]), 'conflict');
      const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => commitThere([{ key: 'rr/race', version: 0 }], [{ op: 'set', key: 'rr/race', value: String(i) }])));
      assert.equal(racers.filter((o) => o === 'committed').length, 1);
    } finally {
      await other.close();
    }
  });

  test('a commit the store gave up on is cut by the server: it never lands later', async () => {
    // A write that takes 2 s in the database (a trigger sleeps), under a 1 s store deadline.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query(`CREATE FUNCTION hd_slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key = convert_to('hd/slow', 'UTF8') THEN PERFORM pg_sleep(2); END IF;
        RETURN NEW;
      END $$`);
    await db.query('CREATE TRIGGER hd_slow_write BEFORE INSERT OR UPDATE ON slotguard_kv FOR EACH ROW EXECUTE FUNCTION hd_slow_write()');
    try {
      const res = await w.mf.dispatchFetch(`${w.url}__probe/store/commit`, {
        method: 'POST',
        body: JSON.stringify({ checks: [], mutations: [{ op: 'set', key: 'hd/slow', value: 'late' }], timeoutMs: 1000 }),
      });
      const body = await res.json();
      assert.equal(res.status, 500, JSON.stringify(body));
      assert.equal(body.hostStatus, 2, JSON.stringify(body)); // timed out: the core answers 503
      await new Promise((r) => setTimeout(r, 2500)); // past the trigger's sleep
      assert.equal((await read(['hd/slow']))[0].version, 0, 'the commit landed after the store had given up on it');
      // A commit within the deadline still commits.
      const ok = await w.mf.dispatchFetch(`${w.url}__probe/store/commit`, {
        method: 'POST',
        body: JSON.stringify({ checks: [], mutations: [{ op: 'set', key: 'hd/fast', value: 'x' }], timeoutMs: 1000 }),
      });
      assert.equal((await ok.json()).outcome, 'committed');
    } finally {
      await db.query('DROP TRIGGER IF EXISTS hd_slow_write ON slotguard_kv').catch(() => {});
      await db.query('DROP FUNCTION IF EXISTS hd_slow_write()').catch(() => {});
      await db.end();
    }
  });
});
