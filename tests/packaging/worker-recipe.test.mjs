// examples/cloudflare/README.md's recipe as a newcomer follows it, from the packed
// tarballs in a temporary directory, with real `wrangler dev` (wrangler 4, the
// repository's devDependency, run in the copied project): copy the example, install the
// packages, `cp .dev.vars.example .dev.vars`, apply the D1 migrations locally, start the
// Stripe emulator of the package and `wrangler dev`, then "Try it": an event type for
// the page's default expert, the day after tomorrow's slots, a hold, a payment on the
// emulator, and Checkout's way back to the page's return route on the Worker.
//
// Two departures, both about this machine, not the recipe: the ports are free ones
// rather than 8787/12111 (another ./scripts/dev may hold those), written into .dev.vars
// and given to wrangler dev as --port; and wrangler is the repository's
// copy instead of `npx wrangler@4`, which would fetch it again.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { stageAll } from '../../scripts/lib/stage-packages.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'slotguard-worker-recipe-'));
const KEEP = process.env.SLOTGUARD_KEEP_TMP === '1';
const children = [];
after(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  }
  if (KEEP) console.log(`kept ${TMP}`);
  else rmSync(TMP, { recursive: true, force: true });
});

const ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Starts a long-running command in its own process group; resolves at the line matching `ready`. */
function start(cmd, args, cwd, ready) {
  const child = spawn(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  const lines = [];
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (ready.test(line)) resolve(lines);
      });
    }
    child.on('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${lines.join('\n')}`)));
  });
}

let project;
let staged;
before(() => {
  staged = Object.fromEntries(stageAll().map((p) => [p.dir, p]));
});

