// Why this file exists: bench/side-by-side.mjs (the seed against slotguard) is too long
// for ./scripts/test, and a benchmark nobody runs stops working unnoticed. This runs its
// smoke mode (--quick: 20 guests per scenario) once, in well under a minute, and checks
// only what slotguard guarantees: every slotguard target that started answers every
// request and leaves no double booking, no payable session for a slot nobody holds, and
// no session payable past its hold. The seed's figures and all timings are printed,
// never asserted. ./scripts/test runs it; alone:
//
//   node --test tests/bench/
//
// It needs what the benchmark needs: PostgreSQL 15 (it starts a throwaway one unless
// SLOTGUARD_TEST_PG_URL is set), build/dist, and workerd (miniflare).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('bench/side-by-side.mjs --quick runs and slotguard keeps its guarantees', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-side-by-side-'));
  try {
    const out = join(dir, 'rows.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'bench/side-by-side.mjs'), '--quick', '--json', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 110_000,
    });
    assert.equal(run.status, 0, `exit ${run.status}\n${run.stdout}\n${run.stderr}`);
    const { rows } = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(rows), ['hot', 'day', 'spread']);
    for (const [kind, list] of Object.entries(rows)) {
      const seed = list.find((r) => r.target.startsWith('seed'));
      assert.ok(seed && seed['req/s'] !== undefined, `${kind}: the seed ran`);
      for (const r of list.filter((x) => x.target.startsWith('slotguard') && x.answers !== 'not available')) {
        assert.doesNotMatch(r.answers, /error|failed|5\d\d/, `${kind} ${r.target}: ${r.answers}`);
        assert.equal(r['double-booked'], 0, `${kind} ${r.target}`);
        assert.equal(r['orphan open'], 0, `${kind} ${r.target}`);
        assert.equal(r['open past hold'], 0, `${kind} ${r.target}`);
      }
    }
    // Only the hot slot has a known answer for every correct target: one winner.
    for (const r of rows.hot.filter((x) => x.target.startsWith('slotguard') && x.answers !== 'not available')) {
      assert.match(r.answers, /^201x1 409x19$/, r.target);
    }
    console.log(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
