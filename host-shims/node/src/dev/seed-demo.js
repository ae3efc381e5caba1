#!/usr/bin/env node
// Used by scripts/dev: waits for the host and the Stripe emulator, seeds a demo practice
// (PUT is idempotent, so running it again is harmless), and prints where things are
// plus a curl that books a slot that is free right now. The practice looks like a real
// one: Dr. Ada works in Lisbon, Monday to Friday 09:00-17:30 with a lunch break, has a
// busy block on her next working day, a short day next week and a day off after it;
// Dr. Bea shares a team pool with her; the deep dive is capped at three a day.
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

const DEMO_TIME_ZONE = 'Europe/Lisbon';
const WORKDAY = [['09:00', '12:30'], ['13:30', '17:30']];

const EVENTS = {
  'intro-30': {
    title: 'Intro call with Dr. Ada (30 min)', duration_minutes: 30, price: { amount: 4000, currency: 'eur' },
    cancellation: { tiers: [{ before_minutes: 1440, refund_percent: 100 }, { before_minutes: 120, refund_percent: 50 }] },
  },
  'deep-dive-60': {
    title: 'Deep dive with Dr. Ada (60 min)', duration_minutes: 60, price: { amount: 9000, currency: 'eur' },
    min_notice_minutes: 720, limits: { per_day: 3 },
    cancellation: { tiers: [{ before_minutes: 2880, refund_percent: 100 }] },
    packs: [{ sessions: 4, price: { amount: 32000, currency: 'eur' }, valid_days: 180 }],
  },
  'team-intro-30': {
    title: 'Intro call with the first free of our team (30 min)', duration_minutes: 30, price: { amount: 4000, currency: 'eur' },
    pool: { experts: ['dr-ada', 'dr-bea'], assign: 'least_booked' },
  },
};

/** "YYYY-MM-DD" of `ms` in Lisbon, and its weekday (0 = Sunday). */
function lisbonDay(ms) {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: DEMO_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
  return { day, weekday: new Date(`${day}T12:00:00Z`).getUTCDay() };
}

/** The next weekday (Monday to Friday) at least `afterDays` days from now, in Lisbon. */
function workingDay(afterDays) {
  for (let i = afterDays; ; i++) {
    const d = lisbonDay(Date.now() + i * DAY);
    if (d.weekday >= 1 && d.weekday <= 5) return d.day;
  }
}

/** Lisbon is UTC+0 in winter and UTC+1 in summer: the instant of local `hh:mm` on `day`. */
function lisbonInstant(day, hhmm) {
  const wall = Date.parse(`${day}T${hhmm}:00Z`);
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: DEMO_TIME_ZONE, hour: '2-digit', hourCycle: 'h23' }).format(wall);
  return wall - (Number(local) - Number(hhmm.slice(0, 2))) * HOUR;
}

async function admin(method, path, body) {
  const res = await fetch(`${HOST}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
}

/** Working hours, a short day and a day off, and a busy block: what a schedule looks like. */
async function seedSchedule() {
  const shortDay = workingDay(7);
  const dayOff = workingDay(9);
  const weekly = { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY };
  await admin('PUT', '/v1/experts/dr-ada/availability', {
    time_zone: DEMO_TIME_ZONE,
    weekly,
    overrides: [{ date: shortDay, intervals: [['09:00', '12:00']] }, { date: dayOff, intervals: [] }],
  });
  await admin('PUT', '/v1/experts/dr-bea/availability', {
    time_zone: DEMO_TIME_ZONE,
    weekly: { mon: [['10:00', '18:00']], tue: [['10:00', '18:00']], wed: [['10:00', '18:00']], thu: [['10:00', '18:00']], sat: [['10:00', '14:00']] },
  });
  const busyDay = workingDay(1);
  await admin('PUT', '/v1/experts/dr-ada/busy/demo-dentist', {
    start: rfc3339(lisbonInstant(busyDay, '15:00')),
    end: rfc3339(lisbonInstant(busyDay, '16:30')),
  });
  return `working hours in ${DEMO_TIME_ZONE} (lunch 12:30-13:30), busy ${busyDay} 15:00-16:30, short day ${shortDay}, day off ${dayOff}`;
}

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

/** The first free slot at least a day ahead (the working hours decide which are offered). */
async function freeSlot(eventId) {
  const from = Math.ceil((Date.now() + DAY) / (30 * 60_000)) * 30 * 60_000;
  const res = await fetch(`${HOST}/v1/events/${eventId}/slots?from=${rfc3339(from)}&to=${rfc3339(from + 7 * DAY)}`);
  if (!res.ok) throw new Error(`slots query answered ${res.status}: ${await res.text()}`);
  const { slots } = await res.json();
  return slots.find((s) => s.available)?.start;
}

async function main() {
  if (!TOKEN) throw new Error('SLOTGUARD_ADMIN_TOKEN is required');
  await Promise.all([waitFor(`${HOST}/healthz`), waitFor(`${EMULATOR}/_emulator/health`)]);
  const outcomes = [];
  for (const [id, fields] of Object.entries(EVENTS)) outcomes.push(`${id} ${await putEvent(id, fields)}`);
  const schedule = await seedSchedule();
  const start = await freeSlot('intro-30');
  const booking = JSON.stringify({ event_id: 'intro-30', start, guest: { email: 'guest@example.com', name: 'Demo Guest' } });

  console.log(`${PAGE ? `\nBook in your browser:    ${PAGE}\nThe expert's console:    ${PAGE}console/  (sign in with dr-ada and the admin token below)\n` : ''}
slotguard is running.

  slotguard API     ${HOST}        (GET /healthz, GET /metrics)
  Stripe emulator   ${EMULATOR}    (GET /_emulator/stats)
  admin token       ${TOKEN}
  demo practice     dr-ada: ${outcomes.join(', ')}
                    ${schedule}; dr-bea shares team-intro-30

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
