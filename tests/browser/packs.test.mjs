// Prepaid packs in the booking widget, in Chromium against the Node host and the Stripe
// emulator (the e2e stack): the guest buys a pack on the booking page through the
// emulator's Checkout page, comes back to the return page (?pack=...) that shows its
// credits and until when, and books a time "with a credit": confirmed at once, with no
// Checkout. The page remembers the pack for the event type, takes a pasted code, and
// says clearly when the pack has no credit left; a pack's checkout cancelled says
// nothing was charged. axe-core checks each state; screenshots go to
// build/test-output/browser/.
//
//   node --test tests/browser/packs.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY, adminPut, dayIn, everyDay, launchBrowser, resetShots, seriousViolations, shot, startBrowserStack } from './support/browser.mjs';

const EXPERT = 'packs-expert';
const EVENT_ID = 'packs-coaching';
const PLAIN_ID = 'packs-plain';
const EXPERT_TZ = 'Europe/Lisbon';

describe('prepaid packs in the booking widget', () => {
  /** @type {Awaited<ReturnType<typeof startBrowserStack>>} */
  let s;
  /** @type {import('playwright-core').Browser} */
  let browser;
  let day;
  const contexts = [];

  before(async () => {
    resetShots('packs');
    s = await startBrowserStack();
    await adminPut(s, `/v1/experts/${EXPERT}/availability`, { time_zone: EXPERT_TZ, weekly: everyDay() });
    const base = { expert_id: EXPERT, duration_minutes: 30, slot_step_minutes: 30, price: { amount: 5000, currency: 'eur' } };
    await adminPut(s, `/v1/events/${EVENT_ID}`, {
      ...base,
      title: 'Coaching',
      cancellation: { tiers: [{ before_minutes: 1440, refund_percent: 100 }] },
      packs: [
        { sessions: 2, price: { amount: 9000, currency: 'eur' }, valid_days: 60 },
        { sessions: 5, price: { amount: 20000, currency: 'eur' }, valid_days: 180 },
      ],
    });
    await adminPut(s, `/v1/events/${PLAIN_ID}`, { ...base, title: 'Single session' });
    browser = await launchBrowser();
    day = dayIn(s.now() + 2 * DAY, EXPERT_TZ);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await s?.stop();
  });

  async function guest() {
    const context = await browser.newContext({ timezoneId: EXPERT_TZ, locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function openWidget(page, event = EVENT_ID) {
    await page.goto(`${s.url}/?event=${event}&day=${day}&expert_tz=${EXPERT_TZ}`);
    await page.locator('slotguard-booking input[name="slot"]').first().waitFor();
  }

  const listedStarts = (page) => page.locator('slotguard-booking input[name="slot"]').evaluateAll((inputs) => inputs.map((i) => /** @type {HTMLInputElement} */ (i).value));
  const text = async (locator) => ((await locator.textContent()) ?? '').trim();
  const packOf = async (id) => (await s.call('GET', `/v1/packs/${id}`)).json.pack;

  /** A pack bought and paid through the API (the emulator pays it): its id. */
  async function paidPack(email, sessions = 2) {
    const res = await s.call('POST', '/v1/packs', { body: { event_id: EVENT_ID, sessions, guest: { email, name: 'Pat Guest' } } });
    assert.equal(res.status, 201, res.text);
    const session = [...s.emulator.state.sessions.values()].find((x) => x.metadata?.pack_id === res.json.pack.id);
    s.emulator.pay(session.id, { method: 'card' });
    await s.settle();
    assert.equal((await packOf(res.json.pack.id)).status, 'active');
    return res.json.pack.id;
  }

  /** A booking with a credit made behind the page's back (another tab, another device). */
  async function spendCredit(pack, email, start) {
    const res = await s.call('POST', '/v1/reservations', { body: { event_id: EVENT_ID, start, guest: { email, name: 'Pat Guest' }, pack_id: pack } });
    assert.equal(res.status, 201, res.text);
  }

  it('an event type that sells no packs shows neither the offers nor the code field', async () => {
    const page = await guest();
    await openWidget(page, PLAIN_ID);
    assert.equal(await page.locator('slotguard-booking #buy-fieldset').isHidden(), true);
    assert.equal(await page.locator('slotguard-booking #code-fieldset').isHidden(), true);
    assert.equal(await page.locator('slotguard-booking #pay-fieldset').isHidden(), true);
  });

  it('buys a pack through Checkout, comes back to its credits, and books a time with a credit at once', async () => {
    const ana = await guest();
    await openWidget(ana);
    const offers = ana.locator('slotguard-booking #pack-offers label.choice');
    assert.deepEqual(await offers.evaluateAll((l) => l.map((x) => x.textContent)), [
      '2 sessions for €90.00€45.00 a session · usable for 60 days from payment',
      '5 sessions for €200.00€40.00 a session · usable for 180 days from payment',
    ]);
    assert.match(await text(ana.locator('slotguard-booking #buy-intro')), /^Pay once for several sessions of Coaching, then book each with a credit/);
    assert.equal(await ana.locator('slotguard-booking #pay-fieldset').isHidden(), true, 'no pack yet');
    await shot(ana, 'offers');
    assert.deepEqual(await seriousViolations(ana), []);

    // Buying needs the guest's name and e-mail: the pack is theirs.
    await ana.getByRole('button', { name: 'Buy 2 sessions and pay' }).click();
    assert.match(await text(ana.locator('slotguard-booking #buy-status')), /Please fill in your name and e-mail above first/);
    await ana.getByLabel('Name').fill('Ana Guest');
    await ana.getByLabel('E-mail').fill('ana@example.com');
    await ana.getByLabel('5 sessions for €200.00').check();
    await ana.getByLabel('2 sessions for €90.00').check();
    await ana.getByRole('button', { name: 'Buy 2 sessions and pay' }).click();
    assert.match(await text(ana.locator('slotguard-booking #pack-bought')),
      /^Your pack of 2 sessions \(€90\.00\) is waiting for payment; its code is pak_\S+\. Taking you to payment…$/);
    await ana.waitForURL(`${s.emulatorUrl}/pay/**`);
    assert.equal(await text(ana.locator('#amount')), '90.00 EUR', 'the pack\'s price');
    await shot(ana, 'checkout');
    await ana.locator('#pay-card').click();

    await ana.waitForURL(`${s.url}/return/?pack=**`);
    const packId = new URL(ana.url()).searchParams.get('pack');
    assert.equal(new URL(ana.url()).searchParams.get('outcome'), 'paid');
    await ana.getByRole('heading', { name: 'Your pack is ready' }).waitFor();
    const pack = await packOf(packId);
    assert.equal(pack.status, 'active');
    const until = new Intl.DateTimeFormat('en-GB', { timeZone: EXPERT_TZ, dateStyle: 'long' }).format(new Date(pack.expires_at));
    assert.equal(await text(ana.locator('slotguard-booking-result #status-text')),
      `Your pack of 2 sessions of Coaching is paid: 2 of 2 credits left, usable until ${until}. Each booking takes one credit, with nothing more to pay. Keep the pack code below to book from another device.`);
    const details = await text(ana.locator('slotguard-booking-result #details'));
    assert.match(details, new RegExp(`Credits left2Usable until${until}`));
    assert.match(details, new RegExp(`Pack code${packId}`));
    await shot(ana, 'returned-paid');
    assert.deepEqual(await seriousViolations(ana), []);

    // Back to the booking page: the pack's credit is chosen, and booking takes no Checkout.
    await ana.getByRole('link', { name: 'Book a time with a credit' }).click();
    await ana.waitForURL(`${s.url}/?**`);
    await ana.locator('slotguard-booking input[name="slot"]').first().waitFor();
    await ana.locator('slotguard-booking #pay-fieldset').waitFor();
    assert.equal(await ana.getByLabel('With a credit of my pack').isChecked(), true);
    assert.equal(await text(ana.locator('slotguard-booking #pay-credit-meta')), `2 of 2 credits left, usable until ${until}`);
    assert.equal(await ana.getByLabel('Name').inputValue(), 'Ana Guest', 'filled from the pack');
    assert.equal(await ana.getByLabel('E-mail').inputValue(), 'ana@example.com');
    assert.equal(await ana.locator('slotguard-booking #repeat-fieldset').isHidden(), true, 'a credit books one time');
    const start = (await listedStarts(ana))[4];
    await ana.locator(`slotguard-booking input[name="slot"][value="${start}"]`).check();
    await shot(ana, 'credit-chosen');
    assert.deepEqual(await seriousViolations(ana), []);
    await ana.getByRole('button', { name: 'Book with a credit' }).click();
    const booked = ana.locator('slotguard-booking #booked');
    await booked.waitFor();
    assert.match(await text(booked), /^Booked: Coaching with packs-expert at \d\d:\d\d on .* is confirmed, paid with a credit of your pack\.$/);
    assert.equal(await text(ana.locator('slotguard-booking #booked-credits')), 'Your pack has 1 of 2 credits left.');
    assert.equal(new URL(ana.url()).origin, s.url, 'no Checkout');
    assert.equal(await text(ana.locator('slotguard-booking #pay-credit-meta')), `1 of 2 credits left, usable until ${until}`);
    await ana.locator('slotguard-booking #slots input[name="slot"]').first().waitFor();
    assert.equal(await ana.locator(`slotguard-booking input[name="slot"][value="${start}"]`).count(), 0, 'the booked time is no longer offered');
    await shot(ana, 'booked-with-credit');
    assert.deepEqual(await seriousViolations(ana), []);

    const list = await s.call('GET', `/v1/reservations?expert_id=${EXPERT}&from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + DAY).toISOString())}`, { headers: s.admin });
    const mine = list.json.reservations.filter((r) => r.guest.email === 'ana@example.com');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].status, 'confirmed');
    assert.equal(mine[0].pack_id, packId);
    assert.equal((await packOf(packId)).credits_left, 1);

    // The page remembers the pack for this event type in this browser.
    const again = await ana.context().newPage();
    await openWidget(again);
    await again.locator('slotguard-booking #pay-fieldset').waitFor();
    assert.equal(await text(again.locator('slotguard-booking #pay-credit-meta')), `1 of 2 credits left, usable until ${until}`);
    assert.match(await text(again.locator('slotguard-booking #pack-code-shown')), new RegExp(packId));
    await again.close();
  });

  it('a pasted pack code with its last credit spent elsewhere: the booking is refused as used up, clearly', async () => {
    const pack = await paidPack('pat@example.com');
    const pat = await guest();
    await openWidget(pat);
    const starts = await listedStarts(pat);
    await spendCredit(pack, 'pat@example.com', starts[1]);
    await pat.reload();
    await pat.locator('slotguard-booking input[name="slot"]').first().waitFor();

    await pat.getByLabel('Pack code').fill('pak_nosuchpack0000');
    await pat.getByRole('button', { name: 'Use this pack' }).click();
    const codeError = pat.locator('slotguard-booking #pack-code-error');
    await codeError.waitFor();
    assert.equal(await text(codeError), 'No pack has this code. Check it and try again.');
    assert.equal(await pat.getByLabel('Pack code').getAttribute('aria-invalid'), 'true');

    await pat.getByLabel('Pack code').fill(pack);
    await pat.getByRole('button', { name: 'Use this pack' }).click();
    await pat.locator('slotguard-booking #pay-fieldset').waitFor();
    assert.equal(await codeError.isHidden(), true);
    assert.match(await text(pat.locator('slotguard-booking #pay-credit-meta')), /^1 of 2 credits left, usable until /);
    assert.equal(await pat.getByLabel('E-mail').inputValue(), 'pat@example.com');

    // Meanwhile the last credit is spent in another tab.
    await spendCredit(pack, 'pat@example.com', starts[2]);
    const start = (await listedStarts(pat))[6];
    await pat.locator(`slotguard-booking input[name="slot"][value="${start}"]`).check();
    await pat.getByRole('button', { name: 'Book with a credit' }).click();
    const notice = pat.locator('slotguard-booking #pack-notice');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.equal(await text(notice), 'Nothing was booked: your pack has no credits left (all 2 are used). Pay at checkout instead, or buy a new pack below.');
    assert.equal(await pat.evaluate(() => document.querySelector('slotguard-booking')?.shadowRoot?.activeElement?.id), 'pack-notice', 'focus moved to the notice');
    assert.equal(await pat.getByLabel('With a credit of my pack').isDisabled(), true);
    assert.equal(await pat.getByLabel('Pay at checkout').isChecked(), true);
    assert.equal(await text(pat.locator('slotguard-booking #pay-credit-meta')), 'No credits left: all 2 are used');
    await pat.getByRole('button', { name: 'Reserve and pay' }).waitFor();
    await shot(pat, 'used-up');
    assert.deepEqual(await seriousViolations(pat), []);
    assert.equal((await packOf(pack)).credits_left, 0);
  });

  it('a pack\'s checkout cancelled: the return page says nothing was charged', async () => {
    const lee = await guest();
    await openWidget(lee);
    await lee.getByLabel('Name').fill('Lee Guest');
    await lee.getByLabel('E-mail').fill('lee@example.com');
    await lee.getByLabel('5 sessions for €200.00').check();
    await lee.getByRole('button', { name: 'Buy 5 sessions and pay' }).click();
    await lee.waitForURL(`${s.emulatorUrl}/pay/**`);
    await lee.locator('#cancel').click();
    await lee.waitForURL(`${s.url}/return/?pack=**`);
    assert.equal(new URL(lee.url()).searchParams.get('outcome'), 'cancelled');
    await lee.getByRole('heading', { name: 'Payment cancelled' }).waitFor();
    assert.equal(await text(lee.locator('slotguard-booking-result #status-text')),
      'Nothing was charged, and the pack of 5 sessions of Coaching was not bought. You can buy one again on the booking page, or book and pay for a single time.');
    const back = lee.getByRole('link', { name: 'Back to booking' });
    assert.equal(new URL(await back.getAttribute('href') ?? '').searchParams.get('event'), EVENT_ID);
    await shot(lee, 'returned-cancelled');
    assert.deepEqual(await seriousViolations(lee), []);
    const packId = new URL(lee.url()).searchParams.get('pack');
    assert.equal((await packOf(packId)).status, 'pending_payment', 'it lapses with its checkout; nothing was paid');
  });
});
