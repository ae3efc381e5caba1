// The booking page's one piece of glue: the address may name the expert, the event
// type(s), the first day and the guest's time zone, as a link to the page carries them
// (?expert=dr-ada&event=intro-30&day=2030-01-07&tz=Asia/Tokyo), and a prepaid pack to
// book with (?pack=pak_..., as the pack's return page links back). The API is always the
// page's own origin here: an address must not be able to send guests' details elsewhere.
const q = new URLSearchParams(location.search);
const widget = document.querySelector('slotguard-booking');
if (widget) {
  for (const [param, attribute] of [['expert', 'expert'], ['event', 'event'], ['day', 'day'], ['tz', 'time-zone'], ['expert_tz', 'expert-time-zone'], ['pack', 'pack']]) {
    const value = q.get(param);
    if (value) widget.setAttribute(attribute, value);
  }
}
await import('./slotguard-booking.js');
