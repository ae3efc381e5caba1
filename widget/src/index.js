// The booking widget's bundle entry (scripts/lib/build-widget.mjs writes it, with the
// client, into examples/booking-page/slotguard-booking.js, a classic script): loading
// it defines <slotguard-booking> and <slotguard-booking-result>.
import { SlotguardBooking } from './booking.js';
import { SlotguardBookingResult } from './result.js';

export { SlotguardBooking, SlotguardBookingResult };

if (!customElements.get('slotguard-booking')) customElements.define('slotguard-booking', SlotguardBooking);
if (!customElements.get('slotguard-booking-result')) customElements.define('slotguard-booking-result', SlotguardBookingResult);
