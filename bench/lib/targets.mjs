// What the benchmarks load: the Stripe emulator with one set of settings for every
// host, the Node host (in this process, or its CLI in a child process) and the
// Cloudflare Worker in workerd (miniflare). Every target answers over HTTP on
// 127.0.0.1 and offers `call(method, path, {body, headers})` through one client: the
// conformance harness's node:http request() and its keep-alive agent.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { ADMIN_TOKEN, STRIPE_KEY, WEBHOOK_SECRET, agent, request, startStack } from '../../tests/conformance/support/harness.mjs';

export { agent, request };

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

// The client, the same for every host (the agent is the harness's object). Two modes:
//   'reuse' (the default): kept-alive sockets, all of them (the agent keeps only 256
//           idle ones unless told otherwise), so a burst reuses those of the one before.
//           workerd closes a kept-alive connection 5 s after its last response (its
//           HTTP server's pipeline timeout, announced by no Keep-Alive header); a
//           request written on it just then, or that a saturated workerd has not read
//           by then, dies with ECONNRESET. So the client drops sockets idle for
//           CLIENT_IDLE_MS itself (the Node host keeps idle sockets 65 s). Under a
//           load that keeps workerd busy for seconds, some resets remain.
//   'fresh': one connection per request (`connection: close`), for every host, as
//           Miniflare#dispatchFetch does: no reuse, so no reset; each request pays
//           a loopback TCP connect and accept.
export const CLIENT_IDLE_MS = 2000;
let connections = 'reuse';
export function useConnections(mode) {
  if (mode !== 'reuse' && mode !== 'fresh') throw new Error(`unknown connection mode ${mode}`);
  connections = mode;
  agent.keepAlive = mode === 'reuse';
  agent.maxFreeSockets = mode === 'reuse' ? agent.maxSockets : 256;
  agent.options.timeout = mode === 'reuse' ? CLIENT_IDLE_MS : undefined; // read by keepSocketAlive(); never aborts a request in flight
  if (mode === 'fresh') agent.destroy(); // drop what 'reuse' kept
}
useConnections('reuse');

/** The one emulator configuration: API key checked, no expiry timer, no webhook endpoint. */
export const EMULATOR_OPTIONS = Object.freeze({ webhookSecret: WEBHOOK_SECRET, apiKey: STRIPE_KEY, autoExpire: false });
/**
 * The emulator's node:http server closes idle kept-alive connections after Node's
 * default 5 s, and workerd's HTTP client drops its pooled idle connections after 5 s
 * too (KJ's HttpClientSettings::idleTimeout). The two race: a connection Node has
 * just closed can still be handed to a Worker's request, which fails ("network
 * connection lost") and the core answers 502 payment_provider_error. 502s showed up
 * (11 and 71 in two spread bursts) while these benchmarks were written, on a busy
 * machine, and did not come back on demand: this race is the likely cause, not a
 * proven one. The benchmarks give the emulator a
 * longer keep-alive, as the Node host has for its own server, so workerd always
 * closes first. The emulator has no option for it; its server is caught as created.
 */
export const EMULATOR_KEEP_ALIVE_MS = 65000;
export const ADMIN = Object.freeze({ authorization: `Bearer ${ADMIN_TOKEN}` });

/** A Stripe emulator (EMULATOR_OPTIONS, EMULATOR_KEEP_ALIVE_MS) on an ephemeral port in this process. */
export async function startBenchEmulator() {
  const emulator = createEmulator({ ...EMULATOR_OPTIONS });
  emulator.server.keepAliveTimeout = EMULATOR_KEEP_ALIVE_MS;  // the emulator's default; stated for the printout
  const url = await emulator.start(0);
  return { emulator, url, stop: () => emulator.stop() };
}

function target(fields) {
  const call = (method, path, opts = {}) =>
    request(fields.url, method, path, connections === 'fresh' ? { ...opts, headers: { ...opts.headers, connection: 'close' } } : opts);
  return { admin: ADMIN, call, ...fields };
}

/**
 * The Node host with `store` ('memory' | 'sqlite', the latter in a temporary
 * directory) and build `wasm`, using the emulator at `stripeUrl`.
 *   process: 'in-process' runs createSlotguard here (as tests/conformance does: the
 *            client, the emulator and the host share one event loop);
 *            'child' runs host-shims/node/src/cli.js in its own process, as it is
 *            deployed, and as workerd runs the Worker.
 */
