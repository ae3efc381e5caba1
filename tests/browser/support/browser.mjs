// What the browser tests share: Debian's Chromium driven by playwright-core (no
// browser download: `npx playwright install` cannot reach its servers here), the e2e
// stack (tests/e2e/support) with the booking page served by the Node host, and
// screenshots of each step kept under build/test-output/browser/ for a person to look at.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startE2EStack } from '../../e2e/support/stack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAGE_DIR = join(ROOT, 'examples/booking-page');
export const SHOTS_DIR = join(ROOT, 'build/test-output/browser');
export const CHROMIUM = process.env.SLOTGUARD_CHROMIUM || '/usr/bin/chromium';

export const DAY = 24 * 3600_000;

/** Headless Chromium; as root its sandbox cannot start, so it runs without one then. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/lib/common.sh ensures it)`);
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** Starts with an empty screenshot folder, so it shows the last run only. */
export function resetShots() {
  mkdirSync(SHOTS_DIR, { recursive: true });
  for (const f of readdirSync(SHOTS_DIR)) if (f.endsWith('.png')) rmSync(join(SHOTS_DIR, f));
}

let shotNumber = 0;
/** A full-page screenshot named after the step, numbered in the order taken. */
export async function shot(page, name) {
  shotNumber += 1;
  const file = join(SHOTS_DIR, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The e2e stack (emulator + Node host, memory store, one clock) serving the page. */
export function startBrowserStack() {
  return startE2EStack({ pageDir: PAGE_DIR });
}

/** "YYYY-MM-DD" of `ms` in `timeZone`, the way a guest's date picker holds it. */
export function dayIn(ms, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
