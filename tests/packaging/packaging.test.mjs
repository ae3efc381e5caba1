// The packages as a team installs them: each npm package is staged and packed, its
// file list checked, and the tarballs installed into a fresh project outside the
// repository, which then uses them the way the README's Install section says. The C++
// package is installed with `cmake --install` and built against by a consumer project
// in a temporary directory.
//
// Needs build/dist (build_wasm) and a configured native build (SLOTGUARD_INSTALL_BUILD,
// default build/native; its core and native targets are built here if they are not).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';
import { PACKAGES, VERSION, stageAll } from '../../scripts/lib/stage-packages.mjs';
import { bundleWorker } from '../workerd/bundle.mjs';
import { migrationStatements } from '../workerd/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = 'packaging-admin-token-0123456789';
const TMP = mkdtempSync(path.join(os.tmpdir(), 'slotguard-packaging-'));
const KEEP = process.env.SLOTGUARD_KEEP_TMP === '1';
after(() => (KEEP ? console.log(`kept ${TMP}`) : rmSync(TMP, { recursive: true, force: true })));

const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
const npmInstall = (cwd, specs) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], cwd);

let staged;
before(() => {
  staged = Object.fromEntries(stageAll().map((p) => [p.dir, p]));
});

describe('one version and one license', () => {
  test('every package.json and the CMake project carry VERSION', () => {
    const manifests = ['package.json', ...PACKAGES.map((p) => `${p.source}/package.json`), 'host-shims/js-bridge/package.json'];
    for (const m of manifests) {
      const json = JSON.parse(readFileSync(path.join(ROOT, m), 'utf8'));
      assert.equal(json.version, VERSION, m);
      assert.equal(json.license, 'Apache-2.0', m);
    }
    assert.match(readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8'), /file\(STRINGS "\$\{CMAKE_CURRENT_LIST_DIR\}\/VERSION"/);
    assert.match(readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`## ${VERSION.replaceAll('.', '\\.')}`));
  });
});

describe('tarball contents', () => {
  const leftovers = /(^|\/)(tests?|node_modules|CMakeFiles|build|data|\.git)\/|\.(o|a|tmp|log|db|tgz)$|(^|\/)\.DS_Store$|(^|\/)src\/dev\//;
  for (const { dir } of PACKAGES) {
    test(dir, () => {
      const { files, wasm } = staged[dir];
      for (const f of files) assert.doesNotMatch(f, leftovers, `${dir}: ${f}`);
      for (const f of ['package.json', 'README.md', 'LICENSE']) assert.ok(files.includes(f), `${dir}: ${f} missing`);
      const shipped = files.filter((f) => f.endsWith('.wasm')).map((f) => path.basename(f)).sort();
      assert.deepEqual(shipped, wasm.filter((f) => f.endsWith('.wasm')).sort());
      if (dir === 'node' || dir === 'cloudflare') assert.ok(files.includes('src/js-bridge/index.js'), `${dir}: the bridge is missing`);
      if (dir === 'cloudflare') assert.ok(files.includes('migrations/0001_kv.sql'));
      if (dir === 'node' || dir === 'client') assert.ok(files.includes('src/index.d.ts'));
      if (dir === 'client') assert.ok(files.includes('src/generated/openapi.d.ts'));
    });
  }
});

