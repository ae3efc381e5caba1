// Bundles a Worker entry that imports npm packages (ical.js in every Worker, the
// Hyperdrive store's npm pg) the way wrangler does for a deploy, since miniflare runs modules as they are and cannot
// resolve `import pg from 'pg'`: esbuild with the workerd export conditions, Node's
// built-ins left to workerd's nodejs_compat, `cloudflare:` modules and the .wasm import
// left as imports. The bundle goes to tests/workerd/.bundle/<name>/ (git-ignored), beside
// the modules workerd loads (also under SLOTGUARD_WASI_WASM's mirror of the tree), and
// its wasm import is rewritten relative to it.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const OUT_DIR = 'tests/workerd/.bundle';

const BUILTINS = new Set(builtinModules);
// Built-ins this workerd does not have at the example's compatibility date, which pg
// only requires for optional paths (pgpass reads ~/.pgpass with fs when the connection
// string has no password; Hyperdrive's always has one). wrangler fills such gaps with
// its unenv polyfills; here they are modules whose functions throw if ever called.
const MISSING = new Set(['fs']);

// CommonJS `require('events')` in pg: an ES module bundle has no require, so each such
// call gets a tiny module that imports the built-in from workerd and exports it.
const nodeBuiltins = {
  name: 'node-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!BUILTINS.has(bare)) return undefined;
      if (MISSING.has(bare)) return { path: bare, namespace: 'node-missing' };
      if (args.kind === 'require-call') return { path: `node:${bare}`, namespace: 'node-require' };
      return { path: `node:${bare}`, external: true };
    });
    // The module's .wasm import stays an import, re-pointed from the bundle's folder.
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({
      path: path.relative(path.join(build.initialOptions.absWorkingDir ?? ROOT, build.initialOptions.outfile ?? '', '..'), path.resolve(args.resolveDir, args.path)),
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'node-missing' }, (args) => ({
      contents: `const missing = () => { throw new Error('node:${args.path} is not available in this Worker'); };
        module.exports = new Proxy({}, { get: (_, name) => (name === '__esModule' ? false : missing) });`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'node-require' }, (args) => ({
      contents: `import builtin from '${args.path}'; module.exports = builtin;`,
      loader: 'js',
    }));
  },
};

/**
 * @param {string} entry  path of the entry module, relative to `root`
 * @param {string} name   the bundle's folder under `outDir`
 * @param {{root?: string, outDir?: string}} [where]  the project (default: this repository)
 *   and the folder in it the bundles go to (default: tests/workerd/.bundle)
 * @returns {Promise<string>} the bundle's path relative to `root` (a `script` for startWorker)
 */
export async function bundleWorker(entry, name, { root = ROOT, outDir = OUT_DIR } = {}) {
  const out = path.join(outDir, name, path.basename(entry));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*'],
    plugins: [nodeBuiltins],
    logLevel: 'error',
  });
  return out;
}
