// A small keep-alive HTTP/1.1 load client for bench/speed.mjs: `connections` sockets,
// each sending one GET, reading its whole answer (Content-Length bodies only, which is
// all the servers under test send), then the next. Lighter than node:http's client so
// the client is not what limits the rate. Counts answers by status.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * @returns {Promise<{rps: number, answers: number, statuses: object, closed: number}>}
 */
export function loadGet(url, path, { connections = 100, seconds = 3, warmupSeconds = 0.5 } = {}) {
  const { hostname, port } = new URL(url);
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`);
  let counting = false;
  let stopped = false;
  let answers = 0;
  let closed = 0; // connections the server closed before the end: fewer in flight from then on
  const statuses = {};
  const sockets = [];
  return new Promise((resolve, reject) => {
    for (let c = 0; c < connections; c++) {
      const s = net.connect(Number(port), hostname);
      s.setNoDelay(true);
      sockets.push(s);
      let buf = Buffer.alloc(0);
      s.on('connect', () => s.write(request));
      s.on('error', (e) => {
        if (!stopped) reject(e);
      });
      s.on('close', () => {
        if (!stopped) closed++;
      });
      s.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.toString('latin1', 0, end);
          const m = /content-length:\s*(\d+)/i.exec(head);
          const total = end + 4 + (m ? Number(m[1]) : 0);
          if (buf.length < total) return;
          const status = head.slice(9, 12);
          buf = buf.subarray(total);
          if (counting) {
            answers++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
          if (!stopped) s.write(request);
        }
      });
    }
    let t0;
    setTimeout(() => {
      counting = true;
      t0 = performance.now();
      setTimeout(() => {
        const elapsed = (performance.now() - t0) / 1000;
        counting = false;
        stopped = true;
        for (const s of sockets) s.destroy();
        resolve({ rps: answers / elapsed, answers, statuses, closed });
      }, seconds * 1000);
    }, warmupSeconds * 1000);
  });
}
