#!/usr/bin/env node
// Bundles the booking widget and the expert's console, each with @slotguard/client
// (client/src), into single scripts in the booking page's folder, so that the folder
// stays static (the Node host and the Worker serve it as it is, and the Worker's package
// ships it) and a site embeds the widget with one script tag:
//   widget/src/index.js    -> examples/booking-page/slotguard-booking.js
//   widget/src/console.js  -> examples/booking-page/console/console.js
//
// The bundles are build output, not sources: git ignores them, and whatever serves or
// ships the folder builds them first (scripts/dev, the browser tests' support, the
// packaging in scripts/lib/stage-packages.mjs). A file is written only when its text
// changed, through a temporary file and a rename, so test files building at once in
// parallel never let a server read half a bundle.
//
//   node scripts/lib/build-widget.mjs           writes them
//   node scripts/lib/build-widget.mjs --check   bundles them in memory only (fails on an error)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLES = [
  ['widget/src/index.js', 'examples/booking-page/slotguard-booking.js', 'the <slotguard-booking> widget'],
  ['widget/src/console.js', 'examples/booking-page/console/console.js', "the expert's console"],
];

/**
 * Builds both bundles; unless `write` is false, writes those whose text changed.
 * Answers the paths written (relative to the repository).
 */
export async function buildWidget({ write = true } = {}) {
  const written = [];
  for (const [entry, out, what] of BUNDLES) {
    const result = await build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      // A classic script (no import or export): <script src> loads it from another origin
      // without CORS, and a module may still import it for its side effect.
      format: 'iife',
      target: 'es2022',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: `// ${what}, bundled with @slotguard/client from ${entry} by scripts/lib/build-widget.mjs: do not edit.` },
      absWorkingDir: ROOT,
    });
    if (!write) continue;
    const text = result.outputFiles[0].text;
    const file = path.join(ROOT, out);
    let current = null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // not built yet
    }
    if (current === text) continue;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
    written.push(out);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  try {
    const written = await buildWidget({ write: !check });
    if (check) console.log('the widget and the console bundle');
    else if (written.length === 0) console.log('the widget and the console bundles are up to date');
    else for (const out of written) console.log(`wrote ${out}`);
  } catch (error) {
    console.error(`scripts/lib/build-widget.mjs: ${error.message}`);
    process.exit(1);
  }
}
