// Starts what a conformance test talks to: the Stripe emulator and a slotguard Node
// host (both in this process, on port 0), and an HTTP client with enough sockets that
// hundreds of requests really are in flight at once. SLOTGUARD_WASM picks the build
// (wasi | emscripten); SLOTGUARD_WASM_DIR overrides where it is loaded from. Every
// answer a host gives through `call` is checked against docs/openapi.yaml.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSlotguard } from '../../../host-shims/node/src/index.js';
import { createEmulator } from '../../../host-shims/stripe-emulator/src/index.js';
import { assertMatchesContract } from './contract.mjs';
import { ON_POSTGRES, freshDatabase } from './postgres.mjs';

export const WASM = process.env.SLOTGUARD_WASM || 'wasi';
export const ADMIN_TOKEN = 'conformance-admin-token-0123456789';
export const WEBHOOK_SECRET = 'whsec_conformance_secret';
export const STRIPE_KEY = 'sk_test_conformance';

/**
 * The stores the store-parameterised tests run on. SLOTGUARD_TEST_STORE=postgres (with
 * SLOTGUARD_TEST_PG_URL) runs them, and every stack that names no store, on PostgreSQL.
 */
export const STORES = ON_POSTGRES ? ['postgres'] : ['memory', 'sqlite'];

/** Kept-alive sockets, up to 1024 at once: a storm must not queue inside the client. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/**
 * One HTTP request. `body` may be an object (sent as JSON), a string or a Buffer;
 * `agent` defaults to the shared keep-alive agent (false: a fresh socket).
 * Resolves to {status, headers, text, json}. With `contract: true` (the default of a
 * stack's `call`) the answer must match docs/openapi.yaml, or the promise rejects.
 */
export function request(baseUrl, method, path, { body, headers = {}, agent: via = agent, contract = false } = {}) {
  const payload =
    body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
  const h = { ...headers };
  if (payload !== undefined) {
    h['content-length'] = Buffer.byteLength(payload);
    h['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseUrl), { method, headers: h, agent: via }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const answer = { status: res.statusCode, headers: res.headers, text, json };
        if (contract) {
          try {
            assertMatchesContract({ method, path, ...answer });
          } catch (error) {
            return reject(error);
          }
        }
        resolve(answer);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Starts an emulator (unless `emulator: false`) and a host. Options go to
 * createSlotguard; `store: 'sqlite'` gets a database in a fresh temporary directory.
 * `clock: () => ms` sets the time for the host and for the emulator (its objects and
 * its webhook signatures), so a test can live on a date of its choosing.
 */
export async function startStack(options = {}) {
  let emulator = null;
  let emulatorUrl = null;
  const { emulator: _ignored, clock, ...hostOptions } = options;
  if (options.emulator !== false) {
    const clocks = clock ? { clock, signatureClock: clock } : {};
    emulator = createEmulator({ webhookSecret: WEBHOOK_SECRET, apiKey: STRIPE_KEY, ...clocks });
    emulatorUrl = await emulator.start(0);
  }
  if (clock) hostOptions.now = clock;
  hostOptions.store ??= ON_POSTGRES ? 'postgres' : 'memory';
  // store: 'postgres' gets an empty database of its own, dropped by stop().
  let database = null;
  if (hostOptions.store === 'postgres' && !hostOptions.postgresUrl && !hostOptions.pgPool) {
    database = await freshDatabase('sg_conformance');
    hostOptions.postgresUrl = database.url;
  }
  let dir = null;
  if (hostOptions.store === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'slotguard-conformance-'));
    hostOptions.dbPath = join(dir, 'slotguard.db');
  }
  const logs = [];
  const host = await createSlotguard({
    wasm: WASM,
    wasmDir: process.env.SLOTGUARD_WASM_DIR || undefined, // default: build/dist
    store: 'memory',
    adminToken: ADMIN_TOKEN,
    stripeSecretKey: STRIPE_KEY,
    stripeApiBase: emulatorUrl ?? 'http://127.0.0.1:9',
    stripeWebhookSecret: WEBHOOK_SECRET,
    sweepIntervalMs: 0,
    // Storms come from one address, hundreds at once: the host's abuse limits are off
    // here, and on in tests/conformance/limits.test.mjs.
    rateLimitPerMinute: 0,
    maxInFlight: 0,
    logLevel: 'debug',
    logger: (record) => logs.push(record),
    ...hostOptions,
  });
  const url = await host.listen(0, '127.0.0.1');
  emulator?.setWebhookEndpoint(`${url}/v1/stripe/webhook`, WEBHOOK_SECRET);
  const call = (method, path, opts) => request(url, method, path, { contract: true, ...opts });
  return {
    host,
    url,
    emulator,
    emulatorUrl,
    logs,
    call,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async stop() {
      await host.close();
      if (emulator) await emulator.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (database) await database.drop();
    },
  };
}

const DAY = 24 * 3600 * 1000;

/**
 * An aligned slot start, `days` days after tomorrow's UTC midnight at hh:mm, in
 * RFC 3339. Always at least a day ahead and within the default 60-day horizon.
 */
export function slot(days, hh = 9, mm = 0) {
  const midnight = Math.floor(Date.now() / DAY) * DAY + DAY;
  return new Date(midnight + days * DAY + (hh * 60 + mm) * 60000).toISOString().replace('.000Z', 'Z');
}

/** An event type body; `expert` keeps tests from blocking each other's slots. */
export function eventBody(expert, overrides = {}) {
  return {
    expert_id: expert,
    title: 'Consultation',
    duration_minutes: 30,
    slot_step_minutes: 30,
    price: { amount: 5000, currency: 'eur' },
    payment_method_types: ['card', 'multibanco'],
    ...overrides,
  };
}

export function guest(n) {
  return { email: `guest${n}@example.com`, name: `Guest Number ${n}` };
}

/** The emulator's count of one route, e.g. 'POST /v1/checkout/sessions'. */
export function stripeCalls(emulator, route) {
  return emulator.stats().api_calls.by_route[route] ?? 0;
}
