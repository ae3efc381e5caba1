// createSlotguard: the Node host put together. One module instance (replaced on a
// trap) serves every request; the store, fetch, clock, randomness and logs are the
// Node implementations of the module's imports.
import { createMemoryStore, createTaskRunner, describeModule } from '../../js-bridge/src/index.js';
import { createFetchAdapter } from './fetch-adapter.js';
import { createLogger } from './logger.js';
import { createNodeHandler } from './node-handler.js';
import { moduleConfig, resolveOptions } from './options.js';
import { createPageHandler, withPageFiles } from './page-files.js';
import { getRandomValues } from './random.js';
import { headerObject, normalizeRequest } from './request.js';
import { bodyLimitOf, createLimits, tooLarge, undescribedRequest } from './limits.js';
import { createHttpServer } from './server.js';
import { createSqliteStore } from './sqlite-store.js';
import { startNotifier } from './notifier.js';
import { startSweeper } from './sweeper.js';
import { startCalendarSync } from './calendar-timer.js';
import { attachTestHooks } from './test-hooks.js';
import { loaderFor } from './wasm-files.js';
import { tracedFetch, tracedStore, tracerFromEnv } from './trace.js';

/** @typedef {import('../../js-bridge/src/host-calls.js').StoreAdapter} StoreAdapter */
/** @typedef {import('./request.js').NormalizedRequest} NormalizedRequest */
/** @typedef {import('./index.js').SlotguardResponse} SlotguardResponse */

/**
 * @param {import('./options.js').ResolvedOptions} o
 * @param {(fields: Record<string, unknown>) => void} log
 * @returns {Promise<StoreAdapter>}
 */
async function openStore(o, log, tracer) {
  if (typeof o.store === 'object') return o.store;
  if (o.store === 'memory') return createMemoryStore();
  if (o.store === 'postgres') {
    // Imported only here: hosts on SQLite or memory never load pg.
    const { createPostgresStore } = await import('./postgres-store.js');
    return createPostgresStore({
      url: o.postgresUrl,
      pool: o.pgPool,
      poolSize: o.pgPoolSize,
      statementTimeoutMs: o.pgStatementTimeoutMs,
      log,
      tracer,
    });
  }
  return createSqliteStore({ path: o.dbPath });
}

