// The booking page (examples/booking-page) in a real browser: Debian's Chromium driven
// by playwright-core, against the Node host serving the page and the Stripe emulator
// serving its hosted checkout page and delivering signed webhooks (the e2e stack).
// What a guest sees is checked through labels and roles, as assistive technology
// would find it, and every step leaves a screenshot in build/test-output/browser/.
//
//   node --test tests/browser/
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { putConsultation } from '../e2e/support/stack.mjs';
import { DAY, dayIn, launchBrowser, resetShots, shot, startBrowserStack } from './support/browser.mjs';

const EXPERT = 'browser-expert';
const EVENT_ID = 'browser-consult';
const TIME_ZONE = 'Europe/Lisbon';

describe('booking page in Chromium', () => {
  /** @type {Awaited<ReturnType<typeof startBrowserStack>>} */
  let s;
  /** @type {import('playwright-core').Browser} */
  let browser;
  let pageUrl;
  const contexts = [];

  before(async () => {
    resetShots();
    s = await startBrowserStack();
    await putConsultation(s, EVENT_ID, EXPERT, 4500);
    browser = await launchBrowser();
    // Two days ahead: a whole day of free times whatever the hour of the run.
    const day = dayIn(s.now() + 2 * DAY, TIME_ZONE);
    // The expert and its event come from the query, as a link to the page would carry
    // them; `events=` is the fallback for a core that cannot list an expert's events.
    pageUrl = `${s.url}/?expert=${EXPERT}&events=${EVENT_ID}&day=${day}`;
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await s?.stop();
  });

  /** A guest: a browser context of its own (own cookies and sessionStorage). */
  async function guest(options = {}) {
    const context = await browser.newContext({ timezoneId: TIME_ZONE, locale: 'en-GB', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function openBookingPage(page) {
    await page.goto(pageUrl);
    await page.getByRole('radio', { name: /Consultation/ }).waitFor();
    await page.locator('#slots input[name="slot"]').first().waitFor();
  }

  /** The free starts the page lists, in order. */
  const listedStarts = (page) => page.locator('#slots input[name="slot"]').evaluateAll((inputs) => inputs.map((i) => i.value));

  async function fillGuest(page, start, name, email) {
    await page.locator(`#slots input[value="${start}"]`).check();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('E-mail').fill(email);
  }

  /** Reserve, see how long the hold lasts, arrive on the emulator's checkout page. */
  async function reserveToCheckout(page, label) {
    await page.getByRole('button', { name: 'Reserve and pay' }).click();
    const held = page.locator('#held');
    await held.waitFor();
    assert.match(await held.textContent(), /is held for you until \d\d:\d\d \(\d+ minutes\)/);
    await shot(page, `${label}-held`);
    await page.waitForURL(`${s.emulatorUrl}/pay/**`);
    await page.locator('#amount').waitFor();
    await shot(page, `${label}-checkout`);
  }

  it('two guests race for one time: one reaches checkout, the other is told it was just taken', async () => {
    const ana = await guest();
    // The second guest is on a phone: the page must fit its width.
    const ben = await guest({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await Promise.all([openBookingPage(ana), openBookingPage(ben)]);
    const overflow = await ben.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);

    const [start] = await listedStarts(ana);
    assert.ok((await listedStarts(ben)).includes(start));
    await fillGuest(ana, start, 'Ana Guest', 'ana@example.com');
    await fillGuest(ben, start, 'Ben Guest', 'ben@example.com');
    await shot(ana, 'race-ana-ready');
    await shot(ben, 'race-ben-ready');

    await Promise.all([ana, ben].map((p) => p.getByRole('button', { name: 'Reserve and pay' }).click()));
    // Each guest sees either the hold or the "just taken" notice.
    const outcome = async (page) => {
      await page.locator('#held, #slots-message:not([hidden])').first().waitFor();
      return (await page.locator('#held').count()) > 0 ? 'won' : 'lost';
    };
    const [a, b] = await Promise.all([outcome(ana), outcome(ben)]);
    assert.deepEqual([a, b].sort(), ['lost', 'won'], `exactly one guest holds the time (ana ${a}, ben ${b})`);
    const winner = a === 'won' ? ana : ben;
    const loser = a === 'won' ? ben : ana;

    const notice = loser.getByRole('alert');
    assert.match(await notice.textContent(), /was just taken by someone else/);
    // The refreshed list no longer offers the time, but still offers others.
    await loser.locator(`#slots input[value="${start}"]`).waitFor({ state: 'detached' });
    const left = await listedStarts(loser);
    assert.ok(!left.includes(start) && left.length > 0, 'the list was refreshed without the taken time');
    assert.equal(await loser.evaluate(() => document.activeElement?.id), 'slots-message', 'focus moved to the notice');
    await shot(loser, 'race-loser-just-taken');

    await winner.waitForURL(`${s.emulatorUrl}/pay/**`);
    await winner.locator('#pay-card').waitFor();
    await shot(winner, 'race-winner-checkout');
  });

  it('pay on the checkout page: the return page says the booking is confirmed', async () => {
    const cleo = await guest();
    await openBookingPage(cleo);
    const starts = await listedStarts(cleo);
    const start = starts[2];
    await fillGuest(cleo, start, 'Cleo Guest', 'cleo@example.com');
    await reserveToCheckout(cleo, 'pay');

    await cleo.locator('#pay-card').click();
    await cleo.waitForURL(`${s.url}/return/**`);
    const heading = cleo.getByRole('heading', { level: 1 });
    await assert.doesNotReject(heading.filter({ hasText: 'Your booking is confirmed' }).waitFor());
    assert.match(await cleo.locator('#status-text').textContent(), /Consultation on .* is booked/);
    assert.equal(await cleo.evaluate(() => document.activeElement?.id), 'result', 'focus is on the outcome');
    await shot(cleo, 'pay-confirmed');

    // The API agrees, under the id the page kept in its address.
    const id = new URL(cleo.url()).searchParams.get('reservation');
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.json.reservation.status, 'confirmed');
    assert.equal(res.json.reservation.start, start);
    assert.equal(res.json.reservation.guest.email, 'cleo@example.com');
  });

  it('cancel on the checkout page: the time is free again on the booking page', async () => {
    const dan = await guest();
    const eve = await guest();
    await openBookingPage(dan);
    const start = (await listedStarts(dan))[4];
    await fillGuest(dan, start, 'Dan Guest', 'dan@example.com');
    await reserveToCheckout(dan, 'cancel');

    // While Dan holds it, nobody else is offered the time.
    await openBookingPage(eve);
    assert.ok(!(await listedStarts(eve)).includes(start), 'a held time is not offered');

    await dan.locator('#cancel').click();
    await dan.waitForURL(`${s.url}/return/**`);
    await dan.getByRole('heading', { name: 'Payment cancelled' }).waitFor();
    assert.match(await dan.locator('#status-text').textContent(), /Nothing was charged\. .* is free again\./);
    await shot(dan, 'cancel-returned');
    const id = new URL(dan.url()).searchParams.get('reservation');
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.json.reservation.status, 'released');
    assert.equal(res.json.reservation.release_reason, 'cancelled');

    await dan.getByRole('link', { name: 'Choose another time' }).click();
    await dan.locator(`#slots input[value="${start}"]`).waitFor();
    await shot(dan, 'cancel-free-again');
    await eve.reload();
    await eve.locator(`#slots input[value="${start}"]`).waitFor();
  });
  it('paid in another tab, then back from Checkout: the booking stands and the page says it is confirmed', async () => {
    // Under a refunding cancellation policy, the return page's "cancelled" address used
    // to cancel the paid booking and tell the guest nothing was charged.
    const refundable = `${EVENT_ID}-refundable`;
    const put = await s.call('PUT', `/v1/events/${refundable}`, {
      headers: s.admin,
      body: {
        expert_id: EXPERT,
        title: 'Consultation',
        duration_minutes: 30,
        slot_step_minutes: 30,
        price: { amount: 4500, currency: 'eur' },
        cancellation: { refund_before_minutes: 0, refund_percent: 100 },
      },
    });
    assert.equal(put.status, 201, put.text);
    const fay = await guest();
    await fay.goto(`${s.url}/?expert=${EXPERT}&events=${EVENT_ID},${refundable}&event=${refundable}&day=${dayIn(s.now() + 3 * DAY, TIME_ZONE)}`);
    await fay.locator('#slots input[name="slot"]').first().waitFor();
    const start = (await listedStarts(fay))[1];
    await fillGuest(fay, start, 'Fay Guest', 'fay@example.com');
    await reserveToCheckout(fay, 'paid-elsewhere');

    // The same session is paid elsewhere (another tab) while this one still shows it.
    const sessionId = new URL(fay.url()).pathname.split('/').pop();
    s.emulator.pay(sessionId);
    await s.settle();
    await fay.locator('#cancel').click();
    await fay.waitForURL(`${s.url}/return/**`);
    await assert.doesNotReject(fay.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor());
    assert.doesNotMatch(await fay.locator('#status').textContent(), /Nothing was charged/);
    await shot(fay, 'paid-elsewhere-returned');
    const id = new URL(fay.url()).searchParams.get('reservation');
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.json.reservation.event_id, refundable);
    assert.equal(res.json.reservation.status, 'confirmed');
  });

  it('a booking its expert approves first: after paying, the page says it awaits approval and nothing is charged yet', async () => {
    const vetted = `${EVENT_ID}-vetted`;
    const put = await s.call('PUT', `/v1/events/${vetted}`, {
      headers: s.admin,
      body: {
        expert_id: EXPERT,
        title: 'Consultation',
        duration_minutes: 30,
        slot_step_minutes: 30,
        price: { amount: 4500, currency: 'eur' },
        payment_method_types: ['card'],
        approval: { required: true, respond_within_minutes: 240 },
      },
    });
    assert.equal(put.status, 201, put.text);
    const gil = await guest();
    await gil.goto(`${s.url}/?expert=${EXPERT}&events=${EVENT_ID},${vetted}&event=${vetted}&day=${dayIn(s.now() + 4 * DAY, TIME_ZONE)}`);
    await gil.locator('#slots input[name="slot"]').first().waitFor();
    const start = (await listedStarts(gil))[0];
    await fillGuest(gil, start, 'Gil Guest', 'gil@example.com');
    await reserveToCheckout(gil, 'approval');
    await gil.locator('#pay-card').click();
    await gil.waitForURL(`${s.url}/return/**`);
    await assert.doesNotReject(gil.getByRole('heading', { name: 'Waiting for the expert to approve' }).waitFor());
    assert.match(await gil.locator('#status-text').textContent(), /authorized, not charged/);
    await shot(gil, 'approval-awaiting');
    const id = new URL(gil.url()).searchParams.get('reservation');
    const res = await s.call('GET', `/v1/reservations/${id}`);
    assert.equal(res.json.reservation.status, 'awaiting_approval');
    assert.equal(s.emulator.state.paymentIntents.get(res.json.reservation.payment_intent_id)?.status, 'requires_capture');
  });
});
