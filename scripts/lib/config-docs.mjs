// The core's settings as a Markdown table, rendered from the module's own schema
// (sg_describe): docs/configuration.md holds it between its settings markers, and
// tests/conformance/contract.test.mjs fails when the two differ. Regenerate with
//   node scripts/lib/config-docs.mjs --write
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describeModule, optionName, wasiLoader } from '../../host-shims/js-bridge/src/index.js';

export const DOC = new URL('../../docs/configuration.md', import.meta.url);
const BEGIN = '<!-- settings:begin -->';
const END = '<!-- settings:end -->';

/** @param {string} text */
const cell = (text) => String(text).replaceAll('|', '\\|');

/** @param {import('../../host-shims/js-bridge/src/contract.js').Setting} s */
function kind(s) {
  if (s.type === 'integer') return `integer, ${s.min} to ${s.max}`;
  return s.type === 'list' ? 'comma-separated list' : 'text';
}

/** @param {import('../../host-shims/js-bridge/src/contract.js').Setting} s */
function defaultOf(s) {
  if (s.required) return 'required';
  return s.default === '' ? 'none' : `\`${s.default}\``;
}

/** @param {import('../../host-shims/js-bridge/src/contract.js').Setting[]} settings */
export function renderSettings(settings) {
  const rows = settings.map((s) =>
    `| \`${s.env}\` | \`${s.field}\` / \`${optionName(s.field)}\` | ${kind(s)}${s.secret ? ', secret' : ''} | ${defaultOf(s)} | ${cell(s.description)} |`,
  );
  return [
    BEGIN,
    '| environment variable / Worker binding | `sg_init` field / Node option | type | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

/** The table as docs/configuration.md has it now. @param {string} text */
export function currentTable(text) {
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  return from < 0 || to < 0 ? null : text.slice(from, to + END.length);
}

/** @param {Uint8Array} wasm  the wasi module's bytes */
export async function settingsOf(wasm) {
  return (await describeModule(wasiLoader({ bytes: wasm }))).settings;
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAsScript && process.argv.includes('--write')) {
  const wasm = readFileSync(new URL('../../build/dist/slotguard-wasi.wasm', import.meta.url));
  const text = readFileSync(DOC, 'utf8');
  const table = currentTable(text);
  if (table === null) throw new Error('docs/configuration.md has no settings markers');
  writeFileSync(DOC, text.replace(table, renderSettings(await settingsOf(wasm))));
  console.log('docs/configuration.md: settings table written from the module schema');
}
