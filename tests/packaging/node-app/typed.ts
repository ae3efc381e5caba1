// Type-checked in the packaging test against the installed @slotguard/client's
// declarations: an app's TypeScript sees the spec's operations, bodies and codes.
import { createClient, isSlotguardError } from '@slotguard/client';

export async function book(baseUrl: string, start: string): Promise<string | undefined> {
  const sg = createClient({ baseUrl });
  try {
    const held = await sg.createReservation({ body: { event_id: 'intro-call', start, guest: { email: 'a@example.com', name: 'A' } } });
    return held.checkout_url;
  } catch (error) {
    if (isSlotguardError(error, 'slot_unavailable')) return undefined;
    throw error;
  }
}

// @ts-expect-error: the hold's body requires a guest
export const wrong = () => createClient({ baseUrl: 'http://x' }).createReservation({ body: { event_id: 'x', start: 'y' } });
