// @slotguard/stripe-emulator — a local emulator of the parts of the Stripe
// API that slotguard uses (Checkout Sessions, PaymentIntents, charges,
// refunds, events, signed webhooks), with test helpers and controls.
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import { createClock } from './clock.js';
import { createStore } from './store.js';
import { createTimeline } from './timeline.js';
import { createIdempotencyStore } from './idempotency.js';
import { createFaultInjector } from './faults.js';
import { createRequestStats } from './stats.js';
import { createRouter } from './router.js';
import { createEngine } from './engine.js';
import { createDispatcher } from './webhooks/dispatcher.js';
import { createRequestHandler } from './http/server.js';
import { DEFAULT_BODY_LIMIT } from './http/body.js';
import { registerApiRoutes } from './routes/api.js';
import { registerTestHelperRoutes } from './routes/test-helpers.js';
import { registerPageRoutes } from './routes/pages.js';
import { registerControlRoutes } from './routes/control.js';
import { registerConnectRoutes } from './routes/connect.js';
import { randomToken } from './ids.js';

export { signatureHeader, computeSignature, verifySignature } from './webhooks/signature.js';
export { decodeForm, encodeForm } from './form.js';

export const DEFAULT_API_VERSION = '2025-07-30.basil';

/**
 * Create an emulator (not listening yet; call start()).
 *
 * @param {object} [options]
 * @param {string} [options.webhookUrl]      where events are POSTed
 * @param {string} [options.webhookSecret]   signing secret (default: random whsec_...)
 * @param {string} [options.apiKey]          if set, /v1 requests need this key
 * @param {() => number} [options.clock]     base clock in ms (default Date.now)
 * @param {() => number} [options.signatureClock] clock for Stripe-Signature t= (default Date.now)
 * @param {boolean} [options.autoExpire=true] expire sessions/vouchers on a timer
 * @param {number} [options.expiryIntervalMs=1000] that timer's period
 * @param {string} [options.publicUrl]       base for session.url etc. (default: the listen URL)
 * @param {string} [options.apiVersion]      default Stripe-Version / event api_version
 * @param {string[]} [options.defaultPaymentMethodTypes=['card']] when the create call has none
 * @param {object} [options.webhookRetry]    { baseDelayMs=1000, factor=2, maxAttempts=8 }
 * @param {number} [options.webhookTimeoutMs=5000]
 * @param {number} [options.bodyLimit=1048576]
 * @param {(err: Error) => void} [options.onInternalError] called for unexpected exceptions (500s)
 */
