// The booking widget beyond one slot of one expert, in Chromium against the Node host and
// the Stripe emulator (the e2e stack): an event type of a team pool is booked with "any
// available expert" and the guest is told which one the hold got; a weekly series is
// held in one go, paid at one Checkout for the total, and shown occurrence by occurrence
// on the return page; a series with one start taken holds nothing and says which start
// it was. axe-core checks each state; screenshots go to build/test-output/browser/.
//
//   node --test tests/browser/team-and-series.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DAY, adminPut, bookAndPay, dayIn, everyDay, hhmm, launchBrowser, resetShots, seriousViolations, shot, startBrowserStack,
} from './support/browser.mjs';

const ADA = 'team-ada';
const BOB = 'team-bob';
const SOLO_ID = 'team-ada-solo';
const TEAM_ID = 'team-consult';
const SERIES_EXPERT = 'series-expert';
const WEEKLY_ID = 'series-weekly';
const APPROVAL_ID = 'series-approval';
const EXPERT_TZ = 'Europe/Lisbon';

describe('team pools and series in the booking widget', () => {
  /** @type {Awaited<ReturnType<typeof startBrowserStack>>} */
  let s;
  /** @type {import('playwright-core').Browser} */
  let browser;
  let day;
  const contexts = [];

  before(async () => {
    resetShots('team-series');
    s = await startBrowserStack();
    for (const expert of [ADA, BOB, SERIES_EXPERT]) {
      await adminPut(s, `/v1/experts/${expert}/availability`, { time_zone: EXPERT_TZ, weekly: everyDay() });
    }
    const base = { duration_minutes: 30, slot_step_minutes: 30, price: { amount: 4500, currency: 'eur' } };
    await adminPut(s, `/v1/events/${SOLO_ID}`, { ...base, expert_id: ADA, title: 'Ada alone' });
    await adminPut(s, `/v1/events/${TEAM_ID}`, { ...base, expert_id: ADA, title: 'Team consultation', pool: { experts: [ADA, BOB], assign: 'round_robin' } });
    await adminPut(s, `/v1/events/${WEEKLY_ID}`, { ...base, expert_id: SERIES_EXPERT, title: 'Coaching' });
    await adminPut(s, `/v1/events/${APPROVAL_ID}`, {
      ...base, expert_id: SERIES_EXPERT, title: 'Coaching on approval', payment_method_types: ['card'], approval: { required: true, respond_within_minutes: 1440 },
    });
    browser = await launchBrowser();
    // Two days ahead: a whole day of free times whatever the hour of the run.
    day = dayIn(s.now() + 2 * DAY, EXPERT_TZ);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await s?.stop();
  });

  async function guest(options = {}) {
    const context = await browser.newContext({ timezoneId: EXPERT_TZ, locale: 'en-GB', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function openWidget(page, event) {
    await page.goto(`${s.url}/?event=${event}&day=${day}&expert_tz=${EXPERT_TZ}`);
    await page.locator('slotguard-booking input[name="slot"]').first().waitFor();
  }

  const listedStarts = (page) => page.locator('slotguard-booking input[name="slot"]').evaluateAll((inputs) => inputs.map((i) => /** @type {HTMLInputElement} */ (i).value));
  const slot = (page, start) => page.locator(`slotguard-booking input[name="slot"][value="${start}"]`);

  async function fillGuest(page, start, name, email) {
    await slot(page, start).check();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('E-mail').fill(email);
  }

  /** Ticks "every week" and sets the count; answers the starts the summary lists. */
  async function weekly(page, count) {
    await page.getByLabel('Every week, as a series').check();
    await page.getByLabel('How many appointments').fill(String(count));
    const items = page.locator('slotguard-booking #series-list li');
    await items.nth(count - 1).waitFor();
    assert.equal(await items.count(), count);
    return items.evaluateAll((li) => li.map((x) => /** @type {HTMLElement} */ (x).dataset.start));
  }

  const heldText = async (page) => {
    const held = page.locator('slotguard-booking #held');
    await held.waitFor();
    return (await held.textContent()) ?? '';
  };

  it('a team pool\'s event says "any available expert", offers no series, and the hold names the expert who was free', async () => {
    const gus = await guest();
    await openWidget(gus, TEAM_ID);
    const choice = gus.locator('slotguard-booking label.choice').filter({ hasText: 'Team consultation' });
    assert.match(await choice.textContent() ?? '', /any available expert/);
    const note = gus.locator('slotguard-booking #pool-note');
    assert.match(await note.textContent() ?? '', /You book any available expert of a team of 2/);
    assert.equal(await gus.locator('slotguard-booking #slots-fieldset').getAttribute('aria-describedby'), 'week-label pool-note');
    assert.equal(await gus.locator('slotguard-booking #repeat-fieldset').isHidden(), true, 'a pool takes no series');
    await shot(gus, 'team-week');
    assert.deepEqual(await seriousViolations(gus), []);

    // Ada is booked at that time on her own event type: the pool can only give Bob, and
    // the time is still offered because Bob is free.
    const start = (await listedStarts(gus))[3];
    await bookAndPay(s, SOLO_ID, start, { email: 'ida@example.com', name: 'Ida Guest' });
    await gus.reload();
    await slot(gus, start).waitFor();
    await fillGuest(gus, start, 'Gus Guest', 'gus@example.com');
    await gus.getByRole('button', { name: 'Reserve and pay' }).click();
    const text = await heldText(gus);
    assert.match(text, /is held for you until \d{1,2}:\d\d \(in \d+ minutes\) with team-bob, the expert of the team who is free then\./);
    await shot(gus, 'team-held');
    await gus.waitForURL(`${s.emulatorUrl}/pay/**`);
    await gus.locator('#pay-card').click();
    await gus.waitForURL(`${s.url}/return/**`);
    await gus.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();
    assert.match(await gus.locator('slotguard-booking-result #status-text').textContent() ?? '', /Team consultation with team-bob at/);
    assert.match(await gus.locator('slotguard-booking-result #details').textContent() ?? '', /Withteam-bob/);
    const id = new URL(gus.url()).searchParams.get('reservation');
    const r = (await s.call('GET', `/v1/reservations/${id}`)).json.reservation;
    assert.equal(r.expert_id, BOB);
    assert.equal(r.status, 'confirmed');
    await shot(gus, 'team-confirmed');
    assert.deepEqual(await seriousViolations(gus), []);
  });

  it('an event type that needs approval offers no series; a plain one does', async () => {
    const page = await guest();
    await openWidget(page, `${APPROVAL_ID},${WEEKLY_ID}`);
    assert.equal(await page.locator('slotguard-booking #repeat-fieldset').isHidden(), true);
    await page.locator(`slotguard-booking input[name="event"][value="${WEEKLY_ID}"]`).check();
    await page.locator('slotguard-booking #repeat-fieldset').waitFor();
    assert.equal(await page.getByLabel('Once').isChecked(), true, 'once is the default');
  });

  it('a weekly series: the guest sees the dates and the total, pays once, and the return page lists every occurrence', async () => {
    const kim = await guest();
    await openWidget(kim, WEEKLY_ID);
    const start = (await listedStarts(kim))[2];
    await fillGuest(kim, start, 'Kim Guest', 'kim@example.com');
    const starts = await weekly(kim, 3);
    assert.equal(starts[0], start);
    for (let i = 1; i < starts.length; i++) {
      assert.equal(hhmm(starts[i], EXPERT_TZ), hhmm(start, EXPERT_TZ), 'the same time of the expert\'s day');
      const gap = (Date.parse(`${dayIn(Date.parse(starts[i]), EXPERT_TZ)}T00:00:00Z`) - Date.parse(`${dayIn(Date.parse(starts[i - 1]), EXPERT_TZ)}T00:00:00Z`)) / DAY;
      assert.equal(gap, 7, 'a week apart');
    }
    assert.match(await kim.locator('slotguard-booking #series-total').textContent() ?? '',
      /^3 appointments, €135\.00 in all \(3 × €45\.00\), paid at one checkout:$/);
    await shot(kim, 'series-chosen');
    assert.deepEqual(await seriousViolations(kim), []);

    await kim.getByRole('button', { name: 'Reserve and pay' }).click();
    assert.match(await heldText(kim), /^Your 3 weekly appointments with series-expert, the first at .*, are held for you until \d{1,2}:\d\d \(in \d+ minutes\)\. Taking you to payment…$/);
    await kim.waitForURL(`${s.emulatorUrl}/pay/**`);
    assert.equal((await kim.locator('#amount').textContent())?.trim(), '135.00 EUR', 'one checkout for the total');
    await shot(kim, 'series-checkout');
    await kim.locator('#pay-card').click();
    await kim.waitForURL(`${s.url}/return/**`);
    await kim.getByRole('heading', { name: 'Your 3 bookings are confirmed' }).waitFor();
    assert.match(await kim.locator('slotguard-booking-result #status-text').textContent() ?? '', /Coaching with series-expert: all 3 appointments from .* are booked/);
    const occurrences = kim.locator('slotguard-booking-result #occurrences li');
    assert.equal(await occurrences.count(), 3);
    assert.deepEqual(await occurrences.evaluateAll((li) => li.map((x) => /** @type {HTMLElement} */ (x).dataset.status)), ['confirmed', 'confirmed', 'confirmed']);
    await shot(kim, 'series-confirmed');
    assert.deepEqual(await seriousViolations(kim), []);

    const lead = (await s.call('GET', `/v1/reservations/${new URL(kim.url()).searchParams.get('reservation')}`)).json.reservation;
    assert.equal(lead.series.length, 3);
    const all = await Promise.all(lead.series.map(async (id) => (await s.call('GET', `/v1/reservations/${id}`)).json.reservation));
    assert.deepEqual(all.map((r) => r.start), starts);
    assert.deepEqual(all.map((r) => r.status), ['confirmed', 'confirmed', 'confirmed']);
  });

  it('a series whose second start is taken holds nothing and says which appointment it was', async () => {
    const jo = await guest();
    await openWidget(jo, WEEKLY_ID);
    const start = (await listedStarts(jo))[5];
    await fillGuest(jo, start, 'Jo Guest', 'jo@example.com');
    const starts = await weekly(jo, 3);
    // Someone else books the second week's time first.
    await bookAndPay(s, WEEKLY_ID, starts[1], { email: 'lee@example.com', name: 'Lee Guest' });
    await jo.getByRole('button', { name: 'Reserve and pay' }).click();
    const notice = jo.getByRole('alert');
    await notice.filter({ hasText: 'appointment 2 of 3' }).waitFor();
    assert.match(await notice.textContent() ?? '',
      /^Sorry, nothing was held: appointment 2 of 3, .* is already taken\. Please choose another time, or fewer appointments\.$/);
    assert.equal(await jo.evaluate(() => document.querySelector('slotguard-booking')?.shadowRoot?.activeElement?.id), 'notice', 'focus moved to the notice');
    const taken = jo.locator('slotguard-booking #series-list li.taken');
    assert.equal(await taken.count(), 1);
    assert.equal(await taken.getAttribute('data-start'), starts[1]);
    assert.match(await taken.textContent() ?? '', /\(taken\)/);
    assert.equal(new URL(jo.url()).origin, s.url, 'still on the booking page');
    await shot(jo, 'series-refused');
    assert.deepEqual(await seriousViolations(jo), []);

    // Nothing of the series was held: Jo has no reservation, and the first time is still free.
    const list = await s.call('GET', `/v1/reservations?expert_id=${SERIES_EXPERT}&from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 30 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'))}`, { headers: s.admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.reservations.filter((r) => r.guest.email === 'jo@example.com'), []);
    assert.equal(await slot(jo, start).isChecked(), true, 'the chosen time is still offered and chosen');

    // Once instead of weekly: the same first time is held.
    await jo.getByLabel('Once').check();
    await jo.getByRole('button', { name: 'Reserve and pay' }).click();
    assert.match(await heldText(jo), /with series-expert is held for you until/);
  });

  it('a series cancelled at checkout frees every occurrence, and the return page says so', async () => {
    const max = await guest();
    await openWidget(max, WEEKLY_ID);
    const start = (await listedStarts(max))[8];
    await fillGuest(max, start, 'Max Guest', 'max@example.com');
    await weekly(max, 2);
    await max.getByRole('button', { name: 'Reserve and pay' }).click();
    await heldText(max);
    await max.waitForURL(`${s.emulatorUrl}/pay/**`);
    await max.locator('#cancel').click();
    await max.waitForURL(`${s.url}/return/**`);
    await max.getByRole('heading', { name: 'Payment cancelled' }).waitFor();
    assert.match(await max.locator('slotguard-booking-result #status-text').textContent() ?? '', /^Nothing was charged\. The 2 appointments from .* are free again\.$/);
    const occurrences = max.locator('slotguard-booking-result #occurrences li');
    assert.deepEqual(await occurrences.evaluateAll((li) => li.map((x) => /** @type {HTMLElement} */ (x).dataset.status)), ['released', 'released']);
    await shot(max, 'series-cancelled');
    assert.deepEqual(await seriousViolations(max), []);
  });
});
