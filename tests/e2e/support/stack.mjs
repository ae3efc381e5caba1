// The end-to-end stack: the Stripe emulator and a slotguard Node host (memory store),
// both in this process, sharing one controllable clock, with the emulator delivering
// its signed webhooks to the host's POST /v1/stripe/webhook through a transparent tap
// that records every answer (so tests can read what the host said to each delivery).
//
// The clock: the emulator's clock is a frozen base (the wall time at start, whole
// seconds) plus the offset that emulator.advanceTime() moves; the host's `now` and the
// emulator's signatureClock read that same clock, so expiry, hold lapses and webhook
// signature timestamps all agree, and nothing depends on how long the run takes.
import http from 'node:http';
import { createMemoryStore, createSlotguard } from '../../../host-shims/node/src/index.js';
import { createEmulator } from '../../../host-shims/stripe-emulator/src/index.js';
import { WASM, agent, request } from '../../conformance/support/harness.mjs';
import { forward } from '../../support/cli-hosts.mjs';

export { WASM };
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_e2e_payments_secret';
export const STRIPE_KEY = 'sk_test_e2e_payments';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/**
 * A reverse proxy in front of the host's webhook endpoint: forwards the POST's headers and
 * the raw body unchanged, answers the emulator with the host's exact status and body,
 * and records {event_id, type, status, json} for every delivery.
 */
function startTap(targetUrl) {
  const records = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let event = {};
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        // not JSON: the host will say so
      }
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const up = await forward(targetUrl, body, headers, agent);
      if (up.status === 599) {
        records.push({ event_id: event.id, type: event.type, status: 599, error: up.error });
        res.writeHead(502).end();
        return;
      }
      records.push({ event_id: event.id, type: event.type, status: up.status, json: up.json, text: up.text });
      res.writeHead(up.status, { 'content-type': up.contentType ?? 'application/json' }).end(up.text);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/v1/stripe/webhook`,
        records,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

export async function startE2EStack(hostOptions = {}) {
  const base = Math.floor(Date.now() / 1000) * 1000;
  let emulator;
  const now = () => emulator.clock.nowMs();
  emulator = createEmulator({
    webhookSecret: WEBHOOK_SECRET,
    apiKey: STRIPE_KEY,
    clock: () => base,
    signatureClock: now,
    autoExpire: false, // expiry happens when the test moves the clock (or lazily on requests)
    webhookRetry: { baseDelayMs: 50, factor: 2, maxAttempts: 5 },
  });
  const emulatorUrl = await emulator.start(0);

  const logs = [];
  const host = await createSlotguard({
    wasm: WASM,
    wasmDir: process.env.SLOTGUARD_WASM_DIR || undefined,
    store: 'memory',
    adminToken: ADMIN_TOKEN,
    stripeSecretKey: STRIPE_KEY,
    stripeApiBase: emulatorUrl,
    stripeWebhookSecret: WEBHOOK_SECRET,
    sweepIntervalMs: 0, // sweeps run when a test asks for one
    rateLimitPerMinute: 0, // every guest here is 127.0.0.1
    maxInFlight: 0,
    now,
    logLevel: 'debug',
    logger: (record) => logs.push(record),
    ...hostOptions,
  });
  const url = await host.listen(0, '127.0.0.1');
  const tap = await startTap(`${url}/v1/stripe/webhook`);
  emulator.setWebhookEndpoint(tap.url, WEBHOOK_SECRET);

  const call = (method, path, opts) => request(url, method, path, opts);
  /** A GET on the emulator's Stripe API, authenticated like the host. */
  const stripeGet = async (path) => {
    const res = await request(emulatorUrl, 'GET', path, { headers: { authorization: `Bearer ${STRIPE_KEY}` } });
    if (res.status !== 200) throw new Error(`GET ${path} on the emulator: ${res.status} ${res.text}`);
    return res.json;
  };

  /** A POST on the emulator's Stripe API (form body), authenticated like the host. */
  const stripePost = async (path, form = '') => {
    const res = await request(emulatorUrl, 'POST', path, {
      body: form,
      headers: { authorization: `Bearer ${STRIPE_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status !== 200) throw new Error(`POST ${path} on the emulator: ${res.status} ${res.text}`);
    return res.json;
  };

  return {
    host,
    stripePost,
    url,
    emulator,
    emulatorUrl,
    tap,
    logs,
    call,
    stripeGet,
    now,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    /** Moves the shared clock; the emulator expires whatever became due (and fires its events). */
    advance(ms) {
      return emulator.advanceTime(ms);
    },
    /** Waits until every webhook the emulator queued has been answered (buffered ones excepted). */
    settle() {
      return emulator.webhooks.idle();
    },
    async stop() {
      await host.close();
      await emulator.stop();
      await tap.close();
    },
  };
}

/**
 * The memory store with a gate for forcing one interleaving deterministically:
 * `gate.hold(key, reads)` makes every commit that writes `key` wait until `reads`
 * snapshot reads including `key` have been served (or `timeoutMs` passed), so that
 * many concurrent transactions all read `key` before any of them commits. A
 * transaction whose checks then fail retries, as it would on any store.
 */
export function createGatedMemoryStore() {
  const inner = createMemoryStore();
  let gate = null;
  const adapter = {
    kind: 'memory-gated',
    async read(keys) {
      const result = await inner.read(keys);
      if (gate && keys.includes(gate.key) && ++gate.reads >= gate.need) gate.open();
      return result;
    },
    list: (start, end, limit, after) => inner.list(start, end, limit, after),
    async commit(checks, mutations) {
      if (gate && mutations.some((m) => m.key === gate.key)) await gate.opened;
      return inner.commit(checks, mutations);
    },
  };
  return {
    adapter,
    hold(key, need, timeoutMs = 2000) {
      let open;
      const opened = new Promise((resolve) => (open = resolve));
      const timer = setTimeout(() => g.open(), timeoutMs);
      const g = {
        key,
        need,
        reads: 0,
        opened,
        timedOut: false,
        open() {
          if (g.timer === null) return;
          clearTimeout(g.timer);
          g.timer = null;
          g.timedOut = g.reads < need;
          open();
        },
        timer,
      };
      gate = g;
      return {
        get reads() {
          return g.reads;
        },
        get timedOut() {
          return g.timedOut;
        },
        release: () => {
          g.open();
          if (gate === g) gate = null;
        },
      };
    },
  };
}

/** Prometheus text → Map("name{labels}" → value). */
export function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/**
 * PUTs the 30-minute paid consultation both e2e suites book (card and Multibanco),
 * for `expertId`, and asserts it was created.
 */
export async function putConsultation(stack, eventId, expertId, price) {
  const put = await stack.call('PUT', `/v1/events/${eventId}`, {
    headers: stack.admin,
    body: {
      expert_id: expertId,
      title: 'Consultation',
      duration_minutes: 30,
      slot_step_minutes: 30,
      price: { amount: price, currency: 'eur' },
      payment_method_types: ['card', 'multibanco'],
    },
  });
  if (put.status !== 201) throw new Error(`PUT /v1/events/${eventId} answered ${put.status}: ${put.text}`);
}
