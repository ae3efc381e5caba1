#!/usr/bin/env node
// Why this file exists: bench/side-by-side.mjs measures slotguard against the design it
// replaces, the seed's "race-condition fix" (../shared/design/brief.md, "What the
// seed's design gets wrong"). This is that flow, written afresh for the benchmark only,
// flaws included, on PostgreSQL through npm `pg` and against the same Stripe emulator.
// It is a baseline to measure, never something to ship or to fix.
//
// POST /v1/reservations {event_id, start, guest: {email, name}} does, in order:
//   1. looks the event type up and checks, outside any transaction, that no unexpired
//      reservation has the same (event_id, start_time) (the check the seed had before
//      its fix, which the fix calls a "re-check" inside the transaction);
//   2. creates the Stripe Checkout Session FIRST (no expires_at, so Stripe's default of
//      24 hours: the session stays payable long after the 30-minute hold; no
//      idempotency key);
//   3. BEGIN at PostgreSQL's default READ COMMITTED; re-checks for an unexpired
//      reservation of the same event type at the same start (equality on start_time:
//      other event types of the same expert, overlapping spans and buffers are not
//      looked at);
//      - found: expires the session INSIDE the transaction (a Stripe call while the
//        transaction holds its connection), rolls back, answers 409 with the other
//        guest's e-mail in the message (as the seed's error did);
//   4. INSERT ... ON CONFLICT (event_id, start_time, guest_email) DO NOTHING RETURNING;
//      - no row: rolls back and answers 409, without expiring the session (the seed's
//        code throws there and expires nothing);
//   5. COMMIT, 201 {reservation, checkout_url}. Any other failure answers 500 and leaves
//      the session open, as an exception thrown between steps 2 and 5 did in the seed.
//
// PUT /v1/events/{id} takes slotguard's event body (expert_id, title, duration_minutes,
// price) so that the benchmark sets both up alike; buffers and slot steps are accepted
// and ignored, as the seed ignored them. GET /healthz answers 200. No webhooks: the
// benchmark never pays, and the seed's PaymentIntent link never happened anyway.
//
//   DATABASE_URL=postgres://... STRIPE_API_BASE=http://127.0.0.1:12111 \
//   STRIPE_SECRET_KEY=sk_test_x [PORT=0] [SEED_POOL_SIZE=10] node bench/seed/server.mjs
// prints "seed listening on http://127.0.0.1:<port>" once it serves.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const HOLD_MINUTES = 30;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS seed_events (
    id text PRIMARY KEY,
    expert_id text NOT NULL,
    title text NOT NULL,
    duration_minutes integer NOT NULL,
    price_amount integer NOT NULL,
    price_currency text NOT NULL
  );
  CREATE TABLE IF NOT EXISTS slot_reservations (
    id uuid PRIMARY KEY,
    event_id text NOT NULL REFERENCES seed_events(id),
    clerk_user_id text NOT NULL,
    guest_email text NOT NULL,
    start_time timestamptz NOT NULL,
    end_time timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    stripe_session_id text,
    stripe_payment_intent_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT slot_reservations_active_slot_unique UNIQUE (event_id, start_time, guest_email)
  );
