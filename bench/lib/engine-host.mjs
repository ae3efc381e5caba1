// The embedded Node host the speed bench drives (bench/speed.mjs): createSlotguard with
// Stripe answered in-process by a fake fetch adapter (no HTTP, no emulator), no rate
// limit, no in-flight cap, no sweeper, no logs. Also used by bench/lib/http-child.mjs
// to put the same host behind its own HTTP server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSlotguard } from '../../host-shims/node/src/index.js';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
export const firstDay = () => Math.floor(Date.now() / DAY) * DAY + 2 * DAY;

/** Answers POST /v1/checkout/sessions like Stripe would, synchronously and in-process. */
export function fakeStripe() {
  let n = 0;
  return async function fetchStripe(req) {
    n++;
    if (req.method === 'POST' && req.url.endsWith('/v1/checkout/sessions')) {
      const id = `cs_test_bench${n}`;
      return { status: 200, body: JSON.stringify({ id, object: 'checkout.session', url: `https://checkout.stripe.test/c/pay/${id}`, status: 'open' }) };
    }
    if (req.method === 'POST' && /\/v1\/checkout\/sessions\/[^/]+\/expire$/.test(req.url)) {
      return { status: 200, body: JSON.stringify({ id: 'cs_x', object: 'checkout.session', status: 'expired' }) };
    }
    return { status: 404, body: JSON.stringify({ error: { type: 'invalid_request_error', message: 'no such route in the bench' } }) };
  };
}

/** An event with many slots: 15-minute steps for two years. */
export function benchEvent(expert) {
  return {
    expert_id: expert,
    title: 'Bench',
    duration_minutes: 15,
    slot_step_minutes: 15,
    max_advance_days: 730,
    price: { amount: 5000, currency: 'eur' },
    payment_method_types: ['card'],
  };
}

const JSON_HEADERS = [['content-type', 'application/json']];
const ADMIN_HEADERS = [['content-type', 'application/json'], ['authorization', `Bearer ${BENCH_ADMIN_TOKEN}`]];

/**
 * @param {{store: 'sqlite'|'memory', wasm?: string}} o
 * @returns the host plus helpers: putEvent(id, expert), hold(eventId, slotIndex, guestN)
 */
export async function startEngine({ store, wasm = 'wasi' }) {
  const dir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'slotguard-speed-')) : null;
  const sg = await createSlotguard({
    store,
    dbPath: dir ? join(dir, 'slotguard.db') : undefined,
    wasm,
    wasmDir: process.env.SLOTGUARD_WASM_DIR || undefined,
    adminToken: BENCH_ADMIN_TOKEN,
    stripeSecretKey: 'sk_test_bench',
    stripeApiBase: 'https://api.stripe.test',
    checkoutMinutes: 30,
    fetch: fakeStripe(),
    rateLimitPerMinute: 0,
    maxInFlight: 0,
    sweepIntervalMs: 0,
    notifyIntervalMs: 0,
    logger: false,
  });
  const day0 = firstDay();
  async function putEvent(id, expert) {
    const r = await sg.handle({ method: 'PUT', path: `/v1/events/${id}`, headers: ADMIN_HEADERS, body: JSON.stringify(benchEvent(expert)) });
    if (r.status !== 200 && r.status !== 201) throw new Error(`PUT event: ${r.status} ${Buffer.from(r.body)}`);
  }
  /** POST /v1/reservations for slot `i` of the event (15-minute steps from day 0). */
  async function hold(eventId, i, guestN) {
    const body = JSON.stringify({
      event_id: eventId,
      start: iso(day0 + i * 15 * MINUTE),
      guest: { email: `g${guestN}@bench.example`, name: `Guest ${guestN}` },
    });
    return sg.handle({ method: 'POST', path: '/v1/reservations', headers: JSON_HEADERS, body });
  }
  return {
    sg,
    day0,
    putEvent,
    hold,
    async stop() {
      await sg.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
