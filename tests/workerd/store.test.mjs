// The store adapters inside workerd, against real D1 and a real SQLite-backed Durable
// Object: the store contract of wasm/ABI.md, and the D1 commit guard in focus (a failed
// check writes nothing; two racing commits with the same expected version: one wins).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareBytewise } from '../../host-shims/js-bridge/src/index.js';
import { SCHEMA_STATEMENTS } from '../../host-shims/cloudflare/src/schema.js';
import { PROBE, ROOT, STORES, migrationStatements, startWorker, waitForLog } from './helpers.mjs';

const norm = (s) => s.replace(/\s+/g, ' ').trim();

test('the D1 migration and the schema the Durable Object creates are the same SQL', () => {
  assert.deepEqual(migrationStatements().map(norm), SCHEMA_STATEMENTS.map(norm));
});

test('js-bridge uses no Node-only globals (workerd runs it without nodejs_compat)', () => {
  const dir = path.join(ROOT, 'host-shims/js-bridge/src');
  const nodeOnly = /\bprocess\s*[.[]|\bBuffer\s*[.(]|\brequire\s*\(|__dirname|__filename|\bsetImmediate\b|from\s+['"]node:|import\(\s*['"]node:/;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(path.join(dir, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .map((line) => line.replace(/(^|[^:])\/\/.*$/, '$1'));
    code.forEach((line, n) => assert.doesNotMatch(line, nodeOnly, `${file}:${n + 1}: ${line.trim()}`));
  }
});

test('a bad binding answers 500 server_misconfigured and logs its name, not its value', async () => {
  const bad = await startWorker({ bindings: { SLOTGUARD_ADMIN_TOKEN: 'short-secret' } });
  try {
    const r = await bad.request('GET', '/healthz');
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'server_misconfigured');
    const line = await waitForLog(bad, (l) => l.event === 'misconfigured');
    assert.match(line.error, /SLOTGUARD_ADMIN_TOKEN/);
    assert.ok(!bad.rawLines.some((l) => l.includes('short-secret')));
  } finally {
    await bad.close();
  }
});

let w;
before(async () => {
  w = await startWorker({ store: 'd1', script: PROBE });
});
after(() => w?.close());

async function call(kind, op, args) {
  const res = await w.mf.dispatchFetch(`${w.url}__probe/store/${kind}/${op}`, { method: 'POST', body: JSON.stringify(args) });
  const body = await res.json();
  return { status: res.status, body };
}
const ok = async (kind, op, args) => {
  const r = await call(kind, op, args);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const read = async (kind, keys) => (await ok(kind, 'read', { keys })).items;
const commit = async (kind, checks, mutations) => (await ok(kind, 'commit', { checks, mutations })).outcome;
const version = async (kind, key) => (await read(kind, [key]))[0].version;

// The store's tables seen from outside the store: the highest row version and the
// counter, and rows written straight into kv (no commit, no counter), as a restore of
// a backup or an import writes them.
async function tableVersions(kind) {
  if (kind === 'd1') {
    const maxRow = (await w.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM kv').first()).v;
    const counter = (await w.db.prepare('SELECT version FROM kv_counter WHERE id = 1').first()).version;
    return { maxRow, counter };
  }
  return (await w.mf.dispatchFetch(`${w.url}__probe/do/versions`, { method: 'POST' })).json();
}
async function restoreRows(kind, rows) {
  if (kind === 'd1') {
    const put = 'INSERT INTO kv (key, value, version) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version';
    await w.db.batch(rows.map((r) => w.db.prepare(put).bind(r.key, r.value, r.version)));
    return;
  }
  const res = await w.mf.dispatchFetch(`${w.url}__probe/do/restore`, { method: 'POST', body: JSON.stringify({ rows }) });
  assert.equal(res.status, 200, await res.clone().text());
}

for (const kind of STORES) {
  describe(`store contract (${kind})`, () => {
    const k = (s) => `${kind}/contract/${s}`;

    test('read answers in the order asked; absent keys have version 0 and no value', async () => {
      assert.equal(await commit(kind, [], [{ op: 'set', key: k('b'), value: 'B' }, { op: 'set', key: k('a'), value: 'A' }]), 'committed');
      const items = await read(kind, [k('b'), k('missing'), k('a'), k('b')]);
      assert.deepEqual(items.map((i) => [i.key, i.value]), [[k('b'), 'B'], [k('missing'), undefined], [k('a'), 'A'], [k('b'), 'B']]);
      assert.equal(items[1].version, 0);
      assert.ok(items[0].version > 0 && items[0].version === items[2].version, 'one commit, one version');
    });

    test('a read of more than 100 keys is still one answer', async () => {
      const keys = Array.from({ length: 150 }, (_, i) => k(`many/${String(i).padStart(3, '0')}`));
      assert.equal(await commit(kind, [], keys.map((key) => ({ op: 'set', key, value: key }))), 'committed');
      const items = await read(kind, [...keys, k('many/none')]);
      assert.equal(items.length, 151);
      assert.ok(items.slice(0, 150).every((i, n) => i.value === keys[n] && i.version > 0));
      assert.equal(items[150].version, 0);
    });

    test('versions only grow and are not reused after a delete', async () => {
      assert.equal(await commit(kind, [{ key: k('v'), version: 0 }], [{ op: 'set', key: k('v'), value: '1' }]), 'committed');
      const v1 = await version(kind, k('v'));
      assert.equal(await commit(kind, [{ key: k('v'), version: v1 }], [{ op: 'delete', key: k('v') }]), 'committed');
      assert.equal(await version(kind, k('v')), 0);
      assert.equal(await commit(kind, [{ key: k('v'), version: 0 }], [{ op: 'set', key: k('v'), value: '2' }]), 'committed');
      const v2 = await version(kind, k('v'));
      assert.ok(v2 > v1, `${v2} > ${v1}`);
    });

    test('versions stay above rows that arrived without a commit (a restore)', async () => {
      const before = await tableVersions(kind);
      // Far above the counter: what a backup taken after many more commits brings back.
      const high = Math.max(before.maxRow, before.counter) + 1_000_000;
      await restoreRows(kind, [
        { key: k('restored/a'), value: 'a0', version: high },
        { key: k('restored/b'), value: 'b0', version: high + 500 },
      ]);
      assert.equal((await tableVersions(kind)).maxRow, high + 500);

      // A new key, and an update of a restored key checked against its restored version.
      assert.equal(await commit(kind, [{ key: k('restored/new'), version: 0 }], [{ op: 'set', key: k('restored/new'), value: 'n' }]), 'committed');
      const vNew = await version(kind, k('restored/new'));
      assert.ok(vNew > high + 500, `a new key got ${vNew}; a restored row has ${high + 500}`);
      assert.equal(await commit(kind, [{ key: k('restored/a'), version: high }], [{ op: 'set', key: k('restored/a'), value: 'a1' }]), 'committed');
      const vA = await version(kind, k('restored/a'));
      assert.ok(vA > vNew, `${vA} > ${vNew}`);

      // Deleted and set again: still above everything seen, the restored version included.
      assert.equal(await commit(kind, [{ key: k('restored/b'), version: high + 500 }], [{ op: 'delete', key: k('restored/b') }]), 'committed');
      assert.equal(await commit(kind, [{ key: k('restored/b'), version: 0 }], [{ op: 'set', key: k('restored/b'), value: 'b1' }]), 'committed');
      const vB = await version(kind, k('restored/b'));
      assert.ok(vB > vA, `${vB} > ${vA}`);
      const after = await tableVersions(kind);
      assert.equal(after.counter, vB, 'the counter moved past the restored rows and stays there');
      assert.equal(after.maxRow, vB);
    });

    test('version 0 means the key must be absent', async () => {
      await commit(kind, [], [{ op: 'set', key: k('present'), value: 'x' }]);
      assert.equal(await commit(kind, [{ key: k('present'), version: 0 }], [{ op: 'set', key: k('present'), value: 'y' }]), 'conflict');
      assert.equal((await read(kind, [k('present')]))[0].value, 'x');
    });

    test('a failed check among several writes none of the mutations', async () => {
      await commit(kind, [], [{ op: 'set', key: k('m/a'), value: 'a0' }, { op: 'set', key: k('m/x'), value: 'x0' }]);
      const [a, x] = await read(kind, [k('m/a'), k('m/x')]);
      const stale = a.version - 1; // wrong expected version for m/a
      const outcome = await commit(
        kind,
        [{ key: k('m/x'), version: x.version }, { key: k('m/a'), version: stale }, { key: k('m/new'), version: 0 }],
        [
          { op: 'set', key: k('m/x'), value: 'x1' },
          { op: 'set', key: k('m/new'), value: 'n1' },
          { op: 'delete', key: k('m/a') },
          { op: 'set', key: k('m/other'), value: 'o1' },
        ],
      );
      assert.equal(outcome, 'conflict');
      const after = await read(kind, [k('m/a'), k('m/x'), k('m/new'), k('m/other')]);
      assert.deepEqual(after.map((i) => [i.value, i.version]), [['a0', a.version], ['x0', x.version], [undefined, 0], [undefined, 0]]);
    });

    test('list: bytewise UTF-8 order, [start, end), after, limit and more', async () => {
      const names = ['z', 'é', '\uE000', '😀', 'A', 'a', 'a0'];
      await commit(kind, [], names.map((n) => ({ op: 'set', key: k(`l/${n}`), value: n })));
      await commit(kind, [], [{ op: 'set', key: k('l0'), value: 'outside' }]);
      const expected = names.map((n) => k(`l/${n}`)).sort(compareBytewise);
      const all = await ok(kind, 'list', { start: k('l/'), end: k('l0'), limit: 100, after: '' });
      assert.deepEqual(all.items.map((i) => i.key), expected);
      assert.equal(all.more, false);
      assert.ok(all.items.every((i) => i.version > 0 && typeof i.value === 'string'));
      // Pages of 3 walk the same sequence.
      const walked = [];
      let afterKey = '';
      for (;;) {
        const page = await ok(kind, 'list', { start: k('l/'), end: k('l0'), limit: 3, after: afterKey });
        walked.push(...page.items.map((i) => i.key));
        if (!page.more) break;
        assert.equal(page.items.length, 3);
        afterKey = page.items.at(-1).key;
      }
      assert.deepEqual(walked, expected);
    });

    test('racing commits with the same expected version: exactly one applies', async () => {
      for (let round = 0; round < 10; round++) {
        const key = k(`race/${round}`);
        await commit(kind, [], [{ op: 'set', key, value: 'seed' }]);
        const v = await version(kind, key);
        const contenders = Array.from({ length: 8 }, (_, n) =>
          call(kind, 'commit', {
            checks: [{ key, version: v }],
            mutations: [{ op: 'set', key, value: `won-by-${n}` }, { op: 'set', key: `${key}/only-${n}`, value: 'x' }],
          }),
        );
        const outcomes = (await Promise.all(contenders)).map((r) => r.body.outcome);
        const winners = outcomes.flatMap((o, n) => (o === 'committed' ? [n] : []));
        assert.equal(winners.length, 1, `round ${round}: ${outcomes}`);
        assert.equal(outcomes.filter((o) => o === 'conflict').length, 7);
        const items = await read(kind, [key, ...outcomes.map((_, n) => `${key}/only-${n}`)]);
        assert.equal(items[0].value, `won-by-${winners[0]}`);
        items.slice(1).forEach((item, n) => assert.equal(item.version === 0, n !== winners[0], `only-${n}`));
      }
    });

    test('a malformed mutation is refused before anything is written', async () => {
      const r = await call(kind, 'commit', { checks: [], mutations: [{ op: 'set', key: k('bad/1'), value: 'x' }, { op: 'frobnicate', key: k('bad/2') }] });
      assert.equal(r.status, 500);
      assert.match(r.body.error, /unknown mutation op/);
      assert.equal(await version(kind, k('bad/1')), 0);
    });
  });
}

describe('D1 commit guard', () => {
  test('the guard table stays empty and the counter does not move on a conflict', async () => {
    await commit('d1', [], [{ op: 'set', key: 'd1/guard/k', value: 'v' }]);
    const before = (await w.db.prepare('SELECT version FROM kv_counter WHERE id = 1').first()).version;
    assert.equal(await commit('d1', [{ key: 'd1/guard/k', version: 0 }], [{ op: 'set', key: 'd1/guard/k', value: 'w' }]), 'conflict');
    assert.equal((await w.db.prepare('SELECT version FROM kv_counter WHERE id = 1').first()).version, before);
    assert.equal((await w.db.prepare('SELECT count(*) AS n FROM kv_guard').first()).n, 0);
  });

  test('two commits racing on one key with the same expected version: one applies, the other wrote nothing', async () => {
    const key = 'd1/pair/key';
    await commit('d1', [{ key, version: 0 }], [{ op: 'set', key, value: 'seed' }]);
    const v = await version('d1', key);
    const [a, b] = await Promise.all(
      ['a', 'b'].map((who) =>
        call('d1', 'commit', {
          checks: [{ key, version: v }, { key: `d1/pair/${who}`, version: 0 }],
          mutations: [{ op: 'set', key, value: who }, { op: 'set', key: `d1/pair/${who}`, value: who }, { op: 'delete', key: 'd1/pair/none' }],
        }),
      ),
    );
    assert.deepEqual([a.body.outcome, b.body.outcome].sort(), ['committed', 'conflict']);
    const winner = a.body.outcome === 'committed' ? 'a' : 'b';
    const loser = winner === 'a' ? 'b' : 'a';
    const [k, mine, theirs] = await read('d1', [key, `d1/pair/${winner}`, `d1/pair/${loser}`]);
    assert.equal(k.value, winner);
    assert.ok(k.version > v);
    assert.equal(mine.value, winner);
    assert.equal(theirs.version, 0, 'the loser wrote nothing');
  });

  test('50 commits racing on one key through real D1: one commits, 49 conflict and write nothing', async () => {
    const key = 'd1/storm/key';
    await commit('d1', [{ key, version: 0 }], [{ op: 'set', key, value: 'seed' }]);
    const v = await version('d1', key);
    const rs = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        call('d1', 'commit', { checks: [{ key, version: v }], mutations: [{ op: 'set', key, value: `n${n}` }, { op: 'set', key: `d1/storm/mine/${n}`, value: 'x' }] }),
      ),
    );
    const committed = rs.flatMap((r, n) => (r.body.outcome === 'committed' ? [n] : []));
    assert.equal(committed.length, 1);
    assert.equal(rs.filter((r) => r.body.outcome === 'conflict').length, 49);
    const { results } = await w.db.prepare("SELECT key, value FROM kv WHERE key >= 'd1/storm/' AND key < 'd1/storm0' ORDER BY key").all();
    assert.deepEqual(results, [
      { key: 'd1/storm/key', value: `n${committed[0]}` },
      { key: `d1/storm/mine/${committed[0]}`, value: 'x' },
    ]);
  });

  test('any other D1 error is a host failure, not a conflict', async () => {
    // Without the counter row every set violates kv.version NOT NULL: a constraint
    // error, but not the guard's. It must surface as an error (-> 503), never as a
    // conflict (which would make the core decide again on a false premise).
    await w.db.prepare('DELETE FROM kv_counter').run();
    try {
      const r = await call('d1', 'commit', { checks: [{ key: 'd1/err/k', version: 0 }], mutations: [{ op: 'set', key: 'd1/err/k', value: 'v' }] });
      assert.equal(r.status, 500);
      assert.match(r.body.error, /NOT NULL/);
      assert.doesNotMatch(r.body.error, /slotguard_conflict/);
      assert.equal(await version('d1', 'd1/err/k'), 0);
    } finally {
      await w.db.prepare('INSERT INTO kv_counter (id, version) VALUES (1, (SELECT COALESCE(MAX(version), 0) FROM kv))').run();
    }
    assert.equal(await commit('d1', [{ key: 'd1/err/k', version: 0 }], [{ op: 'set', key: 'd1/err/k', value: 'v' }]), 'committed');
  });
});

describe('task runner in workerd', () => {
  test('a trapped instance is replaced and the next request is served', async () => {
    const put = await w.request('PUT', '/v1/events/trap-evt', { admin: true, body: { expert_id: 'trap', title: 'T', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } } });
    assert.equal(put.status, 201);
    const before = await (await w.mf.dispatchFetch(`${w.url}__probe/stats`)).json();
    const trap = await (await w.mf.dispatchFetch(`${w.url}__probe/trap`, { method: 'POST' })).json();
    assert.equal(trap.trapped, true);
    assert.equal(trap.stats.traps, before.traps + 1);
    const got = await w.request('GET', '/v1/events/trap-evt');
    assert.equal(got.status, 200);
    const after = await (await w.mf.dispatchFetch(`${w.url}__probe/stats`)).json();
    assert.equal(after.generation, before.generation + 1);
    // The trap was logged: js-bridge's onDead ran to its end in workerd (it once read
    // process.env, which workerd does not have without nodejs_compat).
    assert.ok(await waitForLog(w, (l) => l.event === 'instance_trapped'), 'instance_trapped logged');
  });
});
