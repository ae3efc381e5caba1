// What the benchmarks load: the Stripe emulator with one set of settings for every
// host, the Node host (in this process, or its CLI in a child process) and the
// Cloudflare Worker in workerd (miniflare). Every target answers over HTTP on
// 127.0.0.1 and offers `call(method, path, {body, headers})` through one client: the
// conformance harness's node:http request() and its keep-alive agent.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';
import { ADMIN_TOKEN, STRIPE_KEY, WEBHOOK_SECRET, agent, request, startStack } from '../../tests/conformance/support/harness.mjs';

export { agent, request };

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

// The client, tuned the same way for every host (the agent is the harness's object):
// - it opens up to 1024 sockets at once but by default keeps only 256 of them once
//   idle; keep them all, so a burst reuses the sockets of the one before;
// - workerd closes a keep-alive connection 5 s after its last response (its HTTP
//   server's pipeline timeout, announced by no Keep-Alive header). A request written
//   on such a socket just then, or while a busy workerd has not read it yet, dies
//   with ECONNRESET. So the client drops sockets idle for CLIENT_IDLE_MS itself and
//   opens new ones (the Node host keeps idle sockets 65 s, so this costs it nothing).
export const CLIENT_IDLE_MS = 2000;
agent.maxFreeSockets = agent.maxSockets;
agent.options.timeout = CLIENT_IDLE_MS; // read by keepSocketAlive(); never aborts a request in flight

/** The one emulator configuration: API key checked, no expiry timer, no webhook endpoint. */
export const EMULATOR_OPTIONS = Object.freeze({ webhookSecret: WEBHOOK_SECRET, apiKey: STRIPE_KEY, autoExpire: false });
/**
 * The emulator's node:http server closes idle keep-alive connections after Node's
 * default 5 s. workerd pools its outbound connections and ignores the Keep-Alive
 * hint, so a Worker's request to the emulator on a connection closed just then fails
 * ("Network connection lost") and the core answers 502 payment_provider_error. The
 * benchmarks set this instead (as the Node host does for its own server); the
 * emulator has no option for it, so its server is caught as it is created.
 */
export const EMULATOR_KEEP_ALIVE_MS = 65000;
export const ADMIN = Object.freeze({ authorization: `Bearer ${ADMIN_TOKEN}` });

/** A Stripe emulator (EMULATOR_OPTIONS, EMULATOR_KEEP_ALIVE_MS) on an ephemeral port in this process. */
export async function startBenchEmulator() {
  const createServer = http.createServer;
  let server = null;
  http.createServer = (...args) => (server = createServer.apply(http, args));
  let emulator;
  try {
    emulator = createEmulator({ ...EMULATOR_OPTIONS });
  } finally {
    http.createServer = createServer;
  }
  if (!server) throw new Error('bench: the Stripe emulator no longer creates its server with http.createServer; update startBenchEmulator');
  server.keepAliveTimeout = EMULATOR_KEEP_ALIVE_MS;
  const url = await emulator.start(0);
  return { emulator, url, stop: () => emulator.stop() };
}

function target(fields) {
  return { admin: ADMIN, call: (method, path, opts) => request(fields.url, method, path, opts), ...fields };
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
      SLOTGUARD_LOG_LEVEL: 'error',
    },
  });
  const exited = new Promise((done) => child.once('exit', done));
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
 * socket (miniflare's `ready` URL); `mf` is there for dispatchFetch.
 */
export async function startWorkerdTarget({ store, stripeUrl }) {
  const { startWorker } = await import('../../tests/workerd/helpers.mjs');
  const w = await startWorker({
    store,
    stripeBase: stripeUrl,
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
