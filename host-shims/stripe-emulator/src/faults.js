// Fault injection: Stripe failures on demand, so that clients can be tested
// against outages, rate limits, slow answers and answers lost on the wire.
//
// A fault targets one route ("METHOD /path", where a `:name` segment matches any
// value and a literal segment matches only itself) and is used up by the next
// `count` calls of that route that would execute. Calls answered from the
// idempotency store (replays and in-flight 409s) never see a fault: a fault
// stands for something that happens while Stripe executes a request.
import { invalidParam } from './errors.js';
import { isObject, parseInteger } from './params.js';
import { newId } from './ids.js';

export const FAULT_KINDS = ['500', '429', 'delay', 'drop_after_effect'];
export const MAX_FAULT_COUNT = 1000;
export const MAX_FAULT_DELAY_MS = 600_000;

const FAULT_PARAMS = new Set(['route', 'count', 'fault', 'delay_ms']);

/**
 * Check a fault spec (snake_case, values as strings or JSON values) against
 * the router and normalise it. Throws a 400 StripeError with a message that
 * says what is wrong.
 */
export function parseFaultSpec(params, router) {
  if (!isObject(params)) throw invalidParam(null, 'The fault must be an object with route, fault, count and (for delay) delay_ms.');
  for (const key of Object.keys(params)) {
    if (!FAULT_PARAMS.has(key)) throw invalidParam(key, `Unknown fault parameter: ${key}. Allowed: route, fault, count, delay_ms.`);
  }

  const { route } = params;
  if (typeof route !== 'string' || route.trim() === '') {
    throw invalidParam('route', 'route is required: a method and a path template, e.g. "POST /v1/checkout/sessions".');
  }
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(route);
  if (!m) throw invalidParam('route', `Invalid route "${route}": expected "METHOD /path", e.g. "GET /v1/payment_intents/:id".`);
  const method = m[1].toUpperCase();
  const path = m[2];
  if (path.includes('?') || path.includes('#')) throw invalidParam('route', `Invalid route "${route}": give the path without a query string.`);
  if (!path.startsWith('/v1/')) throw invalidParam('route', `Invalid route "${route}": faults apply to the /v1 API only.`);
  // The template is matched like a request path: its `:id` segments land in
  // the route's parameters, where they act as wildcards.
  const match = router.match(method, path);
  const kind = match?.route?.meta?.kind;
  if (!match || match.methodMismatch || (kind !== 'api' && kind !== 'helper')) {
    throw invalidParam('route', `Unknown route "${method} ${path}": it matches no /v1 endpoint of the emulator.`);
  }
  const pinned = {};
  for (const [name, value] of Object.entries(match.params)) {
    if (!value.startsWith(':')) pinned[name] = value;
  }

  let fault = params.fault;
  if (typeof fault === 'number') fault = String(fault);
  if (typeof fault !== 'string' || !FAULT_KINDS.includes(fault)) {
    throw invalidParam('fault', `Invalid fault: must be one of ${FAULT_KINDS.map((k) => `"${k}"`).join(', ')}.`);
  }

  const count = params.count === undefined || params.count === '' ? 1 : parseInteger(params.count, 'count', { min: 1, max: MAX_FAULT_COUNT });

  let delayMs = null;
  const hasDelay = params.delay_ms !== undefined && params.delay_ms !== '' && params.delay_ms !== null;
  if (fault === 'delay') {
    if (!hasDelay) throw invalidParam('delay_ms', 'delay_ms is required with fault "delay" (milliseconds, 0 to 600000).');
    delayMs = parseInteger(params.delay_ms, 'delay_ms', { min: 0, max: MAX_FAULT_DELAY_MS });
  } else if (hasDelay) {
    throw invalidParam('delay_ms', `delay_ms only applies to fault "delay", not "${fault}".`);
  }

  return { method, path, template: match.route.template, pinned, fault, count, delayMs };
}

export function createFaultInjector({ router }) {
  let pending = []; // injection order: the oldest matching fault is used first
  const sleepers = new Set();

  const view = (f) => ({
    id: f.id,
    route: `${f.method} ${f.path}`,
    fault: f.fault,
    count: f.count,
    remaining: f.remaining,
    delay_ms: f.delayMs,
  });

  const matches = (f, method, template, pathParams) =>
    f.method === method && f.template === template && Object.entries(f.pinned).every(([k, v]) => pathParams[k] === v);

  return {
    /** Validate and queue a fault (snake_case spec). Returns its public view. */
    inject(params) {
      const spec = parseFaultSpec(params, router);
      const f = { id: newId('fault', 14), ...spec, remaining: spec.count };
      pending.push(f);
      return view(f);
    },

    /** The fault for this call, if any, counted as used. */
    take(method, template, pathParams) {
      const f = pending.find((x) => matches(x, method, template, pathParams));
      if (!f) return null;
      f.remaining -= 1;
      if (f.remaining <= 0) pending = pending.filter((x) => x !== f);
      return { id: f.id, fault: f.fault, delayMs: f.delayMs };
    },

    list: () => pending.map(view),

    /** Forget one fault (by id) or all of them. Returns how many were removed. */
    clear(id) {
      const before = pending.length;
      pending = id === undefined ? [] : pending.filter((f) => f.id !== id);
      return before - pending.length;
    },

    /** Wait `ms` of wall time; cut short by cancelSleeps() when the emulator stops. */
    sleep(ms) {
      return new Promise((resolve) => {
        const s = { timer: setTimeout(() => done(), ms), resolve };
        const done = () => {
          clearTimeout(s.timer);
          sleepers.delete(s);
          resolve();
        };
        s.resolve = done;
        sleepers.add(s);
      });
    },

    cancelSleeps() {
      for (const s of [...sleepers]) s.resolve();
    },
  };
}
