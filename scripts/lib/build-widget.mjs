#!/usr/bin/env node
// Bundles the booking widget and the expert's console, each with @slotguard/client
// (client/src), into single scripts in the booking page's folder, so that the folder
// stays static (copy it anywhere; the Node host and the Worker serve it as it is) and a
// site embeds the widget with one script tag:
//   widget/src/index.js    -> examples/booking-page/slotguard-booking.js
//   widget/src/console.js  -> examples/booking-page/console/console.js
//
//   node scripts/lib/build-widget.mjs           writes them
//   node scripts/lib/build-widget.mjs --check   fails (exit 1) when the committed files differ
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLES = [
  ['widget/src/index.js', 'examples/booking-page/slotguard-booking.js', 'the <slotguard-booking> widget'],
  ['widget/src/console.js', 'examples/booking-page/console/console.js', "the expert's console"],
];

const check = process.argv.includes('--check');
let stale = 0;
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
    banner: { js: `// ${what}, bundled with @slotguard/client from ${entry} by scripts/lib/build-widget.mjs: do not edit.` },
    absWorkingDir: ROOT,
  });
  const text = result.outputFiles[0].text;
  const file = path.join(ROOT, out);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // missing: stale
    }
    if (committed !== text) {
      console.error(`${out} is not what ${entry} builds: run node scripts/lib/build-widget.mjs`);
      stale += 1;
    }
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${out} (${text.length} bytes)`);
  }
}
process.exit(stale ? 1 : 0);