export async function startNodeTarget({ store, wasm = 'wasi', stripeUrl, process: mode = 'in-process' }) {
  if (mode === 'in-process') {
    const s = await startStack({ emulator: false, wasm, store, logger: false, stripeApiBase: stripeUrl, checkoutMinutes: 30 });
    return target({ host: 'node', store, url: s.url, process: mode, handle: s.host.handle, stop: () => s.stop() });
  }
  if (mode !== 'child') throw new Error(`unknown process mode ${mode}`);
  const dir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'slotguard-bench-')) : null;
  const child = spawn(process.execPath, [join(ROOT, 'host-shims/node/src/cli.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      SLOTGUARD_DB: dir ? join(dir, 'slotguard.db') : ':memory:',
      SLOTGUARD_WASM: wasm,
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_API_BASE: stripeUrl,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLOTGUARD_CHECKOUT_MINUTES: '30',
      SLOTGUARD_SWEEP_INTERVAL_MS: '0',
      SLOTGUARD_RATE_LIMIT_PER_MINUTE: '0', // the load comes from one address
      SLOTGUARD_MAX_IN_FLIGHT: '0',
      SLOTGUARD_LOG_LEVEL: 'error',
    },
  });
  const exited = new Promise((done) => child.once('exit', done));
  const orphan = () => child.kill('SIGKILL'); // the benchmark died before stop()
  process.once('exit', orphan);
  let stderr = '';
  const url = await new Promise((done, fail) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /slotguard listening on (\S+)/.exec(stderr);
      if (m) done(m[1]);
    });
    exited.then((code) => fail(new Error(`the Node host exited (${code}) before listening:\n${stderr}`)));
  });
  return target({
    host: 'node',
    store,
    url,
    process: mode,
    pid: child.pid,
    async stop() {
      process.off('exit', orphan);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * The Worker of host-shims/cloudflare in workerd (tests/workerd/helpers.mjs), with
 * `store` ('d1' | 'durable_object'), the same admin token, Stripe key and checkout
 * minutes as the Node host, and the emulator at `stripeUrl`. `url` is workerd's own
 * socket (miniflare's `ready` URL); `mf` is there for dispatchFetch. `script` (a path
 * from the repository root) runs another entry module the same way, e.g. a fixture.
 */
export async function startWorkerdTarget({ store, stripeUrl, script }) {
  const { startWorker } = await import('../../tests/workerd/helpers.mjs');
  const w = await startWorker({
    store,
    stripeBase: stripeUrl,
    ...(script ? { script } : {}),
    bindings: {
      SLOTGUARD_LOG_LEVEL: 'error',
      SLOTGUARD_ADMIN_TOKEN: ADMIN_TOKEN,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLOTGUARD_CHECKOUT_MINUTES: '30',
    },
  });
  return target({ host: 'workerd', store, url: w.url, process: 'workerd', mf: w.mf, worker: w, stop: () => w.close() });
}

/** The wasi module the workerd targets load (tests/workerd/helpers.mjs's WASM, or SLOTGUARD_WASI_WASM). */
export const WORKERD_WASM = process.env.SLOTGUARD_WASI_WASM ? resolve(process.env.SLOTGUARD_WASI_WASM) : join(ROOT, 'build/dist/slotguard-wasi.wasm');

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * startWorkerdTarget(options), then `setup(target)` (e.g. seeding it), retried while
 * build/dist is being rebuilt under it: waits until the wasi module exists and has not
 * changed for `settleMs` (tests/workerd/helpers.mjs refuses to load without it, and
 * a module that failed to import cannot be imported again), and on any failure of the
 * start or the setup stops the Worker, waits `retryMs` and starts again, `attempts`
 * times in all. Returns {target, setupResult, wasm: {size, mtimeMs}} of the module loaded.
 */
export async function startWorkerdRetrying(options, setup = async () => undefined, { attempts = 20, retryMs = 15_000, settleMs = 1000, log = console.error } = {}) {
  for (let attempt = 1; ; attempt++) {
    let t;
    try {
      const wasm = await settledFile(WORKERD_WASM, settleMs);
      t = await startWorkerdTarget(options);
      const setupResult = await setup(t);
      return { target: t, setupResult, wasm };
    } catch (error) {
      if (t) await t.stop().catch(() => {});
      if (attempt >= attempts) throw error;
      log(`workerd (${options.script ?? 'the Worker'}, ${options.store}) did not start (${String(error.message ?? error).split('\n')[0]}); build/dist may be mid-rebuild: retrying in ${retryMs / 1000} s (${attempt}/${attempts})`);
      await sleep(retryMs);
    }
  }
}

/** Waits until `file` exists and its size and mtime stay the same for `settleMs`. */
async function settledFile(file, settleMs) {
  const stat = () => {
    try {
      const s = statSync(file);
      return { size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      return null;
    }
  };
  for (let last = stat(); ; ) {
    await sleep(last ? settleMs : 1000);
    const now = stat();
    if (now && last && now.size === last.size && now.mtimeMs === last.mtimeMs && now.size > 0) return now;
    last = now;
  }
}
