// The widget embedded in a plain page of another origin (examples/embed/index.html), as
// its README sets it up: one script tag from the slotguard host, the element with api=,
// and the page's origin in the host's cors_origins (SLOTGUARD_CORS_ORIGINS). The page is
// served by a static server of its own on another port; a second copy on an origin the
// host does not allow shows that CORS is what lets it book.
//
//   node --test tests/browser/embed.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DAY, PAGE_DIR, adminPut, dayIn, everyDay, launchBrowser, resetShots, seriousViolations, shot, startBrowserStack } from './support/browser.mjs';

const EMBED_HTML = join(PAGE_DIR, '../embed/index.html');
const TZ = 'Europe/Lisbon';

/**
 * Serves the example page on a port of its own, its slotguard origin (localhost:8787 in
 * the example) replaced by `apiUrl()`, read per request: the site's origin must be known
 * before the host starts, and the host's URL only after.
 */
function servePage(apiUrl) {
  const server = http.createServer((req, res) => {
    const html = readFileSync(EMBED_HTML, 'utf8').replaceAll('http://localhost:8787', apiUrl());
    if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({ origin: `http://127.0.0.1:${address.port}`, close: () => new Promise((r) => { server.close(() => r(undefined)); server.closeAllConnections(); }) });
    });
  });
}

describe('the widget embedded in a page of another origin', () => {
  let s;
  let site;
  let stranger;
  let browser;

  before(async () => {
    resetShots('embed');
    site = await servePage(() => s.url);
    stranger = await servePage(() => s.url);
    // As examples/embed/README.md says: the site's origin in SLOTGUARD_CORS_ORIGINS.
    s = await startBrowserStack({ corsOrigins: site.origin });
    await adminPut(s, '/v1/experts/dr-ada/availability', { time_zone: TZ, weekly: everyDay() });
    await adminPut(s, '/v1/events/intro-30', {
      expert_id: 'dr-ada', title: 'First consultation', duration_minutes: 30, slot_step_minutes: 30, price: { amount: 5000, currency: 'eur' },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stranger?.close();
    await s?.stop();
  });

  it('books and pays from the other site, and comes back to the slotguard host\'s result page', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const day = dayIn(s.now() + 2 * DAY, TZ);
    await page.goto(`${site.origin}/`);
    await page.evaluate((d) => document.querySelector('slotguard-booking')?.setAttribute('day', d), day);
    await page.locator('slotguard-booking input[name="slot"]').first().waitFor();
    assert.equal(new URL(page.url()).origin, site.origin);
    assert.ok((await page.locator('slotguard-booking .theirs').count()) > 0, "the expert's Lisbon time is shown beside New York's");
    await shot(page, 'site');
    assert.deepEqual(await seriousViolations(page), []);

    const start = await page.locator('slotguard-booking input[name="slot"]').nth(3).getAttribute('value');
    await page.locator(`slotguard-booking input[value="${start}"]`).check();
    await page.getByLabel('Name').fill('Olga Outside');
    await page.getByLabel('E-mail').fill('olga@example.com');
    await page.getByRole('button', { name: 'Reserve and pay' }).click();
    await page.waitForURL(`${s.emulatorUrl}/pay/**`);
    await page.locator('#pay-card').click();
    await page.waitForURL(`${s.url}/return/**`);
    await page.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();
    await shot(page, 'confirmed');
    const id = new URL(page.url()).searchParams.get('reservation');
    const r = (await s.call('GET', `/v1/reservations/${id}`)).json.reservation;
    assert.equal(r.status, 'confirmed');
    assert.equal(r.start, start);
    await context.close();
  });

  it('an origin the host does not allow cannot use the API: the widget says so', async () => {
    const context = await browser.newContext({ timezoneId: TZ, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${stranger.origin}/`);
    await page.locator('slotguard-booking #events .notice').waitFor();
    assert.match(await page.locator('slotguard-booking #events .notice').textContent() ?? '', /could not be reached/);
    assert.equal(await page.locator('slotguard-booking input[name="slot"]').count(), 0);
    await context.close();
  });
});
