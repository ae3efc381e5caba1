// An app embedding @slotguard/node on the memory store, with the Stripe emulator
// package standing in for Stripe. Prints "held <id> <checkout url>".
import { createSlotguard } from '@slotguard/node';
import { createEmulator } from '@slotguard/stripe-emulator';

const ADMIN = 'packaging-admin-token-0123456789';
const emulator = createEmulator({ webhookSecret: 'whsec_packaging' });
const stripeApiBase = await emulator.start(0);
const slotguard = await createSlotguard({
  store: 'memory',
  adminToken: ADMIN,
  stripeSecretKey: 'sk_test_packaging',
  stripeApiBase,
  logLevel: 'warn',
});
const base = await slotguard.listen(0, '127.0.0.1');

async function call(method, pathname, body, headers = {}) {
  const res = await fetch(new URL(pathname, base), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

try {
  const event = { expert_id: 'ana', title: 'Intro call', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } };
  const put = await call('PUT', '/v1/events/intro-call', event, { authorization: `Bearer ${ADMIN}` });
  if (put.status >= 300) throw new Error(`PUT event: ${put.status} ${JSON.stringify(put.json)}`);
  const day = 86_400_000;
  const from = new Date((Math.floor(Date.now() / day) + 2) * day).toISOString();
  const to = new Date((Math.floor(Date.now() / day) + 9) * day).toISOString();
  const slots = await call('GET', `/v1/events/intro-call/slots?from=${from}&to=${to}`);
  const free = slots.json.slots?.find((s) => s.available);
  if (!free) throw new Error(`no free slot: ${JSON.stringify(slots.json)}`);
  const held = await call(
    'POST',
    '/v1/reservations',
    { event_id: 'intro-call', start: free.start, guest: { email: 'guest@example.com', name: 'Guest' } },
    { 'idempotency-key': 'packaging-1' },
  );
  if (held.status !== 201) throw new Error(`hold: ${held.status} ${JSON.stringify(held.json)}`);
  console.log(`held ${held.json.reservation.id} ${held.json.checkout_url}`);
} finally {
  await slotguard.close();
  emulator.stop();
}
