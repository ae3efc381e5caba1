import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, sessionParams, postForm, sdk } from './helpers.mjs';
import net from 'node:net';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('hosted checkout page', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator();
  });
  after(() => ctx.emulator.stop());

  /** Extract the <form>s of a page: action, hidden inputs, button label. */
  function forms(html) {
    return [...html.matchAll(/<form method="post" action="([^"]+)">(.*?)<\/form>/gs)].map(([, action, inner]) => ({
      action: action.replace(/&amp;/g, '&'),
      fields: Object.fromEntries([...inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]])),
      label: /<button[^>]*>([^<]*)<\/button>/.exec(inner)[1],
    }));
  }

  async function page(id) {
    const res = await fetch(`${ctx.url}/pay/${id}`);
    return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
  }

  test('renders amount, product, email, expiry and the three buttons', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const p = await page(s.id);
    assert.equal(p.status, 200);
    assert.match(p.type, /^text\/html/);
    assert.match(p.html, /50\.00 EUR/);
    assert.match(p.html, /Court 3, 18:00-19:00/);
    assert.match(p.html, /guest@example\.com/);
    assert.ok(p.html.includes(new Date(s.expires_at * 1000).toISOString()));
    const f = forms(p.html);
    assert.deepEqual(f.map((x) => x.label), ['Pay by card', 'Pay with Multibanco (delayed)', 'Cancel']);
    assert.equal(f[0].action, `/v1/test_helpers/checkout/sessions/${s.id}/pay`);
    assert.equal(f[0].fields.method, 'card');
    assert.equal(f[1].fields.method, 'multibanco');
    assert.equal(f[2].action, `/v1/test_helpers/checkout/sessions/${s.id}/cancel`);
    assert.equal(f[0].fields.redirect, 'true');
  });

  test('no Multibanco button when the session does not allow it', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams({ payment_method_types: ['card'] }));
    assert.deepEqual(forms((await page(s.id)).html).map((x) => x.label), ['Pay by card', 'Cancel']);
  });

  test('escapes all HTML', async () => {
    const p = sessionParams({ customer_email: 'a"<script>@x.io' });
    p.line_items[0].price_data.product_data.name = '<img src=x onerror=alert(1)> & "quotes"';
    const s = await ctx.stripe.checkout.sessions.create(p);
    const { html } = await page(s.id);
    assert.ok(!html.includes('<img src=x'));
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'));
    assert.ok(html.includes('a&quot;&lt;script&gt;@x.io'));
  });

  test('"Pay by card" posts to the helper and 303s to success_url with the session id', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const [card] = forms((await page(s.id)).html);
    const res = await postForm(`${ctx.url}${card.action}`, card.fields);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `https://slotguard.test/success?session_id=${s.id}`);
    const after = await ctx.stripe.checkout.sessions.retrieve(s.id);
    assert.equal(after.status, 'complete');
    assert.equal(after.payment_status, 'paid');
    const done = await page(s.id);
    assert.match(done.html, /complete: payment received/);
    assert.equal(forms(done.html).length, 0, 'no buttons once complete');
  });

  test('"Pay with Multibanco" 303s to success_url and leaves payment pending', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const mb = forms((await page(s.id)).html)[1];
    const res = await postForm(`${ctx.url}${mb.action}`, mb.fields);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `https://slotguard.test/success?session_id=${s.id}`);
    const after = await ctx.stripe.checkout.sessions.retrieve(s.id);
    assert.equal(after.payment_status, 'unpaid');
    assert.match((await page(s.id)).html, /payment pending/);
  });

  test('"Cancel" 303s to cancel_url and leaves the session open', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const cancel = forms((await page(s.id)).html)[2];
    const res = await postForm(`${ctx.url}${cancel.action}`, cancel.fields);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), 'https://slotguard.test/cancel');
    assert.equal((await ctx.stripe.checkout.sessions.retrieve(s.id)).status, 'open');
    // without cancel_url, back to the page
    const s2 = await ctx.stripe.checkout.sessions.create(sessionParams({ cancel_url: undefined }));
    const c2 = forms((await page(s2.id)).html).at(-1);
    const r2 = await postForm(`${ctx.url}${c2.action}`, c2.fields);
    assert.equal(r2.headers.get('location'), `/pay/${s2.id}`);
  });

  test('expired sessions show their state; a stale form gets an HTML error', async () => {
    const s = await ctx.stripe.checkout.sessions.create(sessionParams());
    const [card] = forms((await page(s.id)).html);
    await ctx.stripe.checkout.sessions.expire(s.id);
    const p = await page(s.id);
    assert.match(p.html, /has expired/);
    assert.equal(forms(p.html).length, 0);
    const res = await postForm(`${ctx.url}${card.action}`, card.fields);
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(await res.text(), /only open sessions/);
  });

  test('unknown session -> 404 page', async () => {
    const p = await page('cs_test_unknown');
    assert.equal(p.status, 404);
    assert.match(p.type, /^text\/html/);
  });

  test('a live key is refused whatever the emulator accepts, and is not echoed back', async () => {
    for (const key of ['sk_live_abc123', 'rk_live_abc123', ' sk_live_abc123']) {
      const res = await fetch(`${ctx.url}/v1/checkout/sessions/cs_test_x`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.status, 401, key);
      const body = await res.json();
      assert.match(body.error.message, /refuses live keys/);
      assert.ok(!body.error.message.includes('abc123'), 'the key is not echoed');
    }
    const test = await fetch(`${ctx.url}/v1/checkout/sessions/cs_test_x`, { headers: { authorization: 'Bearer sk_test_abc123' } });
    assert.equal(test.status, 404, 'a test key is served as before');
  });

  test('with apiKey set, the page forms still work (page token) but helpers need the key otherwise', async () => {
    const secured = await startEmulator({ apiKey: 'sk_test_secret' }, { apiKey: 'sk_test_secret' });
    try {
      const s = await secured.stripe.checkout.sessions.create(sessionParams());
      const html = await (await fetch(`${secured.url}/pay/${s.id}`)).text();
      const [card] = forms(html);
      const noToken = await postForm(`${secured.url}${card.action}`, { method: 'card' });
      assert.equal(noToken.status, 401);
      const wrongToken = await postForm(`${secured.url}${card.action}`, { ...card.fields, page_token: 'x' });
      assert.equal(wrongToken.status, 401);
      const res = await postForm(`${secured.url}${card.action}`, card.fields);
      assert.equal(res.status, 303);
      await assert.rejects(sdk(secured.port, 'sk_test_wrong').checkout.sessions.retrieve(s.id), (err) => err.statusCode === 401);
    } finally {
      await secured.emulator.stop();
    }
  });
});

