#!/usr/bin/env node
// Used by scripts/dev: waits for the host and the Stripe emulator, seeds the demo
// expert "dr-ada" (PUT is idempotent, so running it again is harmless), and prints
// where things are plus a curl that books a slot that is free right now.
//
// Environment: SLOTGUARD_URL, STRIPE_EMULATOR_URL, SLOTGUARD_ADMIN_TOKEN, SEED_WAIT_MS,
// SLOTGUARD_PAGE_URL (the booking page, printed first: it is what most people want).

const HOST = process.env.SLOTGUARD_URL || 'http://127.0.0.1:8787';
const EMULATOR = process.env.STRIPE_EMULATOR_URL || 'http://127.0.0.1:12111';
const TOKEN = process.env.SLOTGUARD_ADMIN_TOKEN;
const PAGE = process.env.SLOTGUARD_PAGE_URL;
const WAIT_MS = Number(process.env.SEED_WAIT_MS || 60000);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const EVENTS = {
  'intro-30': { title: 'Intro call with Dr. Ada (30 min)', duration_minutes: 30, price: { amount: 4000, currency: 'eur' } },
  'deep-dive-60': { title: 'Deep dive with Dr. Ada (60 min)', duration_minutes: 60, price: { amount: 9000, currency: 'eur' } },
};

async function waitFor(url) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function putEvent(id, fields) {
  const res = await fetch(`${HOST}/v1/events/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ expert_id: 'dr-ada', slot_step_minutes: 30, payment_method_types: ['card', 'multibanco'], ...fields }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT /v1/events/${id} answered ${res.status}: ${await res.text()}`);
  return res.status === 201 ? 'created' : 'updated';
}

const rfc3339 = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The first free slot at least a day ahead, during office hours (09:00-17:00 UTC). */
async function freeSlot(eventId) {
  const from = Math.ceil((Date.now() + DAY) / (30 * 60_000)) * 30 * 60_000;
  const res = await fetch(`${HOST}/v1/events/${eventId}/slots?from=${rfc3339(from)}&to=${rfc3339(from + 7 * DAY)}`);
  if (!res.ok) throw new Error(`slots query answered ${res.status}: ${await res.text()}`);
  const { slots } = await res.json();
  const office = slots.find((s) => s.available && new Date(s.start).getUTCHours() >= 9 && new Date(s.start).getUTCHours() < 17);
  return (office ?? slots.find((s) => s.available))?.start;
}

async function main() {
  if (!TOKEN) throw new Error('SLOTGUARD_ADMIN_TOKEN is required');
  await Promise.all([waitFor(`${HOST}/healthz`), waitFor(`${EMULATOR}/_emulator/health`)]);
  const outcomes = [];
  for (const [id, fields] of Object.entries(EVENTS)) outcomes.push(`${id} ${await putEvent(id, fields)}`);
  const start = await freeSlot('intro-30');
  const booking = JSON.stringify({ event_id: 'intro-30', start, guest: { email: 'guest@example.com', name: 'Demo Guest' } });

  console.log(`${PAGE ? `\nBook in your browser: ${PAGE}\n` : ''}
slotguard is running.

  slotguard API     ${HOST}        (GET /healthz, GET /metrics)
  Stripe emulator   ${EMULATOR}    (GET /_emulator/stats)
  admin token       ${TOKEN}
  demo expert       dr-ada: ${outcomes.join(', ')}

Free slots of intro-30 over the next days:
  curl -s '${HOST}/v1/events/intro-30/slots?from=${rfc3339(Date.now() + DAY).slice(0, 11)}00:00:00Z&to=${rfc3339(Date.now() + 2 * DAY).slice(0, 11)}00:00:00Z'

Book ${start ?? '(no free slot found)'} (then open checkout_url and pay on the emulator's page):
  curl -s -X POST ${HOST}/v1/reservations -H 'Content-Type: application/json' \\
    -d '${booking}'

Press Ctrl-C to stop.
`);
}

main().catch((error) => {
  console.error(`seed-demo: ${error.message}`);
  process.exit(1);
});
