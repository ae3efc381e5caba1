// One webhook POST. Resolves with {statusCode} or {error}; never rejects.
import http from 'node:http';
import https from 'node:https';

export function postWebhook(url, body, headers, { timeoutMs, inflight }) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      inflight.delete(req);
      resolve(result);
    };
    let target;
    try {
      target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`);
    } catch (err) {
      resolve({ error: `invalid webhook URL: ${err.message}` });
      return;
    }
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(target, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    });
    inflight.add(req);
    req.on('response', (res) => {
      res.on('error', () => {});
      res.resume();
      done({ statusCode: res.statusCode });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => done({ error: err.message || String(err) }));
    req.on('close', () => done({ error: 'connection closed' }));
    req.end(body);
  });
}