test('the README recipe: wrangler dev from the packages serves the page and books a slot paid on the emulator', { timeout: 300_000 }, async () => {
  // Step 1: copy the example and install the packages.
  project = path.join(TMP, 'my-worker');
  cpSync(path.join(ROOT, 'examples/cloudflare'), project, { recursive: true });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', staged.cloudflare.tarball, staged['stripe-emulator'].tarball], project);

  // Running locally: .dev.vars from the example, the migrations, the emulator, wrangler dev.
  cpSync(path.join(project, '.dev.vars.example'), path.join(project, '.dev.vars'));
  const [workerPort, emulatorPort] = [await freePort(), await freePort()];
  const vars = readFileSync(path.join(project, '.dev.vars'), 'utf8');
  assert.match(vars, /^STRIPE_API_BASE=http:\/\/127\.0\.0\.1:12111$/m);
  assert.match(vars, /^STRIPE_EMULATOR_PORT=12111$/m);
  assert.match(vars, /^STRIPE_WEBHOOK_URL=http:\/\/localhost:8787\/v1\/stripe\/webhook$/m);
  writeFileSync(path.join(project, '.dev.vars'), vars.replaceAll('12111', String(emulatorPort)).replace('localhost:8787', `127.0.0.1:${workerPort}`));
  const devVar = (name) => new RegExp(`^${name}=(.*)$`, 'm').exec(vars)?.[1];
  // The Worker's port in wrangler.toml is the one the emulator's webhooks go to.
  const devPort = /^\[dev\]\s*\nport\s*=\s*(\d+)/m.exec(readFileSync(path.join(project, 'wrangler.toml'), 'utf8'))?.[1];
  assert.equal(new URL(devVar('STRIPE_WEBHOOK_URL')).port, devPort);
  run('node', [WRANGLER, 'd1', 'migrations', 'apply', 'slotguard', '--local'], project);

  await start('npm', ['run', 'emulator'], project, /stripe-emulator webhooks ->/);
  await start('node', [WRANGLER, 'dev', '--port', String(workerPort), '--ip', '127.0.0.1'], project, /Ready on/);
  const worker = `http://127.0.0.1:${workerPort}`;
  const emulator = `http://127.0.0.1:${emulatorPort}`;

  // The page is the package's, served as the Worker's assets.
  const page = await fetch(`${worker}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html/i);
  // The widget names the expert whose event types it lists.
  const pageExpert = /<slotguard-booking\b[^>]*\bexpert="([^"]+)"/.exec(html)?.[1];
  assert.ok(pageExpert);
  assert.equal((await fetch(`${worker}/slotguard-booking.js`)).status, 200);

  // Step 7, "Try it", on the day it runs: the commands of the README.
  const token = devVar('SLOTGUARD_ADMIN_TOKEN');
  const readme = readFileSync(path.join(ROOT, 'examples/cloudflare/README.md'), 'utf8');
  const tryIt = readme.slice(readme.indexOf('## 7. Try it'));
  const expert = /"expert_id":"([^"]+)"/.exec(tryIt)?.[1];
  assert.equal(expert, pageExpert, 'Try it creates the event type for the expert the page lists');
  const event = JSON.parse(/-d '(\{"expert_id".*?\})'/.exec(tryIt)[1]);
  const put = await fetch(`${worker}/v1/events/intro-call`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  assert.ok(put.status === 200 || put.status === 201, await put.text());
  const listed = await (await fetch(`${worker}/v1/events?expert_id=${pageExpert}`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.ok(listed.events?.some((e) => e.id === 'intro-call'), JSON.stringify(listed));

  const day = new Date(Date.now() + 2 * 864e5).toISOString().slice(0, 10); // as the README's FROM
  const slots = await (await fetch(`${worker}/v1/events/intro-call/slots?from=${day}T09:00:00Z&to=${day}T12:00:00Z`)).json();
  assert.ok(slots.slots?.some((s) => s.start === `${day}T09:00:00Z` && s.available), JSON.stringify(slots));
  const held = await fetch(`${worker}/v1/reservations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'try-1' },
    body: JSON.stringify({ event_id: 'intro-call', start: `${day}T09:00:00Z`, guest: { email: 'guest@example.com', name: 'Guest' } }),
  });
  const body = await held.json();
  assert.equal(held.status, 201, JSON.stringify(body));
  const id = body.reservation.id;
  const session = body.reservation.checkout_session_id;
  assert.ok(body.checkout_url.startsWith(emulator), body.checkout_url);

  // Pay on the emulator; its signed webhook confirms the booking on the Worker.
  const stripe = { authorization: `Bearer ${devVar('STRIPE_SECRET_KEY')}` };
  const paid = await fetch(`${emulator}/v1/test_helpers/checkout/sessions/${session}/pay`, { method: 'POST', headers: stripe, body: new URLSearchParams({ method: 'card' }) });
  assert.equal(paid.status, 200, await paid.text());
  let status;
  for (let i = 0; i < 50 && status !== 'confirmed'; i++) {
    status = (await (await fetch(`${worker}/v1/reservations/${id}`)).json()).reservation?.status;
    if (status !== 'confirmed') await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 'confirmed');

  // Checkout sends the guest back to the page's return route on the Worker, which serves it.
  const cs = await (await fetch(`${emulator}/v1/checkout/sessions/${session}`, { headers: stripe })).json();
  assert.equal(cs.success_url, `${worker}/return/?reservation=${id}&outcome=paid`);
  assert.equal(cs.cancel_url, `${worker}/return/?reservation=${id}&outcome=cancelled`);
  const back = await fetch(cs.success_url);
  assert.equal(back.status, 200);
  assert.match(await back.text(), /<slotguard-booking-result/);

  // The widget and the console as the Worker serves them, in Chromium: a guest books and
  // pays another time of the day, and the expert signs in and sees the booking.
  const browser = await chromium.launch({
    executablePath: process.env.SLOTGUARD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await (await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(20_000);
    const later = `${day}T10:00:00Z`;
    await page.goto(`${worker}/?event=intro-call&day=${day}`);
    await page.locator(`slotguard-booking input[value="${later}"]`).check();
    await page.getByLabel('Name').fill('Wanda Worker');
    await page.getByLabel('E-mail').fill('wanda@example.com');
    await page.getByRole('button', { name: 'Reserve and pay' }).click();
    await page.waitForURL(`${emulator}/pay/**`);
    await page.locator('#pay-card').click();
    await page.waitForURL(`${worker}/return/**`);
    await page.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();

    await page.goto(`${worker}/console/`);
    await page.getByLabel('Expert', { exact: true }).fill(pageExpert);
    await page.getByLabel('Admin token').fill(token ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#events tr[data-event="intro-call"]').waitFor();
    for (let i = 0; i < 2 && (await page.locator('li.booking').filter({ hasText: 'Wanda Worker' }).count()) === 0; i++) {
      await page.getByRole('button', { name: 'Next week' }).click();
      await page.locator('#calendar[aria-busy="false"]').waitFor();
    }
    await page.locator('li.booking').filter({ hasText: /Wanda Worker.*confirmed/ }).waitFor();
  } finally {
    await browser.close();
  }
});
