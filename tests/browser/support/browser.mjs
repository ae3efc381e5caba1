// What the browser tests share: Debian's Chromium driven by playwright-core (no
// browser download: `npx playwright install` cannot reach its servers here), the e2e
// stack (tests/e2e/support) with the booking page folder (the widget, its return page
// and the console, their bundles built from widget/src on loading) served by the Node
// host, screenshots of each step kept under build/test-output/browser/ for a person to
// look at, and axe-core's check.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWidget } from '../../../scripts/lib/build-widget.mjs';
import { startE2EStack } from '../../e2e/support/stack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAGE_DIR = join(ROOT, 'examples/booking-page');
export const SHOTS_DIR = join(ROOT, 'build/test-output/browser');
export const CHROMIUM = process.env.SLOTGUARD_CHROMIUM || '/usr/bin/chromium';

export const DAY = 24 * 3600_000;

// The page's bundles are built from widget/src, not committed: build them before a test
// serves the folder (each file's process does; an unchanged bundle is not rewritten).
await buildWidget();

/** Headless Chromium; as root its sandbox cannot start, so it runs without one then. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/lib/common.sh ensures it)`);
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

let shotPrefix = 'shot';
/**
 * Starts this file's screenshots afresh (files named `<prefix>-NN-<step>.png`), so the
 * folder shows the last run; the files run in parallel, each with its own prefix.
 */
export function resetShots(prefix) {
  shotPrefix = prefix;
  mkdirSync(SHOTS_DIR, { recursive: true });
  for (const f of readdirSync(SHOTS_DIR)) if (f.startsWith(`${prefix}-`) && f.endsWith('.png')) rmSync(join(SHOTS_DIR, f));
}

let shotNumber = 0;
/** A full-page screenshot named after the step, numbered in the order taken. */
export async function shot(page, name) {
  shotNumber += 1;
  const file = join(SHOTS_DIR, `${shotPrefix}-${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

/**
 * axe-core (npm, pinned) over the page as it is now, open shadow roots included: the
 * serious and critical violations, each as "rule: what (where)". Empty when none.
 * @param {import('playwright-core').Page} page
 */
export async function seriousViolations(page) {
  if ((await page.evaluate(() => typeof (/** @type {any} */ (window)).axe)) === 'undefined') await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    /** @type {any} */ (window).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** The demo-like schedule the browser tests book against: hours with a lunch break, every day. */
export const WORKDAY = [['09:00', '12:30'], ['13:30', '17:00']];
export function everyDay(intervals = WORKDAY) {
  return Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, intervals]));
}

/** An admin PUT that must succeed. */
export async function adminPut(s, path, body) {
  const res = await s.call('PUT', path, { headers: s.admin, body });
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${path} answered ${res.status}: ${res.text}`);
  return res.json;
}

/** Holds `start` of `eventId` for a guest through the API and pays it on the emulator. */
export async function bookAndPay(s, eventId, start, guest) {
  const res = await s.call('POST', '/v1/reservations', { body: { event_id: eventId, start, guest } });
  if (res.status !== 201) throw new Error(`hold answered ${res.status}: ${res.text}`);
  const r = res.json.reservation;
  s.emulator.pay(r.checkout_session_id);
  await s.settle();
  return r;
}

/** "HH:MM" (24 h) of `iso` in `timeZone`. */
export function hhmm(iso, timeZone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** The e2e stack (emulator + Node host, memory store, one clock) serving the page. */
export function startBrowserStack(hostOptions = {}) {
  return startE2EStack({ pageDir: PAGE_DIR, ...hostOptions });
}

/** "YYYY-MM-DD" of `ms` in `timeZone`, the way a guest's date picker holds it. */
export function dayIn(ms, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
