// The embedding API (handle with plain objects, a node:http listener of your own) and
// graceful shutdown: requests in flight finish, the store closes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { createMemoryStore, createSlotguard } from '../../host-shims/node/src/index.js';
import { ADMIN_TOKEN, WASM, eventBody, request } from './support/harness.mjs';

const options = { wasm: WASM, wasmDir: process.env.SLOTGUARD_WASM_DIR || undefined, adminToken: ADMIN_TOKEN, sweepIntervalMs: 0, logger: false };

describe(`embedding and shutdown (${WASM})`, () => {
  it('handle() takes and returns plain objects', async () => {
    const sg = await createSlotguard({ ...options, store: 'memory' });
    const put = await sg.handle({
      method: 'PUT',
      url: '/v1/events/embed',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(eventBody('embed')),
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers['content-type'], 'application/json');
    assert.ok(put.body instanceof Uint8Array);

    const got = await sg.handle({ method: 'GET', path: '/v1/events/embed/slots', query: { from: '2031-01-01T00:00:00Z', to: '2031-01-01T01:00:00Z' } });
    assert.equal(got.status, 200);
    assert.equal(JSON.parse(new TextDecoder().decode(got.body)).event_id, 'embed');

    const big = await sg.handle({ method: 'POST', url: '/v1/reservations', body: new Uint8Array(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    await sg.close();
  });

  it('toNodeHandler() serves from a server of your own', async () => {
    const sg = await createSlotguard({ ...options, store: 'memory' });
    const server = http.createServer(sg.toNodeHandler());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await request(`http://127.0.0.1:${server.address().port}`, 'GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sg.close();
  });

  it('close() lets requests in flight finish, then refuses new ones', async () => {
    const inner = createMemoryStore();
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    let held = 0;
    const store = { ...inner, read: async (keys) => (held++, await gate, inner.read(keys)), list: inner.list, commit: inner.commit };
    const sg = await createSlotguard({ ...options, store });
    const url = await sg.listen(0);

    const pending = request(url, 'GET', '/v1/events/none');
    while (held === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = sg.close();
    setTimeout(release, 50);
    const res = await pending;
    assert.equal(res.status, 404, 'the in-flight request got its real answer');
    await closed;
    await assert.rejects(request(url, 'GET', '/healthz'), /ECONNREFUSED/);
    const after = await sg.handle({ method: 'GET', url: '/healthz' });
    assert.equal(after.status, 503);
  });

  it('a custom store sees the core\'s keys; the sqlite file survives a restart', async (t) => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'slotguard-restart-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'nested', 'slotguard.db');
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const first = await createSlotguard({ ...options, store: 'sqlite', dbPath });
    assert.equal((await first.handle({ method: 'PUT', url: '/v1/events/keep', headers, body: JSON.stringify(eventBody('keep')) })).status, 201);
    await first.close();
    const second = await createSlotguard({ ...options, store: 'sqlite', dbPath });
    assert.equal((await second.handle({ method: 'GET', url: '/v1/events/keep' })).status, 200);
    assert.equal((await second.handle({ method: 'PUT', url: '/v1/events/keep', headers, body: JSON.stringify(eventBody('keep')) })).status, 200);
    await second.close();
  });

  it('runs the sweep with the admin token and tolerates its absence', async () => {
    const seen = [];
    const sg = await createSlotguard({ ...options, store: 'memory', logger: (r) => seen.push(r), logLevel: 'debug' });
    await sg.sweep();
    assert.ok(!seen.some((r) => r.event === 'sweep_failed'), JSON.stringify(seen));
    await sg.close();
  });
});
