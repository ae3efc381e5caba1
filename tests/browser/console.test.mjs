// The expert's console (examples/booking-page/console/) in Chromium against the Node host
// and the Stripe emulator: a wrong token, the week's bookings with their status, busy
// blocks added and removed, working hours and a date override saved, a booking cancelled
// with the refund shown before confirming, the event types listed; every change checked
// through the API, screenshots in build/test-output/browser/, axe-core on each view.
//
//   node --test tests/browser/console.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN } from '../e2e/support/stack.mjs';
import {
  DAY, adminPut, bookAndPay, dayIn, everyDay, launchBrowser, resetShots, seriousViolations, shot, startBrowserStack,
} from './support/browser.mjs';

const EXPERT = 'console-expert';
const EVENT_ID = 'console-consult';
const TZ = 'Europe/Lisbon';

describe("expert's console in Chromium", () => {
  /** @type {Awaited<ReturnType<typeof startBrowserStack>>} */
  let s;
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  let confirmed;
  let pending;

  /** Starts of the event's free times on `day` (Lisbon). */
  async function freeStarts(dayOffset) {
    const d = dayIn(s.now() + dayOffset * DAY, TZ);
    const res = await s.call('GET', `/v1/events/${EVENT_ID}/slots?from=${d}T00:00:00Z&to=${d}T23:00:00Z`);
    return res.json.slots.filter((x) => x.available).map((x) => x.start);
  }

  before(async () => {
    resetShots('console');
    s = await startBrowserStack();
    await adminPut(s, `/v1/experts/${EXPERT}/availability`, { time_zone: TZ, weekly: everyDay(), limits: { per_week: 40 } });
    await adminPut(s, `/v1/events/${EVENT_ID}`, {
      expert_id: EXPERT, title: 'Physio consultation', duration_minutes: 30, slot_step_minutes: 30,
      price: { amount: 6000, currency: 'eur' },
      cancellation: { tiers: [{ before_minutes: 1440, refund_percent: 100 }, { before_minutes: 60, refund_percent: 50 }] },
    });
    await adminPut(s, `/v1/events/${EVENT_ID}-long`, {
      expert_id: EXPERT, title: 'Long session', duration_minutes: 60, slot_step_minutes: 30,
      price: { amount: 9000, currency: 'eur' }, limits: { per_day: 2 },
    });
    // Tomorrow's bookings: one paid, one still at checkout (the console shows the week they fall in).
    const starts = await freeStarts(1);
    confirmed = await bookAndPay(s, EVENT_ID, starts[2], { email: 'paid@example.com', name: 'Paula Paid' });
    const held = await s.call('POST', '/v1/reservations', { body: { event_id: EVENT_ID, start: starts[5], guest: { email: 'hold@example.com', name: 'Hugo Holding' } } });
    assert.equal(held.status, 201, held.text);
    pending = held.json.reservation;
    browser = await launchBrowser();
    const context = await browser.newContext({ timezoneId: TZ, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  /** Signs in, and lands on the week that holds tomorrow. */
  async function signIn(token) {
    await page.goto(`${s.url}/console`);
    await page.getByLabel('Expert', { exact: true }).fill(EXPERT);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function showWeekOf(iso) {
    const want = dayIn(Date.parse(iso), TZ);
    for (let i = 0; i < 3; i++) {
      if ((await page.locator(`section.day[data-day="${want}"]`).count()) > 0) return;
      await page.getByRole('button', { name: 'Next week' }).click();
      await page.locator('#calendar[aria-busy="false"]').waitFor();
    }
    throw new Error(`the calendar never showed ${want}`);
  }

  it('a wrong token is refused at sign-in, and passes axe', async () => {
    await signIn('not-the-admin-token-at-all');
    const error = page.getByRole('alert').filter({ hasText: 'not accepted' });
    await error.waitFor();
    assert.equal(await page.locator('#app').isHidden(), true, 'nothing behind the sign-in is shown');
    await shot(page, 'wrong-token');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it("signs in with the admin token, kept out of storage and the address, and shows the week's bookings with their status", async () => {
    await signIn(ADMIN_TOKEN);
    await page.locator('#app-title').waitFor();
    await page.locator('#calendar[aria-busy="false"]').waitFor();
    await showWeekOf(confirmed.start);
    assert.equal(await page.getByLabel('Admin token').inputValue(), '', 'the field is emptied');
    const kept = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, location.href]));
    assert.ok(!kept.includes(ADMIN_TOKEN), 'the token is in no storage, cookie or address');
    const paid = page.locator(`li[data-reservation="${confirmed.id}"]`);
    const held = page.locator(`li[data-reservation="${pending.id}"]`);
    assert.match(await paid.textContent() ?? '', /Paula Paid.*confirmed/);
    assert.match(await held.textContent() ?? '', /Hugo Holding.*awaiting payment/);
    await shot(page, 'week');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('lists the event types with their rules', async () => {
    const rows = page.locator('#events tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    assert.match(await page.locator(`tr[data-event="${EVENT_ID}"]`).textContent() ?? '', /Physio consultation.*30 min.*60\.00.*100 % up to 24 h before/);
    assert.match(await page.locator(`tr[data-event="${EVENT_ID}-long"]`).textContent() ?? '', /at most 2 a day/);
  });

  it('adds a busy block and removes it', async () => {
    const day = dayIn(Date.parse(confirmed.start), TZ);
    await page.getByLabel('Day', { exact: true }).fill(day);
    await page.getByLabel('From', { exact: true }).fill('15:00');
    await page.getByLabel('To', { exact: true }).fill('16:30');
    await page.getByRole('button', { name: 'Add busy block' }).click();
    const block = page.locator(`section.day[data-day="${day}"] li.busy`);
    await block.waitFor();
    assert.match(await block.textContent() ?? '', /15:00–16:30/);
    const from = `${day}T00:00:00Z`;
    const to = new Date(Date.parse(from) + DAY).toISOString().replace('.000Z', 'Z');
    let listed = (await s.call('GET', `/v1/experts/${EXPERT}/busy?from=${from}&to=${to}`, { headers: s.admin })).json.busy;
    assert.equal(listed.length, 1);
    assert.equal(dayIn(Date.parse(listed[0].start), TZ), day);
    await shot(page, 'busy-added');

    await block.getByRole('button', { name: /Remove busy block 15:00–16:30/ }).click();
    await block.waitFor({ state: 'detached' });
    listed = (await s.call('GET', `/v1/experts/${EXPERT}/busy?from=${from}&to=${to}`, { headers: s.admin })).json.busy;
    assert.deepEqual(listed, []);
  });

  it('edits working hours and adds a date override (a day off), saved through the API', async () => {
    const monday = page.locator('[data-weekday="mon"]');
    // Monday: drop the afternoon, start later in the morning.
    await monday.getByRole('button', { name: 'Remove Monday interval 2' }).click();
    await monday.getByLabel('Monday: interval 1 from').fill('10:00');
    // Sunday: closed.
    const sunday = page.locator('[data-weekday="sun"]');
    await sunday.getByRole('button', { name: 'Remove Sunday interval 2' }).click();
    await sunday.getByRole('button', { name: 'Remove Sunday interval 1' }).click();
    const dayOff = dayIn(s.now() + 10 * DAY, TZ);
    await page.getByRole('button', { name: 'Add a date' }).click();
    await page.locator('.override').last().getByLabel('Date').fill(dayOff);
    await shot(page, 'hours-edited');
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: 'Save working hours' }).click();
    await page.getByRole('status').filter({ hasText: 'Working hours saved.' }).waitFor();

    const { availability } = (await s.call('GET', `/v1/experts/${EXPERT}/availability`, { headers: s.admin })).json;
    assert.deepEqual(availability.weekly.mon, [['10:00', '12:30']]);
    assert.deepEqual(availability.weekly.sun ?? [], []);
    assert.deepEqual(availability.weekly.tue, [['09:00', '12:30'], ['13:30', '17:00']]);
    assert.deepEqual(availability.overrides, [{ date: dayOff, intervals: [] }]);
    assert.deepEqual(availability.limits, { per_week: 40 }, 'the caps are kept');
    assert.equal(availability.time_zone, TZ);
    // The day off offers nothing now.
    const off = await s.call('GET', `/v1/events/${EVENT_ID}/slots?from=${dayOff}T00:00:00Z&to=${dayOff}T23:00:00Z`);
    assert.deepEqual(off.json.slots.filter((x) => x.available), []);
  });

  it('cancels a paid booking, showing the refund its terms give before confirming', async () => {
    await page.locator(`li[data-reservation="${confirmed.id}"] button`).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Tomorrow is less than 24 h but more than 1 h ahead or more than 24 h: either tier, computed as the core does.
    const ahead = Date.parse(confirmed.start) - s.now();
    const expected = ahead >= DAY ? /refunds €60\.00 \(100 %/ : /refunds €30\.00 \(50 %/;
    assert.match(await page.locator('#refund-preview').textContent() ?? '', expected);
    await shot(page, 'cancel-preview');
    assert.deepEqual(await seriousViolations(page), []);
    // "Keep booking" changes nothing.
    await dialog.getByRole('button', { name: 'Keep booking' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await s.call('GET', `/v1/reservations/${confirmed.id}`)).json.reservation.status, 'confirmed');

    await page.locator(`li[data-reservation="${confirmed.id}"] button`).click();
    await dialog.getByRole('button', { name: /Cancel and refund/ }).click();
    await page.getByRole('status').filter({ hasText: 'was cancelled' }).waitFor();
    await s.settle();
    const r = (await s.call('GET', `/v1/reservations/${confirmed.id}`)).json.reservation;
    assert.equal(r.status, 'refunded');
    assert.equal(r.refund.amount, ahead >= DAY ? 6000 : 3000);
    await page.locator(`li[data-reservation="${confirmed.id}"]`).filter({ hasText: 'refunded' }).waitFor();
    await shot(page, 'cancelled');
  });

  it('releases a hold that is still at checkout: nothing was paid', async () => {
    await page.locator(`li[data-reservation="${pending.id}"] button`).click();
    assert.match(await page.locator('#refund-preview').textContent() ?? '', /Nothing has been paid/);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel booking' }).click();
    await page.locator(`li[data-reservation="${pending.id}"]`).filter({ hasText: 'released' }).waitFor();
    assert.equal((await s.call('GET', `/v1/reservations/${pending.id}`)).json.reservation.status, 'released');
  });

  it('signing out forgets the token and what was shown', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    assert.equal(await page.locator('#app').isHidden(), true);
    assert.equal(await page.evaluate(() => document.body.textContent?.includes('Paula Paid')), false, 'what was shown is gone');
  });
});