`;

/** Stripe's form encoding with bracketed keys, for the few shapes sent here. */
function formEncode(params, prefix = '', out = new URLSearchParams()) {
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'object') formEncode(value, name, out);
    else out.append(name, String(value));
  }
  return out;
}

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The seed's booking service on `pool` and Stripe at `stripeBase`; returns a node:http
 * request listener.
 */
export function seedApp({ pool, stripeBase, stripeKey }) {
  async function stripe(method, path, params) {
    const res = await fetch(new URL(path, stripeBase), {
      method,
      headers: { authorization: `Bearer ${stripeKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: params ? formEncode(params).toString() : undefined,
    });
    const body = await res.json();
    if (!res.ok) throw new HttpError(502, 'stripe_error', body?.error?.message ?? `Stripe answered ${res.status}`);
    return body;
  }

  async function putEvent(id, body) {
    const { expert_id: expertId, title = 'Consultation', duration_minutes: minutes, price } = body ?? {};
    if (typeof expertId !== 'string' || !Number.isInteger(minutes) || !price) throw new HttpError(422, 'validation_failed', 'bad event');
    const { rows } = await pool.query(
      `INSERT INTO seed_events (id, expert_id, title, duration_minutes, price_amount, price_currency)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET expert_id = $2, title = $3, duration_minutes = $4, price_amount = $5, price_currency = $6
       RETURNING (xmax = 0) AS created`,
      [id, expertId, title, minutes, price.amount, price.currency],
    );
    return [rows[0].created ? 201 : 200, { event: { id, ...body } }];
  }

  async function reserve(body) {
    const eventId = body?.event_id;
    const email = body?.guest?.email;
    const start = new Date(body?.start ?? NaN);
    if (typeof eventId !== 'string' || typeof email !== 'string' || Number.isNaN(start.getTime())) {
      throw new HttpError(422, 'validation_failed', 'event_id, start and guest.email are required');
    }
    const { rows: events } = await pool.query('SELECT * FROM seed_events WHERE id = $1', [eventId]);
    const event = events[0];
    if (!event) throw new HttpError(404, 'event_not_found', 'no such event');
    const end = new Date(start.getTime() + event.duration_minutes * 60_000);

    // 1. The check before the session: same event type, same start, not expired.
    const { rowCount: taken } = await pool.query(
      'SELECT 1 FROM slot_reservations WHERE event_id = $1 AND start_time = $2 AND expires_at > now() LIMIT 1',
      [eventId, start],
    );
    if (taken) throw new HttpError(409, 'slot_unavailable', 'This time slot is no longer available');

    // 2. The Checkout Session, before anything holds the slot.
    const session = await stripe('POST', '/v1/checkout/sessions', {
      mode: 'payment',
      line_items: [
        {
          price_data: { currency: event.price_currency, unit_amount: event.price_amount, product_data: { name: event.title } },
          quantity: 1,
        },
      ],
      payment_method_types: event.price_currency === 'eur' ? ['card', 'multibanco'] : ['card'],
      customer_email: email,
      success_url: 'https://example.com/booked',
      cancel_url: 'https://example.com/cancelled',
      metadata: { eventId, expertId: event.expert_id, startTime: start.toISOString(), guestEmail: email },
    });

    // 3-5. The transaction, at the default READ COMMITTED.
    const client = await pool.connect();
    let reservationId;
    try {
      await client.query('BEGIN');
      const { rows: conflicts } = await client.query(
        'SELECT guest_email FROM slot_reservations WHERE event_id = $1 AND start_time = $2 AND expires_at > now() LIMIT 1',
        [eventId, start],
      );
      if (conflicts.length > 0) {
        await stripe('POST', `/v1/checkout/sessions/${session.id}/expire`);
        throw new HttpError(409, 'slot_unavailable', `Race condition detected: conflicting user: ${conflicts[0].guest_email}`);
      }
      const { rows: inserted } = await client.query(
        `INSERT INTO slot_reservations (id, event_id, clerk_user_id, guest_email, start_time, end_time, expires_at, stripe_session_id)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7), $8)
         ON CONFLICT (event_id, start_time, guest_email) DO NOTHING
         RETURNING id`,
        [randomUUID(), eventId, event.expert_id, email, start, end, HOLD_MINUTES, session.id],
      );
      if (inserted.length === 0) throw new HttpError(409, 'slot_unavailable', 'Unique constraint violation: Another reservation exists');
      await client.query('COMMIT');
      reservationId = inserted[0].id;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    return [
      201,
      {
        reservation: { id: reservationId, event_id: eventId, start: start.toISOString(), end: end.toISOString(), checkout_session_id: session.id },
        checkout_url: session.url,
      },
    ];
  }

  async function route(req, raw) {
    const url = new URL(req.url, 'http://seed');
    if (req.method === 'GET' && url.pathname === '/healthz') return [200, { status: 'ok' }];
    let body;
    try {
      body = raw.length ? JSON.parse(raw) : undefined;
    } catch {
      throw new HttpError(400, 'invalid_json', 'invalid JSON');
    }
    const m = /^\/v1\/events\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && m) return putEvent(decodeURIComponent(m[1]), body);
    if (req.method === 'POST' && url.pathname === '/v1/reservations') return reserve(body);
    throw new HttpError(404, 'not_found', 'no such route');
  }

  return (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let status;
      let payload;
      try {
        [status, payload] = await route(req, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        status = error instanceof HttpError ? error.status : 500;
        payload = { error: { code: error instanceof HttpError ? error.code : 'internal_error', message: String(error.message) } };
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  };
}

/** Creates the schema if needed and listens; resolves {url, close()}. */
export async function startSeed({ databaseUrl, stripeBase, stripeKey, port = 0, poolSize = 10 }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', () => {}); // an idle client's connection dying is not the server's end
  await pool.query(SCHEMA);
  const server = http.createServer(seedApp({ pool, stripeBase, stripeKey }));
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      await pool.end();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const need = (name) => process.env[name] || (console.error(`${name} is required`), process.exit(2));
  const seed = await startSeed({
    databaseUrl: need('DATABASE_URL'),
    stripeBase: need('STRIPE_API_BASE'),
    stripeKey: need('STRIPE_SECRET_KEY'),
    port: Number(process.env.PORT ?? 0),
    poolSize: Number(process.env.SEED_POOL_SIZE ?? 10),
  });
  console.error(`seed listening on ${seed.url}`);
  const stop = () => seed.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
