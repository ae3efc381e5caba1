// createSlotguard: the Node host put together. One module instance (replaced on a
// trap) serves every request; the store, fetch, clock, randomness and logs are the
// Node implementations of the module's imports.
import { createMemoryStore, createTaskRunner, errorResponse } from '../../js-bridge/src/index.js';
import { createFetchAdapter } from './fetch-adapter.js';
import { createLogger } from './logger.js';
import { createNodeHandler } from './node-handler.js';
import { moduleConfig, resolveOptions } from './options.js';
import { getRandomValues } from './random.js';
import { headerObject, normalizeRequest } from './request.js';
import { createHttpServer } from './server.js';
import { createSqliteStore } from './sqlite-store.js';
import { startSweeper } from './sweeper.js';
import { loaderFor } from './wasm-files.js';

function openStore(o) {
  if (typeof o.store === 'object') return o.store;
  if (o.store === 'memory') return createMemoryStore();
  return createSqliteStore({ path: o.dbPath });
}

/** @param {import('./index.js').SlotguardOptions} [options] */
export async function createSlotguard(options = {}) {
  const o = resolveOptions(options);
  const log = createLogger(o.logger, o.logLevel);
  const loader = await loaderFor(o.wasm, o.wasmDir);
  const store = openStore(o);
  const runner = createTaskRunner({
    loader,
    config: moduleConfig(o),
    store,
    fetch: o.fetch ?? createFetchAdapter(),
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
  let closing = null;

  /** Embedding entry point: a plain request object in, a plain response out. */
  async function handle(request) {
    const req = normalizeRequest(request);
    if (req.body.byteLength > o.bodyLimit) {
      const r = errorResponse(413, 'payload_too_large', `the body exceeds ${o.bodyLimit} bytes`);
      return { status: r.status, headers: headerObject(r.headers), body: r.body };
    }
    const res = await runner.runRequest(req);
    return { status: res.status, headers: headerObject(res.headers), body: res.body };
  }

  const http = createHttpServer(createNodeHandler({ handle, bodyLimit: o.bodyLimit, log, closing: () => closed }));
  const handleNodeRequest = createNodeHandler({ handle, bodyLimit: o.bodyLimit, log, closing: () => closed });
  const sweeper = startSweeper({ intervalMs: o.sweepIntervalMs, adminToken: o.adminToken, handle, log });
  let url = null;

  log({ level: 'info', source: 'host', event: 'host_started', wasm: o.wasm, store: store.kind ?? 'custom' });

  return {
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
    sweep: () => sweeper.runNow(),
    stats: () => runner.stats(),
    /** Test hook: make the module trap for real; requests in flight get 500. */
    _trapForTest: () => runner.trapForTest(),
    close() {
      closing ??= (async () => {
        closed = true;
        const deadline = Date.now() + o.shutdownTimeoutMs;
        await sweeper.stop();
        await http.close(o.shutdownTimeoutMs);
        const idle = await runner.close(Math.max(0, deadline - Date.now()));
        // A caller's own store stays open: the caller owns it.
        if (typeof o.store !== 'object') await store.close?.();
        log({ level: 'info', source: 'host', event: 'host_stopped', drained: idle });
      })();
      return closing;
    },
  };
}
