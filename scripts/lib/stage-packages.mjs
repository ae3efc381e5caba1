#!/usr/bin/env node
// Stages the publishable npm packages into build/packages/<dir>/ and packs each into
// build/packages/<name>-<version>.tgz.
//
// In a checkout, the hosts import the shared bridge from host-shims/js-bridge and the
// modules from build/dist, so that editing the bridge or rebuilding a module takes
// effect at once, with no copy to forget. A published package cannot reach outside its
// own folder, so the staged copy carries the bridge (src/js-bridge/) and the modules
// (dist/), and every relative reference that pointed at them is rewritten to the copy.
// Any other reference leaving the package fails the staging: a package that cannot
// start is never packed.
//
//   node scripts/lib/stage-packages.mjs [--no-pack]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLES } from './build-widget.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'build/packages');
const BRIDGE_SRC = path.join(ROOT, 'host-shims/js-bridge/src');
const DIST = path.join(ROOT, 'build/dist');
export const VERSION = readFileSync(path.join(ROOT, 'VERSION'), 'utf8').trim();

/** What each package carries besides its own files: dir -> where it goes in the package. */
export const PACKAGES = [
  {
    dir: 'node',
    source: 'host-shims/node',
    bridge: true,
    wasm: ['slotguard-wasi.wasm', 'slotguard-emscripten.mjs', 'slotguard-emscripten.wasm'],
    // scripts/dev's demo seeder: part of the checkout, not of the host.
    exclude: ['src/dev'],
  },
  // The Worker ships the guests' booking page, which a project serves as its static
  // assets (examples/cloudflare/wrangler.toml points [assets] at it in node_modules),
  // with the widget's and the console's bundles built from widget/src first (they are
  // not committed: scripts/lib/build-widget.mjs).
  {
    dir: 'cloudflare',
    source: 'host-shims/cloudflare',
    bridge: true,
    wasm: ['slotguard-wasi.wasm'],
    extras: [['examples/booking-page', 'booking-page']],
    widget: true,
  },
  { dir: 'stripe-emulator', source: 'host-shims/stripe-emulator', bridge: false, wasm: [] },
  // The client's contract files are generated again from docs/openapi.yaml into the
  // staged copy, and its declarations (index.d.ts, ...) emitted from its JSDoc by tsc.
  { dir: 'client', source: 'client', bridge: false, wasm: [], generate: true },
];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const inside = (dir, p) => p === dir || p.startsWith(dir + path.sep);

/**
 * Rewrites the relative specifiers of one staged file: `from '...'`, `import('...')`
 * and `new URL('...', import.meta.url)`. `original` is where the file lives in the
 * checkout, which is what its specifiers are relative to.
 */
