// The node:http server and its graceful shutdown: stop accepting, let requests in
// flight finish (up to a deadline), then drop whatever connections remain. It also
// bounds how long a client may take to send a request: Node's own defaults (60 s for
// the headers, 300 s for the whole request, checked every 30 s) let a few hundred slow
// clients hold their connections for minutes.
import { createServer } from 'node:http';

// How often Node checks its header and request deadlines; a slow client outlives them
// by up to this much.
const TIMEOUT_CHECK_MS = 1000;

/**
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} handler
 * @param {{headersTimeoutMs: number, bodyTimeoutMs: number}} timeouts  the headers must be in within
 *   headersTimeoutMs (else Node answers 408 and closes); the handler bounds the body itself
 *   (bodyTimeoutMs after the headers), and Node's bound on the whole request lies past both
 *   plus a check, so that the handler's 408, in the API's error shape, comes first
 * @returns {{listen(port?: number, host?: string): Promise<string>, close(timeoutMs?: number): Promise<void>, closing: () => boolean, server: import('node:http').Server}}
 */
export function createHttpServer(handler, { headersTimeoutMs, bodyTimeoutMs }) {
  /** @type {Set<import('node:http').ServerResponse>} */
  const active = new Set(); // responses not yet finished
  let closing = false;
  /** @type {(() => void) | null} */
  let drained = null; // resolves when the last active response finishes while closing
  const serverOptions = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: headersTimeoutMs + bodyTimeoutMs + TIMEOUT_CHECK_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  };
  const server = createServer(serverOptions, (req, res) => {
    active.add(res);
    res.on('close', () => {
      active.delete(res);
      if (active.size === 0 && drained) drained();
    });
    if (closing) res.shouldKeepAlive = false;
    handler(req, res);
  });
  // Keep-alive sockets idle longer than a typical proxy's, so proxies close first.
  server.keepAliveTimeout = 65000;

  return {
    server,
    closing: () => closing,
    listen(port = 8787, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          // Listening on a TCP port: the address is an AddressInfo.
          const { address, port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
          const h = address.includes(':') ? `[${address}]` : address;
          resolve(`http://${h}:${bound}`);
        });
      });
    },
    async close(timeoutMs = 10000) {
      closing = true;
      if (!server.listening) return;
      const stopped = /** @type {Promise<void>} */ (new Promise((resolve) => server.close(() => resolve())));
      server.closeIdleConnections();
      // Answers still to come say "Connection: close", so clients do not reuse a
      // socket that is about to go away.
      for (const res of active) {
        res.shouldKeepAlive = false;
        if (!res.headersSent) res.setHeader('connection', 'close');
      }
      if (active.size > 0) {
        let timer;
        await Promise.race([
          /** @type {Promise<void>} */ (new Promise((resolve) => (drained = resolve))),
          new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await stopped;
    },
  };
}
