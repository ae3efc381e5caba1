// Opt-in timing of each request's parts, for bench/hold-latency.mjs: where an answer's
// time goes (the core's route lookup, the body, every store and fetch call and the
// parts of a PostgreSQL call, the core's own work, the write). Off unless the
// environment names a file in SLOTGUARD_TRACE_TIMINGS; off, nothing is wrapped and
// no request pays for it. On, one JSON line per request is kept in memory and written
// to that file when the process exits (never during a request).
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * @typedef {{name: string, at: number, ms: number}} Span  at: ms since the request began
 * @typedef {{spans: Span[], t0: number}} Trace
 * @typedef {{
 *   request<T>(fn: () => Promise<T>): Promise<T>,
 *   span<T>(name: string, fn: () => Promise<T>): Promise<T>,
 *   mark(name: string, t0: number): void,
 *   done(fields: Record<string, unknown>): void,
 * }} Tracer
 */

/** The tracer named by SLOTGUARD_TRACE_TIMINGS, or null (the default: no tracing).
 * @param {NodeJS.ProcessEnv} [env]  @returns {Tracer | null} */
export function tracerFromEnv(env = process.env) {
  const file = env.SLOTGUARD_TRACE_TIMINGS;
  return file ? createTracer(file) : null;
}

/** @param {string} file  @returns {Tracer} */
export function createTracer(file) {
  /** @type {AsyncLocalStorage<Trace>} */
  const als = new AsyncLocalStorage();
  /** @type {string[]} */
  const lines = [];
  process.once('exit', () => writeFileSync(file, lines.join('')));
  /** @param {string} name  @param {number} t0 */
  const mark = (name, t0) => {
    const t = als.getStore();
    if (t) t.spans.push({ name, at: t0 - t.t0, ms: performance.now() - t0 });
  };
  return {
    request: (fn) => als.run({ spans: [], t0: performance.now() }, fn),
    async span(name, fn) {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        mark(name, t0);
      }
    },
    mark,
    done(fields) {
      const t = als.getStore();
      if (t) lines.push(`${JSON.stringify({ ...fields, total: performance.now() - t.t0, spans: t.spans })}\n`);
    },
  };
}

/**
 * The store with each call timed as a span `store.<op>` (the adapter's own parts, such
 * as PostgreSQL's pool wait, are spans of their own inside it).
 * @template {import('../../js-bridge/src/host-calls.js').StoreAdapter} S
 * @param {S} store  @param {Tracer} tracer  @returns {S}
 */
export function tracedStore(store, tracer) {
  return Object.assign(Object.create(store), {
    read: (keys) => tracer.span('store.read', () => store.read(keys)),
    list: (start, end, limit, after) => tracer.span('store.list', () => store.list(start, end, limit, after)),
    commit: (checks, mutations) => tracer.span('store.commit', () => store.commit(checks, mutations)),
    close: () => store.close?.(),
    kind: store.kind,
  });
}

/** @param {import('../../js-bridge/src/host-calls.js').FetchAdapter} fetch  @param {Tracer} tracer */
export const tracedFetch = (fetch, tracer) => (req) => tracer.span(`fetch ${req.method} ${new URL(req.url).pathname.replace(/\/cs_[^/]+/, '/:id')}`, () => fetch(req));
