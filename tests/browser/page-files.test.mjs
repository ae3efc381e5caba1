// The Node host's static page serving (pageDir / SLOTGUARD_PAGE_DIR), without a
// browser: content types, GET and HEAD only, nothing outside the folder (dot-dot,
// encoded separators, dot-files, symbolic links), and the API still answered by the core.
//
//   node --test tests/browser/page-files.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSlotguard } from '../../host-shims/node/src/index.js';
import { WASM, startStack } from '../conformance/support/harness.mjs';
import { PAGE_DIR } from './support/browser.mjs';

/** A request whose target is sent byte for byte (no URL normalisation of "..", "%2e"). */
function raw(base, method, target) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: target, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Node host: pageDir', () => {
  let dir;
  let outside;
  let s;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slotguard-page-'));
    outside = mkdtempSync(join(tmpdir(), 'slotguard-outside-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>home</title>');
    writeFileSync(join(dir, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'style.css'), 'body{}');
    writeFileSync(join(dir, 'data.bin'), 'bytes');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'index.html'), '<!doctype html><title>sub</title>');
    writeFileSync(join(outside, 'secret.txt'), 'outside');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
    s = await startStack({ emulator: false, pageDir: dir });
  });

  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('serves index.html at / and each file with its content type', async () => {
    const home = await raw(s.url, 'GET', '/');
    assert.equal(home.status, 200);
    assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(home.headers['x-content-type-options'], 'nosniff');
    assert.match(home.text, /<title>home<\/title>/);
    assert.equal((await raw(s.url, 'GET', '/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await raw(s.url, 'GET', '/style.css?v=2')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await raw(s.url, 'GET', '/data.bin')).headers['content-type'], 'application/octet-stream');
    const sub = await raw(s.url, 'GET', '/sub/?ref=1');
    assert.match(sub.text, /<title>sub<\/title>/);
  });

  it('redirects a folder without its slash, keeping the query', async () => {
    const res = await raw(s.url, 'GET', '/sub?ref=abc');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/sub/?ref=abc');
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await raw(s.url, 'HEAD', '/');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(Number(head.headers['content-length']), '<!doctype html><title>home</title>'.length);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await raw(s.url, method, '/');
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
    }
  });

  it('never serves anything outside the folder, nor its dot-files', async () => {
    for (const target of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2Fpackage.json',
      '/sub/..%2f..%2fpackage.json',
      '/sub/%2e%2e/%2e%2e/etc/passwd',
      '/..%5cpackage.json',
      '/app.js%00.html',
      '/%zz',
      '/.env',
      '/link.txt',
      '/missing.html',
    ]) {
      const res = await raw(s.url, 'GET', target);
      assert.equal(res.status, 404, target);
      assert.doesNotMatch(res.text, /outside|SECRET|slotguard-workspace|root:/, target);
    }
  });

  it('leaves /v1/..., /healthz and /metrics to the core', async () => {
    const health = await raw(s.url, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.text), { status: 'ok' });
    const missing = await raw(s.url, 'GET', '/v1/events/no-such-event');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.text).error.code, 'event_not_found');
    const post = await raw(s.url, 'POST', '/v1/reservations');
    assert.equal(post.headers['content-type'], 'application/json');
    const metrics = await raw(s.url, 'GET', '/metrics');
    assert.match(metrics.headers['content-type'], /^text\/plain/);
  });

  it('serves the example booking page as it is', async () => {
    const page = await startStack({ emulator: false, pageDir: PAGE_DIR });
    try {
      const home = await raw(page.url, 'GET', '/');
      assert.match(home.text, /<slotguard-booking /);
      const back = await raw(page.url, 'GET', '/return/?reservation=x&outcome=paid');
      assert.equal(back.status, 200);
      assert.match(back.text, /<slotguard-booking-result/);
      for (const file of ['/slotguard-booking.js', '/page.js'])
        assert.equal((await raw(page.url, 'GET', file)).headers['content-type'], 'text/javascript; charset=utf-8', file);
    } finally {
      await page.stop();
    }
  });

  it('without pageDir, / is the core\'s 404', async () => {
    const plain = await startStack({ emulator: false });
    try {
      const res = await raw(plain.url, 'GET', '/');
      assert.equal(res.status, 404);
      assert.equal(JSON.parse(res.text).error.code, 'not_found');
    } finally {
      await plain.stop();
    }
  });

  it('refuses to start on a folder that does not exist', async () => {
    await assert.rejects(
      createSlotguard({ wasm: WASM, store: 'memory', pageDir: join(dir, 'nope'), sweepIntervalMs: 0, logger: false }),
      /pageDir .*nope.* is not a readable directory/,
    );
  });
});
