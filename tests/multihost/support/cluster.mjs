// Several slotguard Node hosts (the CLI, each in its own process) on one PostgreSQL
// database, and what a test needs around them: a webhook spreader that hands each
// delivery of the Stripe emulator to one of the live hosts in turn (or to two at once),
// recording the raw request and every answer, and a reader of the reservation ids
// straight from the database (answers lost to a killed host name none).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { WASM, request } from '../../conformance/support/harness.mjs';
import { connect } from '../../conformance/support/postgres.mjs';

const CLI = fileURLToPath(new URL('../../../host-shims/node/src/cli.js', import.meta.url));
const WAIT_LIMIT_MS = 120_000;

/** Polls `check` until it returns a truthy value; throws after two minutes. */
export async function waitFor(what, check, intervalMs = 50) {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Starts one CLI host on `dbUrl`; resolves once it listens. `host.output` keeps its
 * last lines (for a failure report), `host.exit` resolves when the process ends.
 */
export async function startHost(name, { dbUrl, emulatorUrl, adminToken, webhookSecret, stripeKey, env = {} }) {
  const child = spawn(process.execPath, [CLI], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SLOTGUARD_DB: dbUrl,
      SLOTGUARD_PG_POOL_SIZE: '8',
      SLOTGUARD_WASM: WASM,
      SLOTGUARD_ADMIN_TOKEN: adminToken,
      STRIPE_SECRET_KEY: stripeKey,
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      SLOTGUARD_SWEEP_INTERVAL_MS: '0', // the tests sweep, from the host they choose
      SLOTGUARD_RATE_LIMIT_PER_MINUTE: '0', // every guest comes from 127.0.0.1
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
        if (host.output.length > 200) host.output.shift();
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

/** Stops a host gracefully if it still runs. */
export async function stopHost(host) {
  if (!host || host.exited) return;
  host.child.kill('SIGTERM');
  await host.exit;
}

/** One HTTP request that never rejects: {status, json, text} or {error}. No keep-alive (a host may die). */
export function send(baseUrl, method, path, { body, headers = {} } = {}) {
  return request(baseUrl, method, path, { body, headers, agent: false }).catch((error) => ({ error: String(error) }));
}

/** POSTs raw bytes with the given headers to `url`; resolves {status, text, json} or {status: 599, error}. */
function forward(url, body, headers) {
  return new Promise((resolve) => {
    const up = http.request(url, { method: 'POST', headers, agent: false }, (answer) => {
      const out = [];
      answer.on('data', (c) => out.push(c));
      answer.on('end', () => {
        const text = Buffer.concat(out).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: answer.statusCode, text, json });
      });
      answer.on('error', (error) => resolve({ status: 599, error: String(error) }));
    });
    up.on('error', (error) => resolve({ status: 599, error: String(error) }));
    up.end(body);
  });
}

/**
 * The webhook endpoint the emulator knows. Each delivery goes to the next live host in
 * turn; `fanOut(n)` sends the next n deliveries to two live hosts at the same moment.
 * The emulator gets the first host's answer (502 while no host is live, so it retries).
 * `deliveries` holds {event_id, type, body, headers, answers: [{host, status, json}]}.
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

/** Every reservation id in the database (the core's `rsv/` keys). */
export async function reservationIds(dbUrl) {
  const client = await connect(dbUrl);
  try {
    const { rows } = await client.query(
      "SELECT convert_from(key, 'UTF8') AS k FROM slotguard_kv WHERE key >= convert_to('rsv/', 'UTF8') AND key < convert_to('rsv0', 'UTF8')",
    );
    return rows.map((r) => r.k.slice('rsv/'.length));
  } finally {
    await client.end();
  }
}