function rewrite(text, original, staged, pkgDir, mapping) {
  const pattern = /(from\s+|import\s*\(\s*|import\s+|new URL\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
  return text.replace(pattern, (whole, lead, quote, spec) => {
    const target = path.resolve(path.dirname(original), spec);
    let mapped = null;
    for (const [from, to] of mapping) {
      if (inside(from, target)) {
        mapped = path.join(to, path.relative(from, target));
        break;
      }
    }
    if (!mapped) throw new Error(`${path.relative(ROOT, original)}: '${spec}' reaches outside its package`);
    let rel = path.relative(path.dirname(staged), mapped).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    // A type import's './x.js' (a declaration's, or JSDoc's import('./x.js')) names
    // x.d.ts when no x.js exists, as TypeScript resolves it.
    const present = existsSync(mapped) || existsSync(mapped.replace(/\.js$/, '.d.ts'));
    if (!inside(pkgDir, path.resolve(path.dirname(staged), rel)) || !present) {
      throw new Error(`${path.relative(ROOT, original)}: '${spec}' has no staged counterpart (${rel})`);
    }
    return `${lead}${quote}${rel}${quote}`;
  });
}

/** Writes the widget's and the console's bundles into the booking page's folder (in a child: staging is synchronous). */
function buildWidgetBundles() {
  execFileSync('node', [path.join(ROOT, 'scripts/lib/build-widget.mjs')], { stdio: 'inherit' });
}

function generateClient(dest) {
  execFileSync('node', [path.join(ROOT, 'scripts/lib/gen-client.mjs'), '--out', path.join(dest, 'src/generated')], { stdio: 'inherit' });
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync('node', [tsc, '--declaration', '--emitDeclarationOnly', '--allowJs', '--skipLibCheck', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom',
    '--rootDir', path.join(dest, 'src'), '--outDir', path.join(dest, 'src'), path.join(dest, 'src/index.js')], { stdio: 'inherit' });
}

function stage(pkg) {
  const source = path.join(ROOT, pkg.source);
  const dest = path.join(OUT, pkg.dir);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });

  const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
  if (manifest.version !== VERSION) {
    throw new Error(`${pkg.source}/package.json has version ${manifest.version}, VERSION says ${VERSION} (run scripts/set-version)`);
  }
  // The checkout's scripts run the repository's tests; prepack refuses to pack the
  // unstaged folder. Neither belongs in the published manifest.
  delete manifest.scripts;
  delete manifest.devDependencies;
  writeFileSync(path.join(dest, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(path.join(ROOT, 'LICENSE'), path.join(dest, 'LICENSE'));

  // Copy what the manifest's "files" names (plus README), then the extras.
  for (const entry of [...manifest.files, 'README.md']) {
    const from = path.join(source, entry);
    if (existsSync(from)) cpSync(from, path.join(dest, entry), { recursive: true });
  }
  for (const entry of pkg.exclude ?? []) rmSync(path.join(dest, entry), { recursive: true, force: true });
  if (pkg.generate) generateClient(dest);
  const mapping = [[source, dest]];
  if (pkg.widget) buildWidgetBundles();
  for (const [from, to] of pkg.extras ?? []) {
    cpSync(path.join(ROOT, from), path.join(dest, to), { recursive: true, filter: (f) => !f.endsWith('.tmp') });
  }
  // A page without its scripts must never be packed.
  for (const [, out] of pkg.widget ? BUNDLES : []) {
    const staged = (pkg.extras ?? []).map(([from, to]) => path.join(dest, to, path.relative(path.join(ROOT, from), path.join(ROOT, out))));
    if (!staged.some((f) => inside(dest, f) && existsSync(f))) throw new Error(`${pkg.dir}: ${out} was not staged`);
  }
  if (pkg.bridge) {
    cpSync(BRIDGE_SRC, path.join(dest, 'src/js-bridge'), { recursive: true });
    mapping.unshift([BRIDGE_SRC, path.join(dest, 'src/js-bridge')]);
  }
  if (pkg.wasm.length) {
    mkdirSync(path.join(dest, 'dist'));
    for (const f of pkg.wasm) {
      const from = path.join(DIST, f);
      if (!existsSync(from)) throw new Error(`${from} is missing: build the modules first (build_wasm)`);
      cpSync(from, path.join(dest, 'dist', f));
    }
    mapping.unshift([DIST, path.join(dest, 'dist')]);
  }

  // Rewrite every staged module against where it came from.
  for (const file of walk(dest).filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    const rel = path.relative(dest, file);
    // The extras are browser files, whole in their folder: their URLs are the page's own.
    if ((pkg.extras ?? []).some(([, to]) => inside(path.join(dest, to), file))) continue;
    const original = rel.startsWith(`src${path.sep}js-bridge${path.sep}`)
      ? path.join(BRIDGE_SRC, path.relative(path.join(dest, 'src/js-bridge'), file))
      : rel.startsWith(`dist${path.sep}`)
        ? path.join(DIST, path.relative(path.join(dest, 'dist'), file))
        : path.join(source, rel);
    const text = readFileSync(file, 'utf8');
    const out = rewrite(text, original, file, dest, mapping);
    if (out !== text) writeFileSync(file, out);
  }
  return { ...pkg, name: manifest.name, dest };
}

export function stageAll({ pack = true } = {}) {
  mkdirSync(OUT, { recursive: true });
  const staged = PACKAGES.map(stage);
  if (pack) {
    for (const pkg of staged) {
      for (const old of readdirSync(OUT).filter((f) => f.startsWith(`${pkg.name.replace('@', '').replace('/', '-')}-`))) {
        rmSync(path.join(OUT, old));
      }
      const [info] = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: pkg.dest, encoding: 'utf8' }),
      );
      pkg.tarball = path.join(OUT, info.filename);
      pkg.files = info.files.map((f) => f.path);
    }
  }
  return staged;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const staged = stageAll({ pack: !process.argv.includes('--no-pack') });
  for (const pkg of staged) console.log(pkg.tarball ?? pkg.dest);
}
