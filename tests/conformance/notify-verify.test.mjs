// verifyNotification, the function an app runs on each notification slotguard sends:
// Stripe's signature scheme over the raw body (t=<unix s>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">), secrets rotating, and a clear error for everything it refuses. The
// signatures here are made independently with node:crypto, as the core makes them.
//
//   node --test tests/conformance/notify-verify.test.mjs
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyNotification } from '../../host-shims/node/src/index.js';

const SECRET = 'ntfsec_current_0123456789abcdef';
const OLD_SECRET = 'ntfsec_previous_0123456789abcd';

const event = {
  id: 'ntf_rsv_abc123_1',
  type: 'reservation.confirmed',
  created: 1767000000,
  data: { reservation: { id: 'rsv_abc123', status: 'confirmed', guest: { name: 'Zoë Ünïcode' } } },
};
const body = JSON.stringify(event);
const now = () => Math.floor(Date.now() / 1000);
const sign = (secret, t, raw = body) => createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
const header = (t, ...secrets) => [`t=${t}`, ...secrets.map((s) => `v1=${sign(s, t)}`)].join(',');

describe('verifyNotification', () => {
  it('accepts a good signature and returns the parsed notification', () => {
    const t = now();
    assert.deepEqual(verifyNotification(body, header(t, SECRET), SECRET), event);
    // The raw body as bytes (express.raw, a Buffer, a Uint8Array) works the same.
    assert.deepEqual(verifyNotification(Buffer.from(body), header(t, SECRET), SECRET), event);
    assert.deepEqual(verifyNotification(new TextEncoder().encode(body), header(t, SECRET), [SECRET]), event);
  });

  it('rotation: any listed secret verifies, and any v1 in the header may match', () => {
    const t = now();
    // The sender signs with both while rotating; the receiver knows only one of them.
    assert.equal(verifyNotification(body, header(t, SECRET, OLD_SECRET), OLD_SECRET).id, event.id);
    assert.equal(verifyNotification(body, header(t, SECRET, OLD_SECRET), SECRET).id, event.id);
    // The receiver lists both (string or array); the sender signs with the new one only.
    assert.equal(verifyNotification(body, header(t, SECRET), `${OLD_SECRET}, ${SECRET}`).id, event.id);
    assert.equal(verifyNotification(body, header(t, OLD_SECRET), [SECRET, OLD_SECRET]).id, event.id);
    // Other fields in the header (e.g. a future scheme) are ignored.
    assert.equal(verifyNotification(body, `t=${t},v0=deadbeef,v1=${sign(SECRET, t)}`, SECRET).id, event.id);
  });

  it('rejects a tampered body, a wrong secret, and a signature over another timestamp', () => {
    const t = now();
    const h = header(t, SECRET);
    const tampered = body.replace('confirmed', 'refunded');
    assert.throws(() => verifyNotification(tampered, h, SECRET), /no signature matches/);
    assert.throws(() => verifyNotification(`${body} `, h, SECRET), /no signature matches/);
    assert.throws(() => verifyNotification(body, h, 'ntfsec_someone_else_0123456789'), /no signature matches/);
    assert.throws(() => verifyNotification(body, `t=${t + 1},v1=${sign(SECRET, t)}`, SECRET), /no signature matches/);
  });

  it('rejects a stale (or far future) timestamp, with the tolerance adjustable', () => {
    const old = now() - 301;
    assert.throws(() => verifyNotification(body, header(old, SECRET), SECRET), /outside the tolerance of 300 s/);
    assert.throws(() => verifyNotification(body, header(now() + 3600, SECRET), SECRET), /outside the tolerance/);
    assert.equal(verifyNotification(body, header(old, SECRET), SECRET, { toleranceSeconds: 600 }).id, event.id);
    assert.throws(() => verifyNotification(body, header(now() - 20, SECRET), SECRET, { toleranceSeconds: 10 }), /tolerance of 10 s/);
  });

  it('rejects a missing or malformed header', () => {
    const t = now();
    assert.throws(() => verifyNotification(body, undefined, SECRET), /header is missing/);
    assert.throws(() => verifyNotification(body, '', SECRET), /header is missing/);
    assert.throws(() => verifyNotification(body, `v1=${sign(SECRET, t)}`, SECRET), /no valid timestamp/);
    assert.throws(() => verifyNotification(body, `t=soon,v1=${sign(SECRET, t)}`, SECRET), /no valid timestamp/);
    assert.throws(() => verifyNotification(body, `t=${t}`, SECRET), /no v1 signature/);
    assert.throws(() => verifyNotification(body, `t=${t},v1=not-hex`, SECRET), /no v1 signature/);
    assert.throws(() => verifyNotification(body, `t=${t},v1=${sign(SECRET, t).slice(0, 40)}`, SECRET), /no v1 signature/);
  });

  it('refuses to run without a secret, and a signed body that is not JSON', () => {
    const t = now();
    assert.throws(() => verifyNotification(body, header(t, SECRET), ''), TypeError);
    assert.throws(() => verifyNotification(body, header(t, SECRET), [' ', '']), TypeError);
    const notJson = 'not json';
    assert.throws(() => verifyNotification(notJson, `t=${t},v1=${sign(SECRET, t, notJson)}`, SECRET), /not JSON/);
  });
});
