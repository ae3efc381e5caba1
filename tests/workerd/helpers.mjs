// Shared helpers for the workerd suites: the Worker of host-shims/cloudflare running in
// real workerd through miniflare 4, its D1 database or Durable Object store, and the
// Stripe emulator in this process.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { bundleWorker } from './bundle.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WASM = path.join(ROOT, 'build/dist/slotguard-wasi.wasm');
export const WORKER = 'host-shims/cloudflare/src/worker.js';
export const PROBE = 'tests/workerd/fixtures/probe-worker.js';
export const MIGRATIONS_DIR = path.join(ROOT, 'host-shims/cloudflare/migrations');
export const WRANGLER_TOML = path.join(ROOT, 'examples/cloudflare/wrangler.toml');
export const ADMIN_TOKEN = 'workerd-admin-token-0123456789';
export const WEBHOOK_SECRET = 'whsec_workerd_test_secret';
export const STORES = ['d1', 'durable_object'];

if (!existsSync(WASM)) {
  throw new Error(`${WASM} is missing: build it first (source scripts/lib/common.sh scripts/lib/build-wasm.sh; build_wasm)`);
}

/**
 * The directory workerd loads the Worker's modules from. Normally the repository; with
 * SLOTGUARD_WASI_WASM=/path/to/other.wasm, a temporary mirror of it (symlinks) where
 * build/dist/slotguard-wasi.wasm is that file, to run the suites against another build
 * without touching build/dist.
 */