export function createEmulator(options = {}) {
  const opts = {
    autoExpire: true,
    expiryIntervalMs: 1000,
    apiVersion: DEFAULT_API_VERSION,
    defaultPaymentMethodTypes: ['card'],
    bodyLimit: DEFAULT_BODY_LIMIT,
    ...options,
  };
  const emitter = new EventEmitter();
  const clock = createClock(opts.clock ?? Date.now);
  const store = createStore();
  const timeline = createTimeline();
  const idempotency = createIdempotencyStore({ clock });
  const requestStats = createRequestStats();
  const router = createRouter();
  const faults = createFaultInjector({ router });
  const pageSecret = randomBytes(32);
  const pageToken = (sessionId) => createHmac('sha256', pageSecret).update(String(sessionId)).digest('hex').slice(0, 32);

  let listenUrl = null;
  let expiryTimer = null;
  let started = false;

  const dispatcher = createDispatcher({
    url: opts.webhookUrl ?? null,
    secret: opts.webhookSecret ?? `whsec_${randomToken(32)}`,
    getEvent: (id) => store.events.get(id),
    signatureClock: opts.signatureClock ?? Date.now,
    retry: opts.webhookRetry,
    timeoutMs: opts.webhookTimeoutMs ?? 5000,
    onAttempt: (info) => emitter.emit('delivery', info),
    onEventUpdate: (id, patch) => {
      const event = store.events.get(id);
      if (event) Object.assign(event, patch);
    },
  });

  const baseUrl = () => (opts.publicUrl ?? listenUrl ?? 'http://127.0.0.1').replace(/\/+$/, '');

  const engine = createEngine({
    store,
    clock,
    timeline,
    dispatcher,
    baseUrl,
    apiVersion: opts.apiVersion,
    defaultPaymentMethodTypes: opts.defaultPaymentMethodTypes,
    onEvent: (event) => emitter.emit('event', event),
  });

  const server = http.createServer();
  // Outlive the idle timeouts of client pools (Node's and workerd's are 5 s), so a
  // pooled connection is never closed by both ends at once mid-request.
  server.keepAliveTimeout = 65_000;
  const app = {
    router,
    idempotency,
    faults,
    requestStats,
    engine,
    store,
    dispatcher,
    options: opts,
    pageToken,
    apiVersion: opts.apiVersion,
    bodyLimit: opts.bodyLimit,
    onInternalError: (err) => {
      if (opts.onInternalError) opts.onInternalError(err);
      else console.error('[stripe-emulator] internal error:', err);
    },
  };
  registerApiRoutes(router, app);
  registerConnectRoutes(router, app);
  registerTestHelperRoutes(router, app);
  registerPageRoutes(router, app);
  registerControlRoutes(router, app);
  const handler = createRequestHandler(app);
  server.on('request', (req, res) => {
    handler(req, res).catch((err) => {
      app.onInternalError(err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else {
      socket.destroy();
    }
  });

  const countBy = (map, field) => {
    const out = {};
    for (const o of map.values()) out[o[field]] = (out[o[field]] ?? 0) + 1;
    return out;
  };

  const emulator = Object.assign(emitter, {
    server,
    state: store,
    clock,

    /** Base URL once listening (e.g. "http://127.0.0.1:12111"), else null. */
    get url() {
      return listenUrl;
    },
    get webhookSecret() {
      return dispatcher.config().secret;
    },

    /** Listen (default: an ephemeral port on 127.0.0.1). Resolves to the URL. */
    start(port = 0, host = '127.0.0.1') {
      if (started) return Promise.resolve(listenUrl);
      return new Promise((resolve, reject) => {
        const onError = (err) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          started = true;
          const addr = server.address();
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
          listenUrl = `http://${shownHost}:${addr.port}`;
          if (opts.autoExpire) {
            expiryTimer = setInterval(() => {
              try {
                engine.sweep();
              } catch (err) {
                app.onInternalError(err);
              }
            }, opts.expiryIntervalMs);
            expiryTimer.unref();
          }
          resolve(listenUrl);
        });
      });
    },

    /** Stop listening, cancel timers and pending webhook deliveries. */
    stop() {
      if (expiryTimer) clearInterval(expiryTimer);
      expiryTimer = null;
      dispatcher.cancelAll();
      faults.cancelSleeps(); // delayed answers go nowhere once the connections close
      if (!started) return Promise.resolve();
      started = false;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },

    /** Counters for tests (same as GET /_emulator/stats). */
    stats() {
      return {
        api_calls: requestStats.snapshot(),
        sessions: { total: store.sessions.size, by_status: countBy(store.sessions, 'status') },
        payment_intents: { total: store.paymentIntents.size, by_status: countBy(store.paymentIntents, 'status') },
        refunds: { total: store.refunds.size },
        events: { total: store.events.size, by_type: countBy(store.events, 'type') },
        webhooks: dispatcher.stats(),
        idempotency_keys: idempotency.size,
      };
    },

    /** Forget all objects, events, idempotency keys, faults, counters, pending deliveries and clock offset. */
    reset() {
      store.clear();
      timeline.clear();
      idempotency.clear();
      faults.clear();
      requestStats.clear();
      dispatcher.reset();
      clock.resetOffset();
    },

    /** Set (or clear, with null) the webhook endpoint and, optionally, its secret. */
    setWebhookEndpoint(url, secret) {
      dispatcher.configure({ url: url ?? null, secret: secret ?? undefined });
    },

    /** Delivery controls: duplicate/delay/reorder/pause, flush, redeliver, idle. */
    webhooks: {
      configure: (patch) =>
        dispatcher.configure({
          url: patch.url,
          secret: patch.secret,
          duplicate: patch.duplicate,
          delayMs: patch.delayMs,
          reorder: patch.reorder,
          paused: patch.paused,
          enabledEvents: patch.enabledEvents,
          retryBaseDelayMs: patch.retryBaseDelayMs,
          retryFactor: patch.retryFactor,
          maxAttempts: patch.maxAttempts,
          timeoutMs: patch.timeoutMs,
        }),
      config: () => dispatcher.config(),
      flush: () => dispatcher.flush(),
      pause: () => dispatcher.pause(),
      resume: () => dispatcher.resume(),
      redeliver: (eventId) => dispatcher.redeliver(eventId),
      idle: () => dispatcher.idle(),
    },

    /**
     * Make the next `count` executed calls of `route` fail: fault is '500', '429',
     * 'delay' (with delayMs) or 'drop_after_effect'. Returns the queued fault.
     * Throws a 400 StripeError on a bad spec, like POST /_emulator/faults.
     */
    injectFaults({ route, count, fault, delayMs } = {}) {
      const spec = { route, fault };
      if (count !== undefined) spec.count = count;
      if (delayMs !== undefined) spec.delay_ms = delayMs;
      return faults.inject(spec);
    },
    /** Faults not used up yet, oldest first (as in GET /_emulator/faults). */
    pendingFaults: () => faults.list(),
    /** Drop one fault by id, or all of them. Returns how many were dropped. */
    clearFaults: (id) => faults.clear(id),

    /** Every event with its delivery record (same as GET /_emulator/events), oldest first. */
    eventLog() {
      return [...store.events.values()].map((e) => ({
        id: e.id,
        type: e.type,
        created: e.created,
        object_id: e.data.object.id,
        delivery: dispatcher.record(e.id) ?? { status: 'unknown', copies: 0, attempts: [] },
      }));
    },

    /** Fast-forward the emulator clock and expire whatever became due. Returns how many expired. */
    advanceTime(ms) {
      clock.advance(ms);
      return engine.sweep();
    },
    /** Expire sessions/vouchers that are due now (what the timer does). */
    expireDue: () => engine.sweep(),
    clockInfo: () => ({ now: clock.now(), now_ms: clock.nowMs(), offset_ms: clock.offsetMs() }),

    // Programmatic equivalents of the test-helper endpoints (they throw the
    // same StripeErrors the endpoints answer with). Each sweeps first, like a request.
    pay(sessionId, { method = 'card', voucherExpiresAt = null } = {}) {
      engine.sweep();
      return structuredClone(engine.pay(sessionId, { method, voucherExpiresAt }));
    },
    asyncPayment(sessionId, outcome, { cancelPaymentIntent = false } = {}) {
      engine.sweep();
      return structuredClone(engine.asyncPayment(sessionId, { outcome, cancelPaymentIntent }));
    },
    expireNow(sessionId) {
      engine.sweep();
      return structuredClone(engine.expireNow(sessionId));
    },
    /**
     * The onboarding test helper, run in process: set charges_enabled,
     * payouts_enabled, details_submitted (all true when none is given).
     * Fires account.updated when something changed. Returns the account.
     */
    setAccountOnboarding(accountId, flags = {}) {
      engine.sweep();
      const given = Object.keys(flags).length ? flags : { charges_enabled: true, payouts_enabled: true, details_submitted: true };
      return structuredClone(engine.setAccountOnboarding(accountId, given, null));
    },
    /** The page token the hosted page embeds (lets its forms pass apiKey checks). */
    pageToken,
  });
  app.emulator = emulator;

  return emulator;
}

export default createEmulator;
