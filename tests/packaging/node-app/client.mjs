// An app using @slotguard/client against @slotguard/node (memory store) and the Stripe
// emulator package. Prints "held <id> key <key> replayed true" (the same hold asked
// twice under one key) and "refused <code> <status>" (another guest, the same slot).
import { createClient, isSlotguardError } from '@slotguard/client';
import { createSlotguard } from '@slotguard/node';
import { createEmulator } from '@slotguard/stripe-emulator';

const ADMIN = 'packaging-admin-token-0123456789';
const emulator = createEmulator({ webhookSecret: 'whsec_packaging' });
const slotguard = await createSlotguard({
  store: 'memory',
  adminToken: ADMIN,
  stripeSecretKey: 'sk_test_packaging',
  stripeApiBase: await emulator.start(0),
  logLevel: 'warn',
});
const baseUrl = await slotguard.listen(0, '127.0.0.1');

try {
  const sg = createClient({ baseUrl, adminToken: ADMIN });
  await sg.putEvent({
    path: { event_id: 'intro-call' },
    body: { expert_id: 'ana', title: 'Intro call', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } },
  });
  const day = 86_400_000;
  const from = new Date((Math.floor(Date.now() / day) + 2) * day).toISOString();
  const to = new Date((Math.floor(Date.now() / day) + 3) * day).toISOString();
  const { slots } = await sg.getSlots({ path: { event_id: 'intro-call' }, query: { from, to } });
  const start = slots.find((s) => s.available)?.start;
  if (!start) throw new Error('no free slot');
  const body = { event_id: 'intro-call', start, guest: { email: 'guest@example.com', name: 'Guest' } };
  const first = await sg.createReservation({ body });
  const again = await sg.createReservation({ body, idempotencyKey: first.idempotencyKey });
  if (again.reservation.id !== first.reservation.id) throw new Error('a second hold under the same key');
  console.log(`held ${again.reservation.id} key ${again.idempotencyKey} replayed ${again.replayed}`);
  try {
    await sg.createReservation({ body: { ...body, guest: { email: 'other@example.com', name: 'Other' } } });
  } catch (error) {
    if (!isSlotguardError(error, 'slot_unavailable')) throw error;
    console.log(`refused ${error.code} ${error.status}`);
  }
} finally {
  await slotguard.close();
  emulator.stop();
}