describe('robustness, auth, stats, CLI', () => {
  let ctx;
  before(async () => {
    ctx = await startEmulator({ onInternalError: (err) => assert.fail(`internal error: ${err.stack}`) });
  });
  after(() => ctx.emulator.stop());

  const auth = { Authorization: 'Bearer sk_test_x' };

  test('malformed form bodies -> 400 invalid_request_error', async () => {
    for (const body of ['mode=%ZZ', 'line_items[0=1', 'a=1&a[b]=2', '__proto__[polluted]=1', '[x]=1']) {
      const res = await postForm(`${ctx.url}/v1/checkout/sessions`, body, auth);
      assert.equal(res.status, 400, body);
      const json = await res.json();
      assert.equal(json.error.type, 'invalid_request_error');
      assert.match(json.error.message, /Invalid request body/);
    }
    assert.equal({}.polluted, undefined);
    const badQuery = await fetch(`${ctx.url}/v1/checkout/sessions?limit=%E0`, { headers: auth });
    assert.equal(badQuery.status, 400);
    const badLimit = await fetch(`${ctx.url}/v1/checkout/sessions?limit=1000`, { headers: auth });
    assert.equal((await badLimit.json()).error.param, 'limit');
    // wrong shapes where objects are expected
    const shapes = ['mode=payment&success_url=https://x.io&line_items=abc', 'mode=payment&success_url=https://x.io&line_items[0]=abc', 'mode=payment&metadata=abc&line_items[0][quantity]=1'];
    for (const body of shapes) {
      const res = await postForm(`${ctx.url}/v1/checkout/sessions`, body, auth);
      assert.equal(res.status, 400, body);
    }
  });

  test('unknown routes and wrong methods -> Stripe-shaped 404', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['DELETE', '/v1/checkout/sessions'],
      ['GET', '/'],
      ['POST', '/v1/checkout/sessions/x/y/z'],
      ['GET', '/v1/checkout/sessions/%E0'],
    ]) {
      const res = await fetch(`${ctx.url}${path}`, { method, headers: auth });
      assert.equal(res.status, 404, `${method} ${path}`);
      const json = await res.json();
      assert.equal(json.error.type, 'invalid_request_error');
      assert.match(json.error.message, /Unrecognized request URL/);
      assert.match(res.headers.get('request-id'), /^req_/);
    }
  });

  test('bodies over 1 MB -> 413', async () => {
    const big = `metadata[x]=${'a'.repeat(1024 * 1024 + 10)}`;
    const status = await new Promise((resolve, reject) => {
      const req = http.request(`${ctx.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(big) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(big);
    });
    assert.equal(status, 413);
    // chunked (no Content-Length) is cut off too
    const chunked = await new Promise((resolve, reject) => {
      const req = http.request(`${ctx.url}/v1/refunds`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('a'.repeat(64 * 1024));
      req.end();
    });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.body.error.type, 'invalid_request_error');
    // still serving
    assert.equal((await fetch(`${ctx.url}/_emulator/health`)).status, 200);
  });

  test('garbage on the socket does not crash the server', async () => {
    const reply = await new Promise((resolve) => {
      const sock = net.connect(Number(new URL(ctx.url).port), '127.0.0.1', () => sock.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    assert.match(reply, /400/);
    const bad = await fetch(`${ctx.url}/_emulator/webhooks/config`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    assert.equal(bad.status, 400);
    const arr = await fetch(`${ctx.url}/_emulator/webhooks/config`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[1]' });
    assert.equal(arr.status, 400);
    assert.equal((await fetch(`${ctx.url}/_emulator/health`)).status, 200);
  });

  test('apiKey: missing and wrong keys -> 401 Stripe-shaped; Basic auth accepted', async () => {
    const secured = await startEmulator({ apiKey: 'sk_test_right' }, { apiKey: 'sk_test_right' });
    try {
      const none = await fetch(`${secured.url}/v1/checkout/sessions`);
      assert.equal(none.status, 401);
      const noneJson = await none.json();
      assert.equal(noneJson.error.type, 'invalid_request_error');
      assert.match(noneJson.error.message, /did not provide an API key/);
      await assert.rejects(sdk(secured.port, 'sk_test_wrong1234').checkout.sessions.create(sessionParams()), (err) => {
        assert.equal(err.statusCode, 401);
        assert.equal(err.type, 'StripeAuthenticationError');
        assert.match(err.message, /Invalid API Key provided: sk_test_\*\*\*\*1234/);
        return true;
      });
      const s = await secured.stripe.checkout.sessions.create(sessionParams());
      const basic = await fetch(`${secured.url}/v1/checkout/sessions/${s.id}`, {
        headers: { Authorization: `Basic ${Buffer.from('sk_test_right:').toString('base64')}` },
      });
      assert.equal(basic.status, 200);
      // pages and controls do not need the key
      assert.equal((await fetch(`${secured.url}/pay/${s.id}`)).status, 200);
      assert.equal((await fetch(`${secured.url}/_emulator/stats`)).status, 200);
    } finally {
      await secured.emulator.stop();
    }
  });

  test('stats count calls by route template and reset clears everything', async () => {
    const own = await startEmulator();
    try {
      const s1 = await own.stripe.checkout.sessions.create(sessionParams());
      const s2 = await own.stripe.checkout.sessions.create(sessionParams());
      await own.stripe.checkout.sessions.retrieve(s1.id);
      await own.stripe.checkout.sessions.retrieve(s2.id);
      await own.stripe.checkout.sessions.expire(s2.id);
      await fetch(`${own.url}/v1/unknown`);
      const stats = await (await fetch(`${own.url}/_emulator/stats`)).json();
      assert.equal(stats.api_calls.by_route['POST /v1/checkout/sessions'], 2);
      assert.equal(stats.api_calls.by_route['GET /v1/checkout/sessions/:id'], 2);
      assert.equal(stats.api_calls.by_route['POST /v1/checkout/sessions/:id/expire'], 1);
      assert.equal(stats.api_calls.by_route['GET (unmatched)'], 1);
      assert.equal(stats.api_calls.total, 6);
      assert.deepEqual(stats.sessions.by_status, { open: 1, expired: 1 });
      assert.equal(stats.events.by_type['checkout.session.expired'], 1);
      assert.deepEqual(
        Object.keys(stats.webhooks).sort(),
        ['attempted', 'buffered', 'exhausted', 'failed', 'pending', 'succeeded'],
      );
      const events = await (await fetch(`${own.url}/_emulator/events`)).json();
      assert.equal(events.data[0].delivery.status, 'no_endpoint');

      const reset = await fetch(`${own.url}/_emulator/reset`, { method: 'POST' });
      assert.equal(reset.status, 200);
      const after = await (await fetch(`${own.url}/_emulator/stats`)).json();
      assert.equal(after.api_calls.total, 0);
      assert.equal(after.sessions.total, 0);
      assert.equal(after.events.total, 0);
      await assert.rejects(own.stripe.checkout.sessions.retrieve(s1.id), (err) => err.statusCode === 404);
    } finally {
      await own.emulator.stop();
    }
  });

  test('CLI: prints its URL, serves, stops cleanly on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../../host-shims/stripe-emulator/src/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, STRIPE_EMULATOR_PORT: '0', STRIPE_WEBHOOK_SECRET: 'whsec_cli', STRIPE_WEBHOOK_URL: 'http://127.0.0.1:9/hook' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      let out = '';
      const url = await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
      });
      const cfg = await (await fetch(`${url}/_emulator/webhooks/config`)).json();
      assert.equal(cfg.secret, 'whsec_cli');
      assert.equal(cfg.url, 'http://127.0.0.1:9/hook');
      const s = await sdk(Number(new URL(url).port)).checkout.sessions.create(sessionParams());
      assert.equal(s.url, `${url}/pay/${s.id}`);
      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
