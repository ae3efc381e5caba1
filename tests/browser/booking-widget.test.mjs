// The booking widget (<slotguard-booking>, examples/booking-page) and its return page in
// a real browser: Debian's Chromium driven by playwright-core, against the Node host
// serving the page folder and the Stripe emulator serving its hosted checkout page and
// delivering signed webhooks (the e2e stack). What a guest sees is found through roles
// and labels, as assistive technology finds it (the widget's open shadow root
// included); every step leaves a screenshot in build/test-output/browser/, and axe-core
// checks the pages for serious and critical violations.
//
//   node --test tests/browser/booking-widget.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DAY, adminPut, bookAndPay, dayIn, everyDay, hhmm, launchBrowser, resetShots, seriousViolations, shot, startBrowserStack,
} from './support/browser.mjs';

const EXPERT = 'browser-expert';
const EVENT_ID = 'browser-consult';
const CAPPED_ID = 'browser-capped';
const EXPERT_TZ = 'Europe/Lisbon';

describe('booking widget in Chromium', () => {
  /** @type {Awaited<ReturnType<typeof startBrowserStack>>} */
  let s;
  /** @type {import('playwright-core').Browser} */
  let browser;
  let day;
  const contexts = [];

  before(async () => {
    resetShots('widget');
    s = await startBrowserStack();
    // Working hours in Lisbon with a lunch break, every day, so any day of the run has times.
    await adminPut(s, `/v1/experts/${EXPERT}/availability`, { time_zone: EXPERT_TZ, weekly: everyDay() });
    const base = { expert_id: EXPERT, title: 'Consultation', duration_minutes: 30, slot_step_minutes: 30, price: { amount: 4500, currency: 'eur' } };
    await adminPut(s, `/v1/events/${EVENT_ID}`, { ...base, payment_method_types: ['card', 'multibanco'] });
    await adminPut(s, `/v1/events/${CAPPED_ID}`, { ...base, title: 'Capped consultation', limits: { per_day: 1 } });
    browser = await launchBrowser();
    // Two days ahead: a whole day of free times whatever the hour of the run.
    day = dayIn(s.now() + 2 * DAY, EXPERT_TZ);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await s?.stop();
  });

  /** A guest: a browser context of its own, in a time zone and a language. */
  async function guest(options = {}) {
    const context = await browser.newContext({ timezoneId: EXPERT_TZ, locale: 'en-GB', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  const pageUrl = (event = EVENT_ID, extra = '') => `${s.url}/?expert=${EXPERT}&event=${event}&day=${day}&expert_tz=${EXPERT_TZ}${extra}`;

  async function openWidget(page, event = EVENT_ID, extra = '') {
    await page.goto(pageUrl(event, extra));
    await page.locator('slotguard-booking input[name="slot"]').first().waitFor();
  }

  /** The free starts the widget lists, in order. */
  const listedStarts = (page) => page.locator('slotguard-booking input[name="slot"]').evaluateAll((inputs) => inputs.map((i) => /** @type {HTMLInputElement} */ (i).value));
  const slot = (page, start) => page.locator(`slotguard-booking input[name="slot"][value="${start}"]`);

  async function fillGuest(page, start, name, email) {
    await slot(page, start).check();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('E-mail').fill(email);
  }

  /** Reserve, see how long the hold lasts and with whom, arrive on the emulator's checkout page. */
  async function reserveToCheckout(page, label) {
    await page.getByRole('button', { name: 'Reserve and pay' }).click();
    const held = page.locator('slotguard-booking #held');
    await held.waitFor();
    const text = (await held.textContent()) ?? '';
    assert.match(text, /with browser-expert is held for you until \d{1,2}:\d\d \(in \d+ minutes\)/);
    await shot(page, `${label}-held`);
    await page.waitForURL(`${s.emulatorUrl}/pay/**`);
    await page.locator('#amount').waitFor();
    return text;
  }

  it('lists a week grouped by day in the guest zone, with the lunch break left out, and passes axe', async () => {
    const page = await guest();
    await openWidget(page);
    const legends = await page.locator('slotguard-booking fieldset.day legend').allTextContents();
    assert.ok(legends.length >= 5, `days listed: ${legends.join(' | ')}`);
    const days = await page.locator('slotguard-booking fieldset.day').evaluateAll((f) => f.map((x) => x.getAttribute('data-day')));
    assert.equal(days[0], day, 'the week starts on the day asked for');
    const starts = await listedStarts(page);
    const times = new Set(starts.map((t) => hhmm(t, EXPERT_TZ)));
    assert.ok(times.has('09:00') && times.has('12:00') && times.has('13:30') && times.has('16:30'), [...times].join(' '));
    assert.ok(!times.has('12:30') && !times.has('13:00') && !times.has('17:00') && !times.has('08:30'), 'lunch and evenings are not offered');
    // Same zone as the expert: no second time beside each.
    assert.equal(await page.locator('slotguard-booking .theirs').count(), 0);
    await shot(page, 'week');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('a guest far from the expert sees their own times and language, the expert\'s beside, and can switch zones', async () => {
    const page = await guest({ timezoneId: 'Pacific/Auckland', locale: 'de-DE' });
    await openWidget(page);
    const first = page.locator('slotguard-booking label.slot').first();
    const start = await first.locator('input').getAttribute('value');
    assert.ok(start);
    assert.equal(await page.locator('slotguard-booking select#tz').inputValue(), 'Pacific/Auckland');
    // German times have no leading zero on the hour ("9:00"): compare as HH:MM.
    const padded = (text) => (text ?? '').trim().padStart(5, '0');
    assert.equal(padded(await first.locator('.mine').textContent()), hhmm(start, 'Pacific/Auckland'));
    assert.equal(padded((await first.locator('.theirs').textContent())?.split(' ')[0]), hhmm(start, EXPERT_TZ));
    // German day names from Intl, and the accessible name says both times.
    const legend = await page.locator('slotguard-booking fieldset.day legend').first().textContent();
    assert.match(legend ?? '', /Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag/);
    assert.match(await first.locator('input').getAttribute('aria-label') ?? '', /for the expert/);
    // Groups follow the guest's calendar: every start in a group is on that Auckland day.
    const groups = await page.locator('slotguard-booking fieldset.day').evaluateAll((fs) =>
      fs.map((f) => [f.getAttribute('data-day'), [...f.querySelectorAll('input')].map((i) => /** @type {HTMLInputElement} */ (i).value)]));
    for (const [d, starts] of groups) for (const t of starts) assert.equal(dayIn(Date.parse(t), 'Pacific/Auckland'), d);
    await shot(page, 'far-zone-auckland');

    await page.getByLabel('Times are shown in').selectOption(EXPERT_TZ);
    await page.locator('slotguard-booking .theirs').first().waitFor({ state: 'detached' });
    const relabelled = page.locator(`slotguard-booking input[value="${start}"]`).locator('xpath=..');
    assert.equal(padded(await relabelled.locator('.mine').textContent()), hhmm(start, EXPERT_TZ));
    await shot(page, 'far-zone-switched-to-lisbon');
  });

  it('works from the keyboard: arrows move between times, Enter reserves', async () => {
    const page = await guest();
    await openWidget(page);
    const starts = await listedStarts(page);
    await slot(page, starts[0]).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    assert.equal(await slot(page, starts[1]).isChecked(), true);
    await page.getByLabel('Name').focus();
    await page.keyboard.type('Kai Keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kai@example.com');
    await page.keyboard.press('Enter');
    await page.locator('slotguard-booking #held').waitFor();
    await page.waitForURL(`${s.emulatorUrl}/pay/**`);
  });

  it('two guests race for one time: one reaches checkout, the other is told it was just taken and offered the nearest times', async () => {
    const ana = await guest();
    const ben = await guest({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await Promise.all([openWidget(ana), openWidget(ben)]);
    const overflow = await ben.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    const start = (await listedStarts(ana))[6];
    assert.ok((await listedStarts(ben)).includes(start));
    await fillGuest(ana, start, 'Ana Guest', 'ana@example.com');
    await fillGuest(ben, start, 'Ben Guest', 'ben@example.com');
    await shot(ben, 'race-ben-ready');

    await Promise.all([ana, ben].map((p) => p.getByRole('button', { name: 'Reserve and pay' }).click()));
    const outcome = async (page) => {
      await page.locator('slotguard-booking #held, slotguard-booking #notice:not([hidden])').first().waitFor();
      return (await page.locator('slotguard-booking #held').count()) > 0 ? 'won' : 'lost';
    };
    const [a, b] = await Promise.all([outcome(ana), outcome(ben)]);
    assert.deepEqual([a, b].sort(), ['lost', 'won'], `exactly one guest holds the time (ana ${a}, ben ${b})`);
    const loser = a === 'won' ? ben : ana;

    const notice = loser.getByRole('alert');
    assert.match(await notice.textContent() ?? '', /was just taken by someone else/);
    await slot(loser, start).waitFor({ state: 'detached' });
    assert.equal(await loser.evaluate(() => document.querySelector('slotguard-booking')?.shadowRoot?.activeElement?.id), 'notice', 'focus moved to the notice');
    const offers = loser.locator('slotguard-booking button.offer');
    assert.ok((await offers.count()) >= 1, 'the nearest free times are offered');
    await shot(loser, 'race-loser-just-taken');
    assert.deepEqual(await seriousViolations(loser), []);
    await offers.first().click();
    const picked = await loser.locator('slotguard-booking input[name="slot"]:checked').getAttribute('value');
    assert.ok(picked && picked !== start, 'an offered time is chosen');
    const left = await listedStarts(loser);
    const distance = (t) => Math.abs(Date.parse(t) - Date.parse(start));
    assert.ok(left.filter((t) => distance(t) < distance(picked)).length < 3, 'the offer is among the nearest free times');
  });

  it('pay on the checkout page: the return page says the booking is confirmed, with whom, and passes axe', async () => {
    const cleo = await guest();
    await openWidget(cleo);
    const start = (await listedStarts(cleo))[2];
    await fillGuest(cleo, start, 'Cleo Guest', 'cleo@example.com');
    await reserveToCheckout(cleo, 'pay');
    await shot(cleo, 'pay-checkout');
    await cleo.locator('#pay-card').click();
    await cleo.waitForURL(`${s.url}/return/**`);
    const heading = cleo.getByRole('heading', { name: 'Your booking is confirmed' });
    await assert.doesNotReject(heading.waitFor());
    assert.match(await cleo.locator('slotguard-booking-result #status-text').textContent() ?? '', /Consultation with browser-expert at .* is booked/);
    assert.equal(await cleo.evaluate(() => document.querySelector('slotguard-booking-result')?.shadowRoot?.activeElement?.id), 'result', 'focus is on the outcome');
    await shot(cleo, 'pay-confirmed');
    assert.deepEqual(await seriousViolations(cleo), []);

    const url = new URL(cleo.url());
    assert.equal(url.searchParams.get('outcome'), 'paid');
    const res = await s.call('GET', `/v1/reservations/${url.searchParams.get('reservation')}`);
    assert.equal(res.json.reservation.status, 'confirmed');
    assert.equal(res.json.reservation.start, start);
    assert.equal(res.json.reservation.guest.email, 'cleo@example.com');
  });

  it('cancel on the checkout page: the hold is released and the time is free again', async () => {
    const dan = await guest();
    const eve = await guest();
    await openWidget(dan);
    const start = (await listedStarts(dan))[4];
    await fillGuest(dan, start, 'Dan Guest', 'dan@example.com');
    await reserveToCheckout(dan, 'cancel');
    await openWidget(eve);
    assert.ok(!(await listedStarts(eve)).includes(start), 'a held time is not offered');

    await dan.locator('#cancel').click();
    await dan.waitForURL(`${s.url}/return/**`);
    await dan.getByRole('heading', { name: 'Payment cancelled' }).waitFor();
    assert.match(await dan.locator('slotguard-booking-result #status-text').textContent() ?? '', /Nothing was charged\. .* is free again\./);
    await shot(dan, 'cancel-returned');
    const id = new URL(dan.url()).searchParams.get('reservation');
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.json.reservation.status, 'released');
    assert.equal(res.json.reservation.release_reason, 'cancelled');
    await eve.reload();
    await slot(eve, start).waitFor();
  });

  it('paid in another tab, then back from Checkout by the cancel address: the booking stands', async () => {
    const refundable = `${EVENT_ID}-refundable`;
    await adminPut(s, `/v1/events/${refundable}`, {
      expert_id: EXPERT, title: 'Consultation', duration_minutes: 30, slot_step_minutes: 30,
      price: { amount: 4500, currency: 'eur' }, cancellation: { refund_before_minutes: 0, refund_percent: 100 },
    });
    const fay = await guest();
    await openWidget(fay, refundable);
    const start = (await listedStarts(fay))[1];
    await fillGuest(fay, start, 'Fay Guest', 'fay@example.com');
    await reserveToCheckout(fay, 'paid-elsewhere');
    const sessionId = new URL(fay.url()).pathname.split('/').pop();
    s.emulator.pay(sessionId);
    await s.settle();
    await fay.locator('#cancel').click();
    await fay.waitForURL(`${s.url}/return/**`);
    await assert.doesNotReject(fay.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor());
    const id = new URL(fay.url()).searchParams.get('reservation');
    assert.equal((await s.call('GET', `/v1/reservations/${id}`)).json.reservation.status, 'confirmed');
  });

  it('a day at its booking cap: the guest is told the day is full and offered times on other days', async () => {
    const hal = await guest();
    await openWidget(hal, CAPPED_ID);
    const starts = await listedStarts(hal);
    const sameDay = starts.filter((t) => dayIn(Date.parse(t), EXPERT_TZ) === day);
    // Someone else books that day first (the cap is one a day).
    await bookAndPay(s, CAPPED_ID, sameDay[0], { email: 'ivy@example.com', name: 'Ivy Guest' });
    await fillGuest(hal, sameDay[3], 'Hal Guest', 'hal@example.com');
    await hal.getByRole('button', { name: 'Reserve and pay' }).click();
    const notice = hal.getByRole('alert');
    await notice.filter({ hasText: 'is fully booked' }).waitFor();
    const offered = await hal.locator('slotguard-booking button.offer').allTextContents();
    assert.ok(offered.length >= 1, 'other days are offered');
    await hal.locator('slotguard-booking button.offer').first().click();
    const picked = await hal.locator('slotguard-booking input[name="slot"]:checked').getAttribute('value');
    assert.ok(picked && dayIn(Date.parse(picked), EXPERT_TZ) !== day, 'the offer is on another day');
    await shot(hal, 'cap-day-full');
  });

  it('shows loading and error states, and recovers with "Try again"', async () => {
    const page = await guest();
    await page.route('**/v1/events/*/slots**', (route) => route.abort());
    await page.goto(pageUrl());
    const error = page.locator('slotguard-booking #slots-error');
    await error.waitFor();
    assert.match(await error.textContent() ?? '', /could not be loaded/);
    await shot(page, 'slots-error');
    await page.unroute('**/v1/events/*/slots**');
    let release;
    const gate = new Promise((r) => (release = r));
    await page.route('**/v1/events/*/slots**', async (route) => { await gate; await route.continue(); });
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('slotguard-booking #loading').waitFor();
    assert.equal(await page.locator('slotguard-booking #slots-fieldset').getAttribute('aria-busy'), 'true');
    release();
    await page.locator('slotguard-booking input[name="slot"]').first().waitFor();
    assert.equal(await page.locator('slotguard-booking #slots-fieldset').getAttribute('aria-busy'), 'false');
  });
});
