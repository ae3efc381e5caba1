// The node:http server and its graceful shutdown: stop accepting, let requests in
// flight finish (up to a deadline), then drop whatever connections remain.
import { createServer } from 'node:http';

/**
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} handler
 * @returns {{listen(port?: number, host?: string): Promise<string>, close(timeoutMs?: number): Promise<void>, closing: () => boolean, server: import('node:http').Server}}
 */
export function createHttpServer(handler) {
  /** @type {Set<import('node:http').ServerResponse>} */
  const active = new Set(); // responses not yet finished
  let closing = false;
  /** @type {(() => void) | null} */
  let drained = null; // resolves when the last active response finishes while closing
  const server = createServer((req, res) => {
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
