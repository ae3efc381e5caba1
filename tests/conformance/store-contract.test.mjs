// The store contract of wasm/ABI.md, checked on the host's stores: versions from one
// counter (never reused after a delete), all-or-nothing checks, bytewise key order,
// list bounds and pagination. Memory and SQLite by default; PostgreSQL with
// SLOTGUARD_TEST_STORE=postgres (postgres-store.test.mjs has what only it needs).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { compareBytewise } from '../../host-shims/js-bridge/src/index.js';
import { createMemoryStore, createPostgresStore, createSqliteStore } from '../../host-shims/node/src/index.js';
import { ON_POSTGRES, freshDatabase } from './support/postgres.mjs';

const dir = mkdtempSync(join(tmpdir(), 'slotguard-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const set = (key, value) => ({ op: 'set', key, value });

/** A PostgreSQL store on an empty database of its own, dropped when the store closes. */
async function postgresStore() {
  const db = await freshDatabase('sg_contract');
  const store = await createPostgresStore({ url: db.url });
  const close = store.close;
  return Object.assign(store, { close: () => close().then(db.drop) });
}

const STORES = ON_POSTGRES
  ? [['postgres', postgresStore]]
  : [
      ['memory', () => createMemoryStore()],
      ['sqlite', () => createSqliteStore({ path: join(dir, `${Math.random().toString(16).slice(2)}.db`) })],
    ];

for (const [name, make] of STORES) {
  describe(`store contract (${name})`, () => {
    it('reads absent keys as version 0, in the order asked', async () => {
      const s = await make();
      assert.deepEqual(await s.read(['b', 'a']), { items: [{ key: 'b', version: 0 }, { key: 'a', version: 0 }] });
      await s.close();
    });

    it('commits all or nothing, and never reuses a version', async () => {
      const s = await make();
      assert.deepEqual(await s.commit([{ key: 'a', version: 0 }], [set('a', '1'), set('b', '1')]), { outcome: 'committed' });
      const [a1, b1] = (await s.read(['a', 'b'])).items;
      assert.ok(a1.version > 0 && b1.version > 0 && a1.version !== b1.version);

      // One failing check among good ones: nothing is written.
      assert.deepEqual(await s.commit([{ key: 'a', version: a1.version }, { key: 'b', version: 0 }], [set('a', '2')]), { outcome: 'conflict' });
      assert.equal((await s.read(['a'])).items[0].value, '1');

      // Delete, then set again: the version is new, never the old one.
      assert.deepEqual(await s.commit([{ key: 'a', version: a1.version }], [{ op: 'delete', key: 'a' }]), { outcome: 'committed' });
      assert.deepEqual((await s.read(['a'])).items[0], { key: 'a', version: 0 });
      await s.commit([{ key: 'a', version: 0 }], [set('a', '3')]);
      const a3 = (await s.read(['a'])).items[0];
      assert.ok(a3.version > b1.version, `${a3.version} > ${b1.version}`);
      assert.equal(a3.value, '3');
      await s.close();
    });

    it('a bad mutation rolls the whole commit back', async () => {
      const s = await make();
      await assert.rejects(s.commit([], [set('x', '1'), { op: 'explode', key: 'y' }]));
      assert.equal((await s.read(['x'])).items[0].version, 0);
      await s.close();
    });

    it('lists bytewise, within [start, end), after `after`, with `more`', async () => {
      const s = await make();
      // U+FFFD sorts before U+1F600 in UTF-8, though not in UTF-16 code units.
      const keys = ['k/a', 'k/b', 'k/B', 'k/\u00e9', 'k/\ufffd', 'k/\u{1F600}', 'k0', 'j'];
      await s.commit([], keys.map((k) => set(k, `v${k}`)));
      const expected = keys.filter((k) => compareBytewise(k, 'k/') >= 0 && compareBytewise(k, 'k0') < 0).sort(compareBytewise);
      assert.deepEqual(expected, ['k/B', 'k/a', 'k/b', 'k/\u00e9', 'k/\ufffd', 'k/\u{1F600}']);

      const all = await s.list('k/', 'k0', 100, '');
      assert.deepEqual(all.items.map((i) => i.key), expected);
      assert.equal(all.more, false);
      assert.equal(all.items[0].value, 'vk/B');

      const page1 = await s.list('k/', 'k0', 2, '');
      assert.deepEqual(page1.items.map((i) => i.key), expected.slice(0, 2));
      assert.equal(page1.more, true);
      const page2 = await s.list('k/', 'k0', 10, page1.items.at(-1).key);
      assert.deepEqual(page2.items.map((i) => i.key), expected.slice(2));
      assert.equal(page2.more, false);
      await s.close();
    });
  });
}

// A restore (a backup copied back, rows moved in from another file, a table rebuilt by
// hand) can leave rows whose versions are above the store's counter. A version handed
// out again would let a stale check pass (ABA), so a store opened on such a file must
// hand out versions above every one already in it, and keep doing so after a reopen.
describe('sqlite store: versions above every existing row', () => {
  const file = () => join(dir, `restore-${Math.random().toString(16).slice(2)}.db`);
  const maxVersion = (path) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT MAX(version) FROM kv').pluck().get();
    } finally {
      db.close();
    }
  };
  // Rows written straight into the table, as a restore writes them: no commit, no counter.
  const restoreRows = (path, rows) => {
    const db = new Database(path);
    try {
      const put = db.prepare('INSERT INTO kv (key, value, version) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version');
      db.transaction(() => rows.forEach(([k, v, version]) => put.run(Buffer.from(k), Buffer.from(v), version)))();
    } finally {
      db.close();
    }
  };

  it('rows restored into a file the store used before', async () => {
    const path = file();
    const first = createSqliteStore({ path });
    await first.commit([], [set('a', '1'), set('b', '1')]);
    await first.close();
    restoreRows(path, [['a', 'restored', 5000], ['c', 'restored', 9000]]);

    const s = createSqliteStore({ path });
    const [a, c] = (await s.read(['a', 'c'])).items;
    assert.deepEqual([a.version, c.version], [5000, 9000]);
    // A new key, and an update of a restored key checked against its restored version.
    assert.deepEqual(await s.commit([{ key: 'n', version: 0 }], [set('n', 'new')]), { outcome: 'committed' });
    assert.deepEqual(await s.commit([{ key: 'a', version: 5000 }], [set('a', 'updated')]), { outcome: 'committed' });
    const [n, a2] = (await s.read(['n', 'a'])).items;
    assert.ok(n.version > 9000, `new key got ${n.version}, a restored row has 9000`);
    assert.ok(a2.version > n.version, `${a2.version} > ${n.version}`);
    await s.close();

    // Reopened: the counter is where the last commit left it, not back at the rows' max.
    const again = createSqliteStore({ path });
    await again.commit([{ key: 'c', version: 9000 }], [{ op: 'delete', key: 'c' }]);
    await again.commit([{ key: 'c', version: 0 }], [set('c', 'recreated')]);
    const c2 = (await again.read(['c'])).items[0];
    assert.ok(c2.version > a2.version, `${c2.version} > ${a2.version}`);
    assert.equal(c2.version, maxVersion(path));
    await again.close();
  });

  it('a file that has the rows but not the counter', async () => {
    const path = file();
    // The kv table alone, as a table-level restore brings it back.
    const db = new Database(path);
    db.exec('CREATE TABLE kv (key BLOB PRIMARY KEY, value BLOB NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID');
    db.close();
    restoreRows(path, [['x', 'old', 41], ['y', 'old', 77]]);

    const s = createSqliteStore({ path });
    await s.commit([{ key: 'x', version: 0 }], []).then((r) => assert.equal(r.outcome, 'conflict'));
    await s.commit([{ key: 'x', version: 41 }], [{ op: 'delete', key: 'x' }]);
    await s.commit([{ key: 'x', version: 0 }], [set('x', 'new')]);
    const x = (await s.read(['x'])).items[0];
    assert.ok(x.version > 77, `recreated key got ${x.version}, a row already had 77`);
    await s.close();
  });
});

describe('compareBytewise', () => {
  it('orders like UTF-8 bytes', () => {
    const words = ['b', 'a', '', 'ab', '\u{10000}', '\uffff', '\ue000', '\u07ff', 'Z'];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...words].sort(compareBytewise), byBytes);
  });
});