describe('installed from the tarballs, outside the repository', () => {
  const app = path.join(TMP, 'node-app');
  before(() => {
    cpSync(path.join(ROOT, 'tests/packaging/node-app'), app, { recursive: true });
    npmInstall(app, [staged.node.tarball, staged['stripe-emulator'].tarball, staged.client.tarball]);
  });

  test('@slotguard/client books a slot on @slotguard/node, typed from the package alone', () => {
    const out = run('node', ['client.mjs'], app);
    assert.match(out, /^held rsv_\w+ key [\w-]+ replayed true$/m);
    assert.match(out, /^refused slot_unavailable 409$/m);
    // The package's declarations type an app's use of it (tsc from the repository).
    run('node', [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  });

  test('@slotguard/node embedded on the memory store books a slot through the emulator package', () => {
    const out = run('node', ['book.mjs'], app);
    assert.match(out, /^held rsv_\w+ /m);
  });

  test('npx @slotguard/node answers /healthz', async () => {
    const child = spawn('npx', ['--offline', '@slotguard/node'], {
      cwd: app,
      env: { ...process.env, PORT: '0', SLOTGUARD_DB: ':memory:', SLOTGUARD_ADMIN_TOKEN: ADMIN, SLOTGUARD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group: npx does not pass signals on to the host it starts.
      detached: true,
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise((resolve, reject) => {
        const lines = [];
        readline.createInterface({ input: child.stderr }).on('line', (line) => {
          lines.push(line);
          const m = /listening on (\S+)/.exec(line);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${lines.join('\n')}`)));
      });
      const res = await fetch(new URL('/healthz', url));
      assert.equal(res.status, 200);
    } finally {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  test('a Worker project depending on @slotguard/cloudflare books a slot in workerd', async () => {
    // examples/cloudflare is that project: its package.json and wrangler.toml, as is.
    const project = path.join(TMP, 'worker');
    cpSync(path.join(ROOT, 'examples/cloudflare'), project, { recursive: true, filter: (p) => !p.endsWith('README.md') });
    npmInstall(project, [staged.cloudflare.tarball, staged['stripe-emulator'].tarball]);
    const toml = readFileSync(path.join(project, 'wrangler.toml'), 'utf8');
    const field = (name) => new RegExp(`^${name}\\s*=\\s*"([^"]+)"`, 'm').exec(toml)?.[1];
    const migrations = path.join(project, field('migrations_dir'));

    const { createEmulator } = await import(
      pathToFileURL(path.join(app, 'node_modules/@slotguard/stripe-emulator/src/index.js')).href
    );
    const emulator = createEmulator({ webhookSecret: 'whsec_packaging' });
    const stripeBase = await emulator.start(0);
    // wrangler bundles the Worker with its npm packages (ical.js) before it deploys it;
    // miniflare runs modules as they are, so the bundle is made here the same way.
    const script = await bundleWorker(field('main'), 'worker', { root: project, outDir: '.bundle' });
    const mf = new Miniflare({
      rootPath: project,
      modulesRoot: project,
      scriptPath: path.join(project, script),
      modules: true,
      // wrangler's default module rules: .js are ES modules, .wasm compiled modules.
      modulesRules: [
        { type: 'ESModule', include: ['**/*.js'] },
        { type: 'CompiledWasm', include: ['**/*.wasm'] },
      ],
      compatibilityDate: field('compatibility_date'),
      d1Databases: { DB: 'slotguard-packaging' },
      durableObjects: { SLOTGUARD_STORE_DO: { className: 'SlotguardStore', useSQLite: true } },
      bindings: {
        SLOTGUARD_STORE: 'd1',
        SLOTGUARD_ADMIN_TOKEN: ADMIN,
        STRIPE_SECRET_KEY: 'sk_test_packaging',
        STRIPE_WEBHOOK_SECRET: 'whsec_packaging',
        STRIPE_API_BASE: stripeBase,
      },
      handleRuntimeStdio() {}, // the Worker's JSON logs are not under test here
    });
    try {
      const url = await mf.ready;
      const db = await mf.getD1Database('DB');
      const sql = migrationStatements(migrations);
      await db.batch(sql.map((s) => db.prepare(s)));
      const call = async (method, pathname, body, headers = {}) => {
        const res = await mf.dispatchFetch(new URL(pathname, url), {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, json: await res.json() };
      };
      const held = await bookOne(call);
      assert.equal(held.status, 201, JSON.stringify(held.json));
      assert.ok(held.json.checkout_url);
    } finally {
      await mf.dispose();
      emulator.stop();
    }
  });
});

/** Creates an event and holds its first free slot a few days ahead. */
async function bookOne(call) {
  const admin = { authorization: `Bearer ${ADMIN}` };
  const event = { expert_id: 'ana', title: 'Intro call', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } };
  const put = await call('PUT', '/v1/events/intro-call', event, admin);
  assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.json));
  const day = 86_400_000;
  const from = new Date((Math.floor(Date.now() / day) + 2) * day).toISOString();
  const to = new Date((Math.floor(Date.now() / day) + 9) * day).toISOString();
  const slots = await call('GET', `/v1/events/intro-call/slots?from=${from}&to=${to}`);
  const free = slots.json.slots.find((s) => s.available);
  assert.ok(free, JSON.stringify(slots.json));
  return call('POST', '/v1/reservations', {
    event_id: 'intro-call',
    start: free.start,
    guest: { email: 'guest@example.com', name: 'Guest' },
  }, { 'idempotency-key': 'packaging-1' });
}

describe('the CMake package', () => {
  test('find_package(slotguard 0.2) from a project outside the repository holds a slot', () => {
    const build = path.resolve(ROOT, process.env.SLOTGUARD_INSTALL_BUILD || 'build/native');
    const prefix = path.join(TMP, 'prefix');
    run('cmake', ['--build', build, '--target', 'slotguard_core', 'slotguard_native', '-j', String(os.availableParallelism())], ROOT);
    run('cmake', ['--install', build, '--prefix', prefix], ROOT);
    // Installed headers stand alone: nothing in them points back into the checkout.
    for (const f of walk(path.join(prefix, 'include'))) {
      assert.ok(!readFileSync(f, 'utf8').includes(ROOT), `${f} mentions ${ROOT}`);
    }
    const src = path.join(TMP, 'cpp-consumer');
    cpSync(path.join(ROOT, 'tests/packaging/cpp-consumer'), src, { recursive: true });
    run('cmake', ['-S', src, '-B', path.join(src, 'build'), `-DCMAKE_PREFIX_PATH=${prefix}`], src);
    run('cmake', ['--build', path.join(src, 'build')], src);
    const out = run(path.join(src, 'build/one_hold'), [], src);
    assert.match(out, /^201 /);
  });
});

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}