function modulesRootDir() {
  const other = process.env.SLOTGUARD_WASI_WASM;
  if (!other) return ROOT;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slotguard-workerd-'));
  for (const top of ['host-shims', 'tests']) symlinkSync(path.join(ROOT, top), path.join(dir, top));
  mkdirSync(path.join(dir, 'build/dist'), { recursive: true });
  symlinkSync(path.resolve(other), path.join(dir, 'build/dist/slotguard-wasi.wasm'));
  // rmSync removes the symlinks themselves, never what they point at.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const MODULES_ROOT = modulesRootDir();

/** compatibility_date and compatibility_flags of the example wrangler.toml: the tests run what users deploy. */
export function wranglerCompat() {
  const toml = readFileSync(WRANGLER_TOML, 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return { compatibilityDate: date, compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [] };
}

/**
 * The D1 migrations in `dir` (default: the Worker's own), in the order wrangler applies
 * them, as single statements (comments dropped).
 */
export function migrationStatements(dir = MIGRATIONS_DIR) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n')
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

const withoutUndefined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * Starts the Worker in workerd (miniflare) with the given store, D1 migrated.
 * `miniflare` adds options (e.g. `ratelimits`) to the Miniflare constructor.
 * @returns {Promise<{mf, url, store, logs: object[], stderr: string[], db, request, json, close}>}
 */
/** @type {Map<string, Promise<string>>} */
const bundles = new Map();
/**
 * The Worker as wrangler deploys it: bundled with its npm packages (ical.js, which the
 * calendar sync reads feeds with; miniflare cannot resolve a bare import), once per
 * script and process, in a folder of this process's own (test files run in parallel).
 * A script that is already a bundle (tests/workerd/.bundle/) runs as it is.
 */
function bundled(script) {
  if (script.startsWith('tests/workerd/.bundle/')) return Promise.resolve(script);
  if (!bundles.has(script)) {
    const name = `${process.pid}/${path.basename(script, '.js')}`;
    bundles.set(script, bundleWorker(script, name));
    if (bundles.size === 1) process.on('exit', () => rmSync(path.join(ROOT, 'tests/workerd/.bundle', String(process.pid)), { recursive: true, force: true }));
  }
  return /** @type {Promise<string>} */ (bundles.get(script));
}

export async function startWorker({ store = 'd1', stripeBase = 'http://127.0.0.1:9', script = WORKER, bindings = {}, miniflare = {} } = {}) {
  script = await bundled(script);
  const logs = [];
  const rawLines = [];
  const stderr = [];
  const mf = new Miniflare({
    rootPath: MODULES_ROOT,
    modulesRoot: MODULES_ROOT,
    scriptPath: script,
    modules: true,
    // wrangler's default rules: .js files are ES modules, .wasm files compiled modules.
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    ...wranglerCompat(),
    d1Databases: { DB: 'slotguard-test' },
    durableObjects: { SLOTGUARD_STORE_DO: { className: 'SlotguardStore', useSQLite: true } },
    // A binding given as undefined is left out (a secret never set).
    bindings: withoutUndefined({
      SLOTGUARD_STORE: store,
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      STRIPE_SECRET_KEY: 'sk_test_workerd',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripeBase,
      SLOTGUARD_CHECKOUT_MINUTES: '30',
      SLOTGUARD_LOG_LEVEL: 'info',
      ...bindings,
    }),
    ...miniflare,
    handleRuntimeStdio(out, err) {
      readline.createInterface({ input: out }).on('line', (line) => {
        rawLines.push(line);
        try {
          logs.push(JSON.parse(line));
        } catch {
          logs.push({ unparsed: line });
        }
        if (process.env.SG_WORKERD_VERBOSE) process.stdout.write(`[workerd] ${line}\n`);
      });
      readline.createInterface({ input: err }).on('line', (line) => {
        stderr.push(line);
        if (process.env.SG_WORKERD_VERBOSE) process.stderr.write(`[workerd] ${line}\n`);
      });
    },
  });
  const url = await mf.ready;
  const db = await mf.getD1Database('DB');
  await db.batch(migrationStatements().map((s) => db.prepare(s)));

  async function request(method, pathname, { body, headers = {}, admin = false } = {}) {
    const h = { ...headers };
    if (admin) h.authorization = `Bearer ${ADMIN_TOKEN}`;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await mf.dispatchFetch(new URL(pathname, url), { method, headers: h, body: payload });
    const text = await res.text();
    let data = null;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: res.status, headers: res.headers, text, body: data };
  }

  return { mf, url: url.href, store, logs, rawLines, stderr, db, request, close: () => mf.dispose() };
}

/** The Stripe emulator on an ephemeral port in this process. */
export async function startEmulator(options = {}) {
  const emulator = createEmulator({ webhookSecret: WEBHOOK_SECRET, ...options });
  const url = await emulator.start(0);
  return { emulator, url };
}

/**
 * A webhook tap: the emulator's endpoint. It forwards every delivery byte for byte
 * (body and Stripe-Signature) to the Worker and records what the Worker answered.
 */
export async function startWebhookTap(targetUrl) {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['stripe-signature'];
      try {
        const answer = await fetch(targetUrl, {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'stripe-signature': signature },
          body: raw,
        });
        const text = await answer.text();
        deliveries.push({ raw, signature, status: answer.status, text, event: JSON.parse(raw.toString('utf8')) });
        res.statusCode = answer.status;
        res.end(text);
      } catch (error) {
        deliveries.push({ raw, signature, status: 599, text: String(error), event: null });
        res.statusCode = 502;
        res.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    deliveries,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const DAY = 86_400_000;
/** An RFC 3339 UTC time `days` days from today's midnight plus h:m (aligned slots). */
export function slot(days, hour, minute = 0) {
  const midnight = Math.floor(Date.now() / DAY) * DAY;
  return new Date(midnight + days * DAY + (hour * 60 + minute) * 60_000).toISOString().replace('.000Z', 'Z');
}

export function eventBody(expertId, overrides = {}) {
  return {
    expert_id: expertId,
    title: 'Consultation',
    duration_minutes: 30,
    price: { amount: 5000, currency: 'eur' },
    ...overrides,
  };
}

export function reservationBody(eventId, start, n = 1) {
  return { event_id: eventId, start, guest: { email: `guest${n}@example.com`, name: `Guest ${n}` } };
}

/** Percentile (0..100) of a numeric array. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * The first log record matching `pred`, waiting for it: workerd's stdout reaches this
 * process asynchronously, and a loaded machine can take a while.
 */
export async function waitForLog(worker, pred, timeoutMs = 15_000) {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const line = worker.logs.findLast(pred);
    if (line || Date.now() >= deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
