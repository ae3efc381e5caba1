// /_emulator/* — test controls: stats, reset, events with delivery status,
// webhook delivery controls, fault injection and the clock. No auth; JSON or form bodies.
import { json } from '../http/respond.js';
import { invalidParam, resourceMissing } from '../errors.js';
import { parseBoolean, parseInteger } from '../params.js';

/** Webhook config params (snake_case, as strings or JSON values) -> dispatcher patch. */
export function parseWebhookConfig(params) {
  const patch = {};
  const int = (name, opts) => (params[name] === undefined ? undefined : parseInteger(params[name], name, opts));
  if (params.url !== undefined) {
    if (params.url !== null && typeof params.url !== 'string') throw invalidParam('url', 'url must be a string');
    patch.url = params.url || null;
  }
  if (params.secret !== undefined) {
    if (typeof params.secret !== 'string' || params.secret === '') throw invalidParam('secret', 'secret must be a non-empty string');
    patch.secret = params.secret;
  }
  patch.duplicate = int('duplicate', { min: 1, max: 20 });
  patch.delayMs = int('delay_ms', { min: 0, max: 600_000 });
  if (params.reorder !== undefined) patch.reorder = parseBoolean(params.reorder, 'reorder');
  if (params.paused !== undefined) patch.paused = parseBoolean(params.paused, 'paused');
  patch.retryBaseDelayMs = int('retry_base_delay_ms', { min: 0, max: 86_400_000 });
  patch.maxAttempts = int('max_attempts', { min: 1, max: 100 });
  patch.timeoutMs = int('timeout_ms', { min: 1, max: 600_000 });
  if (params.retry_factor !== undefined) {
    const f = Number(params.retry_factor);
    if (!Number.isFinite(f) || f < 1 || f > 10) throw invalidParam('retry_factor', 'retry_factor must be a number between 1 and 10');
    patch.retryFactor = f;
  }
  if (params.enabled_events !== undefined) {
    const v = params.enabled_events;
    const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : null;
    if (!list || !list.every((s) => typeof s === 'string')) throw invalidParam('enabled_events', 'enabled_events must be a list of event types');
    patch.enabledEvents = list.length ? list : ['*'];
  }
  return patch;
}

export function registerControlRoutes(router, app) {
  const control = (method, template, handler) => router.add(method, template, handler, { kind: 'control' });

  control('GET', '/_emulator/health', () => json({ ok: true, url: app.emulator.url }));
  control('GET', '/_emulator/stats', () => json(app.emulator.stats()));
  control('POST', '/_emulator/reset', () => {
    app.emulator.reset();
    return json({ ok: true });
  });
  control('GET', '/_emulator/events', () => json({ object: 'list', data: app.emulator.eventLog() }));

  control('GET', '/_emulator/webhooks/config', () => json(app.dispatcher.config()));
  control('POST', '/_emulator/webhooks/config', ({ params }) => json(app.dispatcher.configure(parseWebhookConfig(params))));
  control('POST', '/_emulator/webhooks/flush', async () => json({ flushed: await app.dispatcher.flush() }));
  control('POST', '/_emulator/webhooks/pause', () => {
    app.dispatcher.pause();
    return json(app.dispatcher.config());
  });
  control('POST', '/_emulator/webhooks/resume', async () => {
    const flushed = await app.dispatcher.resume();
    return json({ ...app.dispatcher.config(), flushed });
  });
  control('POST', '/_emulator/webhooks/redeliver/:event_id', async ({ path }) => {
    const result = await app.dispatcher.redeliver(path.event_id);
    if (!result) throw resourceMissing('event', path.event_id, 'event_id');
    return json(result);
  });

  control('GET', '/_emulator/faults', () => json({ object: 'list', data: app.faults.list() }));
  control('POST', '/_emulator/faults', ({ params }) => json(app.faults.inject(params)));
  control('DELETE', '/_emulator/faults', () => json({ cleared: app.faults.clear() }));
  control('POST', '/_emulator/faults/clear', () => json({ cleared: app.faults.clear() }));
  control('DELETE', '/_emulator/faults/:id', ({ path }) => {
    if (app.faults.clear(path.id) === 0) throw resourceMissing('fault', path.id, 'id');
    return json({ cleared: 1 });
  });

  control('GET', '/_emulator/clock', () => json(app.emulator.clockInfo()));
  control('POST', '/_emulator/clock', ({ params }) => {
    let ms = 0;
    if (params.advance_seconds !== undefined) ms += parseInteger(params.advance_seconds, 'advance_seconds', { min: 0 }) * 1000;
    if (params.advance_ms !== undefined) ms += parseInteger(params.advance_ms, 'advance_ms', { min: 0 });
    const expired = app.emulator.advanceTime(ms);
    return json({ ...app.emulator.clockInfo(), expired });
  });
}
