// The client's types as an app sees them: generated from docs/openapi.yaml, so a route,
// parameter or field the spec does not have fails to compile (tsc, the `types` suite).
import { createClient, isSlotguardError, type SlotguardError } from '../../client/src/index.js';

export async function typedUse(): Promise<void> {
  const sg = createClient({ baseUrl: 'http://localhost:8787', adminToken: 'x'.repeat(16) });
  const event = await sg.putEvent({
    path: { event_id: 'intro-30' },
    body: { expert_id: 'dr-ada', title: 'Intro', duration_minutes: 30, price: { amount: 5000, currency: 'eur' } },
  });
  const slots = await sg.getSlots({ path: { event_id: event.event.id }, query: { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' } });
  const start: string = slots.slots[0].start;
  const held = await sg.createReservation({ body: { event_id: 'intro-30', start, guest: { email: 'g@example.com', name: 'G' } } });
  const key: string = held.idempotencyKey;
  const status: string = held.reservation.status;
  void key, status;
  // @ts-expect-error: no such operation
  await sg.bookSlot({});
  // @ts-expect-error: the hold's body has no field "when"
  await sg.createReservation({ body: { event_id: 'x', when: start, guest: { email: 'g@example.com', name: 'G' } } });
  try {
    await sg.cancelReservation({ path: { id: held.reservation.id } });
  } catch (error) {
    if (isSlotguardError(error, 'reservation_confirmed')) {
      const e: SlotguardError = error;
      // @ts-expect-error: not an error code of the API
      if (e.code === 'slot_taken') return;
    }
  }
}
