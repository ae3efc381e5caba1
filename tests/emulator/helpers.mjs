// Shared helpers for the Stripe emulator tests.
import assert from 'node:assert/strict';
import http from 'node:http';
import Stripe from 'stripe';
import { createEmulator } from '../../host-shims/stripe-emulator/src/index.js';

export const WEBHOOK_SECRET = 'whsec_test_emulator_secret';

/** Start an emulator on an ephemeral port plus an official SDK client pointed at it. */
export async function startEmulator(options = {}, { apiKey = 'sk_test_x' } = {}) {
  const emulator = createEmulator({ webhookSecret: WEBHOOK_SECRET, ...options });
  const url = await emulator.start(0);
  const port = Number(new URL(url).port);
  const stripe = sdk(port, apiKey);
  return { emulator, url, port, stripe };
}

export function sdk(port, apiKey = 'sk_test_x') {
  return new Stripe(apiKey, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

/** Checkout Session params as slotguard sends them. */
export function sessionParams(overrides = {}) {
  return {
    mode: 'payment',
    line_items: [
      {
        price_data: { currency: 'eur', unit_amount: 2500, product_data: { name: 'Court 3, 18:00-19:00' } },
        quantity: 2,
      },
    ],
    success_url: 'https://slotguard.test/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://slotguard.test/cancel',
    customer_email: 'guest@example.com',
    client_reference_id: 'res_123',
    metadata: { reservation_id: 'res_123' },
    payment_intent_data: { metadata: { reservation_id: 'res_123' } },
    payment_method_types: ['card', 'multibanco'],
    ...overrides,
  };
}

/**
 * A local webhook endpoint. `respond(n, body)` picks the status of the n-th
 * delivery (1-based). Records raw bodies and headers for signature checks.
 */
export async function startWebhookReceiver({ respond = () => 200 } = {}) {
  const deliveries = [];
  let waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const n = deliveries.length + 1;
      const status = respond(n, rawBody);
      deliveries.push({ rawBody, headers: req.headers, status, event: JSON.parse(rawBody) });
      res.statusCode = status;
      res.end(status < 300 ? '{"received":true}' : 'nope');
      waiters = waiters.filter((w) => {
        if (deliveries.length >= w.count) {
          w.resolve(deliveries.slice());
          return false;
        }
        return true;
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/stripe`;
  return {
    url,
    deliveries,
    /** Resolves with all deliveries once at least `count` have arrived. */
    waitFor(count) {
      if (deliveries.length >= count) return Promise.resolve(deliveries.slice());
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    types: () => deliveries.map((d) => d.event.type),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** POST a urlencoded body with fetch (no SDK), not following redirects. */
export function postForm(url, body, headers = {}) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
}

/** A controllable clock for expiry tests. */
export function manualClock(startMs = Date.now()) {
  let now = startMs;
  const clock = () => now;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.nowSeconds = () => Math.floor(now / 1000);
  return clock;
}

/** For assert.rejects: a StripeError from the official SDK with this status, code and param. */
export function expectStripeError(status, code, param) {
  return (err) => {
    assert.equal(err.statusCode, status);
    assert.equal(err.rawType, 'invalid_request_error');
    assert.equal(err.code, code);
    if (param !== undefined) assert.equal(err.param, param);
    return true;
  };
}
