// Summarises a V8 CPU profile (.cpuprofile, from `node --cpu-prof`): where a host's CPU
// went during a bench, by function, by file, and who called one function. With the
// side-by-side bench:
//
//   SLOTGUARD_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" node bench/side-by-side.mjs --targets pg1
//   node bench/lib/profile-summary.mjs /tmp/p/CPU.*.cpuprofile [--top 25] [--callers writev [--depth 10]]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, callers: { type: 'string' }, depth: { type: 'string', default: '10' } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/lib/profile-summary.mjs FILE.cpuprofile [--top N] [--callers FUNCTION [--depth N]]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const top = Number(opts.top);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

const shortUrl = (url) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(host-shims|bench|tests)\//, '$1/');
const frameName = (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fileOf = (n) => (n.callFrame.url ? shortUrl(n.callFrame.url).split('/').slice(0, 3).join('/') : `(${n.callFrame.functionName})`);

/** Adds each sample's time (µs) under key(node); skips samples key() returns null for. */
function tally(key) {
  const sums = new Map();
  profile.samples.forEach((id, i) => {
    const k = key(nodes.get(id));
    if (k !== null) sums.set(k, (sums.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, top);
}
const print = (title, rows) => {
  console.log(`\n${title}`);
  for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${k}`);
};

const totalUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
console.log(`${positionals[0]}: ${(totalUs / 1000).toFixed(0)} ms sampled`);
print('self time by function', tally(frameName));
print('self time by file', tally(fileOf));
if (opts.callers) {
  const chain = (n) => {
    const names = [];
    for (let id = parentOf.get(n.id); id && names.length < Number(opts.depth); id = parentOf.get(id)) names.push(frameName(nodes.get(id)));
    return names.join(' < ');
  };
  print(`callers of ${opts.callers}`, tally((n) => (n.callFrame.functionName === opts.callers ? chain(n) : null)));
}
