// Why this file exists: the suites that kill a host (the crash test, the notification
// crash test, the many-hosts test) and the side-by-side benchmark all run slotguard's
// Node host as a child process (the CLI) and need the same things around it: start it
// and learn its address, keep its last lines for a failure report, wait for conditions
// with a bound, send requests that never reject, relay the emulator's webhooks to
// whichever hosts are alive, and draw the same pseudo-random plan on every run.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { WASM, request } from '../conformance/support/harness.mjs';

export const CLI = fileURLToPath(new URL('../../host-shims/node/src/cli.js', import.meta.url));
const WAIT_LIMIT_MS = 120_000;
const KEPT_LINES = 400;

/** mulberry32: a tiny seeded generator, so a plan is the same on every run. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Polls `check` until it returns a truthy value and resolves that value; throws after
 * `limitMs`, so a hang fails the test instead of blocking CI.
 */
export async function waitFor(what, check, { intervalMs = 50, limitMs = WAIT_LIMIT_MS } = {}) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Starts one CLI host; resolves once it listens. `env` is laid over what every test
 * host shares: an ephemeral port on 127.0.0.1, the wasm build under test, no sweep
 * timer (tests sweep when they choose), no rate or in-flight limits (every guest comes
 * from 127.0.0.1) and warnings only. `host.output` keeps its last lines (for a failure
 * report), `host.exit` resolves {code, signal} when the process ends.
 */
export async function startCliHost(name, env) {
  const child = spawn(process.execPath, [CLI], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SLOTGUARD_WASM: WASM,
      SLOTGUARD_SWEEP_INTERVAL_MS: '0',
      SLOTGUARD_RATE_LIMIT_PER_MINUTE: '0',
      SLOTGUARD_MAX_IN_FLIGHT: '0',
      SLOTGUARD_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const host = { name, child, url: null, exited: null, output: [] };
  const keep = (stream, label) => {
    let rest = '';
    stream.on('data', (c) => {
      const lines = (rest + c).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        host.output.push(`${label}: ${line}`);
        if (host.output.length > KEPT_LINES) host.output.shift();
        const m = /^slotguard listening on (http:\/\/\S+)/.exec(line);
        if (m) host.url = m[1];
      }
    });
  };
  keep(child.stdout, 'stdout');
  keep(child.stderr, 'stderr');
  host.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((host.exited = { code, signal }))));
  await waitFor(`host ${name} to listen`, () => host.url || host.exited);
  if (!host.url) throw new Error(`host ${name} did not start: ${JSON.stringify(host.exited)}\n${host.output.join('\n')}`);
  return host;
}

/** Ends a host if it still runs (SIGTERM: gracefully; SIGKILL: a crash) and waits for it. */
export async function stopHost(host, signal = 'SIGTERM') {
  if (!host || host.exited) return host?.exited;
  host.child.kill(signal);
  return host.exit;
}

/** One HTTP request that never rejects: {status, json, text} or {error}. No keep-alive (a host may die). */
export function send(baseUrl, method, path, { body, headers = {} } = {}) {
  return request(baseUrl, method, path, { body, headers, agent: false }).catch((error) => ({ error: String(error) }));
}

/**
 * POSTs raw bytes with the given headers to `url`; resolves {status, text, json,
 * contentType} or {status: 599, error}.
 */
export function forward(url, body, headers, agent = false) {
  return request(url, 'POST', '', { body, headers, agent }).then(
    (answer) => ({ status: answer.status, text: answer.text, json: answer.json, contentType: answer.headers['content-type'] }),
    (error) => ({ status: 599, error: String(error) }),
  );
}

/**
 * The webhook endpoint the emulator knows. Each delivery goes to the next live host in
 * turn (`liveHosts()` lists them); `fanOut(n)` sends the next n deliveries to two live
 * hosts at the same moment. The emulator gets the first host's answer, and 502 while no
 * host is live or the host died mid-answer, so it retries. `deliveries` holds
 * {event_id, type, body, headers, answers: [{host, status, json}]}.
 */
export function startSpreader(liveHosts) {
  const deliveries = [];
  let turn = 0;
  let fanOut = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      let event = {};
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        // not JSON: the host says so
      }
      const live = liveHosts();
      if (live.length === 0) {
        res.writeHead(502).end();
        return;
      }
      const targets = [live[turn++ % live.length]];
      if (fanOut > 0 && live.length > 1) {
        fanOut--;
        targets.push(live[turn++ % live.length]);
      }
      const answers = await Promise.all(
        targets.map(async (h) => ({ host: h.name, ...(await forward(`${h.url}/v1/stripe/webhook`, body, headers)) })),
      );
      deliveries.push({ event_id: event.id, type: event.type, body, headers, answers });
      const first = answers[0];
      res.writeHead(first.status === 599 ? 502 : first.status, { 'content-type': 'application/json' }).end(first.text ?? '');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        deliveries,
        fanOut: (n) => (fanOut = n),
        /** Sends a recorded delivery again, byte for byte, to `host`. */
        redeliverTo: (delivery, host) => forward(`${host.url}/v1/stripe/webhook`, delivery.body, delivery.headers),
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections?.();
          }),
      }),
    );
  });
}
