// Webhook delivery: asynchronous, signed, retried with exponential backoff,
// plus the test controls (duplicate, delay, reorder, pause/resume, flush,
// redeliver). First attempts go out one at a time in order so that tests
// see a deterministic sequence; retries are re-queued after their backoff.
import { signatureHeader } from './signature.js';
import { postWebhook } from './http-post.js';

const CONTROL_DEFAULTS = { duplicate: 1, delayMs: 0, reorder: false, paused: false, enabledEvents: ['*'] };

export function createDispatcher({
  url = null,
  secret,
  getEvent,
  signatureClock = Date.now,
  retry = {},
  timeoutMs = 5000,
  onAttempt = () => {},
  onEventUpdate = () => {},
}) {
  const retryDefaults = {
    retryBaseDelayMs: retry.baseDelayMs ?? 1000,
    retryFactor: retry.factor ?? 2,
    maxAttempts: retry.maxAttempts ?? 8,
  };
  const cfg = { url, secret, timeoutMs, ...CONTROL_DEFAULTS, ...retryDefaults };

  let gen = 0;
  let chain = Promise.resolve();
  let buffer = [];
  let active = 0;
  let idleWaiters = [];
  const timers = new Set();
  const inflight = new Set();
  const records = new Map(); // event id -> delivery record
  const counters = { attempted: 0, succeeded: 0, failed: 0, exhausted: 0 };

  const enabled = (type) =>
    cfg.enabledEvents.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));

  const settleIdle = () => {
    if (active === 0 && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((w) => w());
    }
  };

  const finish = () => {
    active = Math.max(0, active - 1);
    settleIdle();
  };

  const schedule = (job, delayMs) => {
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        enqueueSend(job);
      }, delayMs);
      timers.add(timer);
    } else {
      enqueueSend(job);
    }
  };

  const enqueueSend = (job) => {
    const p = chain.then(() => attempt(job));
    chain = p.catch(() => {});
    return p;
  };

  async function attempt(job) {
    if (job.gen !== gen) return { skipped: true };
    const rec = records.get(job.eventId);
    const event = getEvent(job.eventId);
    if (!rec || !event) {
      finish();
      return { skipped: true };
    }
    job.attempt += 1;
    counters.attempted += 1;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(signatureClock() / 1000);
    let result;
    if (!cfg.url) {
      result = { error: 'no webhook endpoint configured' };
    } else {
      result = await postWebhook(
        cfg.url,
        payload,
        {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signatureHeader(payload, cfg.secret, timestamp),
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Cache-Control': 'no-cache',
          Accept: '*/*; q=0.5, application/xml',
        },
        { timeoutMs: cfg.timeoutMs, inflight },
      );
    }
    if (job.gen !== gen) return { skipped: true };
    const ok = result.statusCode >= 200 && result.statusCode < 300;
    const info = {
      event_id: job.eventId,
      type: event.type,
      copy: job.copy,
      attempt: job.attempt,
      manual: job.manual,
      ok,
      status_code: result.statusCode ?? null,
      error: ok ? null : (result.error ?? `HTTP ${result.statusCode}`),
      at: Date.now(),
    };
    rec.attempts.push(info);
    if (ok) {
      counters.succeeded += 1;
      if (!rec.succeeded) {
        rec.succeeded = true;
        onEventUpdate(job.eventId, { pending_webhooks: 0 });
      }
      rec.status = 'succeeded';
      rec.outstanding -= 1;
      finish();
    } else {
      counters.failed += 1;
      if (!job.manual && job.attempt < cfg.maxAttempts) {
        const delay = cfg.retryBaseDelayMs * cfg.retryFactor ** (job.attempt - 1);
        info.next_retry_in_ms = delay;
        if (!rec.succeeded) rec.status = 'retrying';
        schedule(job, delay);
      } else {
        if (!job.manual) counters.exhausted += 1;
        rec.outstanding -= 1;
        if (!rec.succeeded && rec.outstanding <= 0) rec.status = 'failed';
        finish();
      }
    }
    onAttempt(info);
    return info;
  }

  const release = (jobs) => {
    for (const job of jobs) {
      const rec = records.get(job.eventId);
      if (rec && rec.status === 'buffered') rec.status = 'pending';
    }
    active += jobs.length;
    return Promise.all(jobs.map((job) => enqueueSend(job))).then(() => jobs.length);
  };

  const api = {
    /** Whether an event of this type would be delivered (for pending_webhooks). */
    willDeliver(type) {
      return Boolean(cfg.url) && enabled(type);
    },

    /** Queue an event for delivery according to the current controls. */
    dispatch(event) {
      if (!cfg.url || !enabled(event.type)) {
        records.set(event.id, { status: cfg.url ? 'filtered' : 'no_endpoint', attempts: [], copies: 0, outstanding: 0, succeeded: false });
        return;
      }
      const copies = cfg.duplicate;
      const rec = { status: 'pending', attempts: [], copies, outstanding: copies, succeeded: false };
      records.set(event.id, rec);
      const jobs = Array.from({ length: copies }, (_, copy) => ({ eventId: event.id, copy, attempt: 0, manual: false, gen }));
      if (cfg.paused || cfg.reorder) {
        rec.status = 'buffered';
        buffer.push(...jobs);
        return;
      }
      active += jobs.length;
      for (const job of jobs) schedule(job, cfg.delayMs);
    },

    /** Deliver everything buffered now (reversed when reorder is on). Resolves after the first attempts. */
    flush() {
      const jobs = buffer;
      buffer = [];
      if (cfg.reorder) jobs.reverse();
      return release(jobs);
    },

    pause() {
      cfg.paused = true;
    },

    /** Stop buffering for pause; releases the buffer unless reorder still holds it. */
    resume() {
      cfg.paused = false;
      if (!cfg.reorder) return api.flush();
      return Promise.resolve(0);
    },

    /** Send one event again now (one attempt, no retries), whatever the controls. */
    redeliver(eventId) {
      if (!getEvent(eventId)) return Promise.resolve(null);
      if (!records.has(eventId)) records.set(eventId, { status: 'pending', attempts: [], copies: 0, outstanding: 0, succeeded: false });
      const rec = records.get(eventId);
      rec.outstanding += 1;
      active += 1;
      return enqueueSend({ eventId, copy: 0, attempt: 0, manual: true, gen });
    },

    /** Resolves when nothing is queued, delayed, in flight or waiting to retry (buffered items excluded). */
    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    configure(patch) {
      const wasHolding = cfg.paused || cfg.reorder;
      for (const [k, v] of Object.entries(patch)) if (v !== undefined && k in cfg) cfg[k] = v;
      if (wasHolding && !cfg.paused && !cfg.reorder && buffer.length) api.flush();
      return api.config();
    },

    config() {
      return {
        url: cfg.url,
        secret: cfg.secret,
        duplicate: cfg.duplicate,
        delay_ms: cfg.delayMs,
        reorder: cfg.reorder,
        paused: cfg.paused,
        enabled_events: [...cfg.enabledEvents],
        retry_base_delay_ms: cfg.retryBaseDelayMs,
        retry_factor: cfg.retryFactor,
        max_attempts: cfg.maxAttempts,
        timeout_ms: cfg.timeoutMs,
        buffered: buffer.length,
      };
    },

    record(eventId) {
      const rec = records.get(eventId);
      if (!rec) return null;
      return { status: rec.status, copies: rec.copies, attempts: rec.attempts.map((a) => ({ ...a })) };
    },

    stats() {
      return { ...counters, pending: active, buffered: buffer.length };
    },

    /** Abandon all queued work and in-flight requests. */
    cancelAll() {
      gen += 1;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const req of inflight) req.destroy(new Error('emulator stopped'));
      inflight.clear();
      buffer = [];
      chain = Promise.resolve();
      active = 0;
      settleIdle();
    },

    /** cancelAll + forget records and counters; controls back to defaults (url/secret kept). */
    reset() {
      api.cancelAll();
      records.clear();
      for (const k of Object.keys(counters)) counters[k] = 0;
      Object.assign(cfg, CONTROL_DEFAULTS, retryDefaults, { enabledEvents: ['*'] });
    },
  };
  return api;
}