/** @param {import('./index.js').SlotguardOptions} [options] */
export async function createSlotguard(options = {}) {
  const o = resolveOptions(options);
  // Checked before the store opens, so a wrong folder leaves nothing to clean up.
  const servePage = o.pageDir === undefined ? null : await createPageHandler(o.pageDir);
  const log = createLogger(o.logger, o.logLevel);
  const loader = await loaderFor(o.wasm, o.wasmDir);
  const config = moduleConfig(o, (await describeModule(loader)).settings);
  // Bench-only timing of each request's parts (trace.js); null unless asked for.
  const tracer = tracerFromEnv();
  const store = await openStore(o, log, tracer);
  const fetch = o.fetch ?? createFetchAdapter();
  const runner = createTaskRunner({
    loader,
    config,
    store: tracer ? tracedStore(store, tracer) : store,
    fetch: tracer ? tracedFetch(fetch, tracer) : fetch,
    getRandomValues,
    now: o.now,
    log,
  });
  try {
    await runner.ready();
  } catch (error) {
    // Do not leave a database open behind a host that never started.
    if (typeof o.store !== 'object') await store.close?.();
    throw error;
  }

  let closed = false;
  /** @type {Promise<void> | null} */
  let closing = null;

  /** @type {(r: import('../../js-bridge/src/envelope.js').BridgeResponse) => SlotguardResponse} */
  const plain = (r) => ({ status: r.status, headers: headerObject(r.headers), body: r.body });
  const limits = createLimits({ rateLimitPerMinute: o.rateLimitPerMinute, trustProxy: o.trustProxy, maxInFlight: o.maxInFlight });
  /** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */
  /** @type {(d: RequestDescription) => number} */
  const routeBodyLimit = (d) => bodyLimitOf(d, o.bodyLimit);
  const noBody = new Uint8Array(0);
  /**
   * The core's route table on a request, before its body is read: its body limit and
   * whether the hold rate limit applies (so every spelling of a path is limited alike).
   * @param {{method: string, path: string, query: string, headers: [string, string][]}} req
   * @returns {Promise<RequestDescription>}
   */
  async function describe(req) {
    if (tracer) return tracer.span('describe', () => describeUntraced(req));
    return describeUntraced(req);
  }
  /** @param {{method: string, path: string, query: string, headers: [string, string][]}} req */
  async function describeUntraced(req) {
    try {
      return (await runner.describeRequest({ ...req, body: noBody })) ?? undescribedRequest(req.method);
    } catch {
      return undescribedRequest(req.method); // no instance: the task answers for itself
    }
  }
  /** @type {ReturnType<typeof startNotifier> | null} */
  let notifier = null;

  /** The host's own calls (sweep, notify): no client limits.
   * @param {import('./index.js').SlotguardRequest} request  @returns {Promise<SlotguardResponse>} */
  async function internal(request) {
    return plain(await runner.runRequest(normalizeRequest(request)));
  }

  /** A request the limits admitted: the body limit of its route, then the core.
   * @param {NormalizedRequest} req  @param {RequestDescription} d  @returns {Promise<SlotguardResponse>} */
  async function serve(req, d) {
    const limit = routeBodyLimit(d);
    if (req.body.byteLength > limit) return plain(tooLarge(limit));
    const res = plain(await (tracer ? tracer.span('core', () => runner.runRequest(req)) : runner.runRequest(req)));
    // Anything but a read may have written a notification to the outbox.
    if (notifier && req.method !== 'GET' && req.method !== 'HEAD' && d.route !== 'maintenance.notify') notifier.kick();
    return res;
  }

  /** Embedding entry point: a plain request object in, a plain response out.
   * @param {import('./index.js').SlotguardRequest} request  @returns {Promise<SlotguardResponse>} */
  async function handle(request) {
    const req = normalizeRequest(request);
    const d = await describe(req);
    const { refused, release } = limits.admit({ route: d.route, holdRateLimited: d.hold_rate_limited, headers: req.headers, remoteAddress: request?.remoteAddress });
    if (refused) return plain(refused);
    try {
      return await serve(req, d);
    } finally {
      release();
    }
  }

  const apiNodeHandler = createNodeHandler({
    handle: serve,
    describe,
    limits,
    bodyLimit: routeBodyLimit,
    drainLimit: o.bodyLimit,
    bodyTimeoutMs: o.bodyTimeoutMs,
    log,
    closing: () => closed,
    tracer,
  });
  // With pageDir, paths outside the API serve the folder's files (the booking page).
  const handleNodeRequest = servePage ? withPageFiles(apiNodeHandler, servePage) : apiNodeHandler;
  const http = createHttpServer(handleNodeRequest, { headersTimeoutMs: o.headersTimeoutMs, bodyTimeoutMs: o.bodyTimeoutMs });
  if (o.notifyUrl) notifier = startNotifier({ intervalMs: o.notifyIntervalMs, adminToken: o.adminToken, handle: internal, log });
  // A sweep releases holds and refunds: its notifications go out right after it.
  /** @param {import('./index.js').SlotguardRequest} request */
  const sweepHandle = async (request) => {
    const res = await internal(request);
    notifier?.kick();
    return res;
  };
  const sweeper = startSweeper({ intervalMs: o.sweepIntervalMs, adminToken: o.adminToken, handle: sweepHandle, log });
  const calendars = startCalendarSync({ intervalMs: o.calendarSyncIntervalMs, adminToken: o.adminToken, handle: internal, log });
  /** @type {string | null} */
  let url = null;

  log({ level: 'info', source: 'host', event: 'host_started', wasm: o.wasm, store: store.kind ?? 'custom' });

  const slotguard = {
    handle,
    handleNodeRequest,
    toNodeHandler: () => handleNodeRequest,
    async listen(port = 8787, host = '127.0.0.1') {
      url = await http.listen(port, host);
      log({ level: 'info', source: 'host', event: 'listening', url });
      return url;
    },
    get url() {
      return url;
    },
    get server() {
      return http.server;
    },
    adminToken: o.adminToken,
    store,
    sweep: async () => {
      await sweeper.runNow();
    },
    /** One calendar sync pass now; its summary (null: the feed list could not be had). */
    syncCalendars: () => calendars.runNow(),
    /** One notification run now (nothing when notifyUrl is unset). */
    notify: () => notifier?.runNow() ?? Promise.resolve(),
    stats: () => runner.stats(),
    close() {
      closing ??= (async () => {
        closed = true;
        const deadline = Date.now() + o.shutdownTimeoutMs;
        await Promise.all([sweeper.stop(), calendars.stop(), notifier?.stop()]);
        await http.close(o.shutdownTimeoutMs);
        const idle = await runner.close(Math.max(0, deadline - Date.now()));
        // A caller's own store stays open: the caller owns it.
        if (typeof o.store !== 'object') await store.close?.();
        log({ level: 'info', source: 'host', event: 'host_stopped', drained: idle });
      })();
      return closing;
    },
  };
  attachTestHooks(slotguard, runner);
  return slotguard;
}
