import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeForm, encodeForm, FormDecodeError } from '../../host-shims/stripe-emulator/src/form.js';

test('decodes nested bracket keys into objects and arrays', () => {
  const body =
    'mode=payment&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=1500' +
    '&line_items[0][price_data][product_data][name]=Court+1&line_items[0][quantity]=1' +
    '&line_items[1][quantity]=3&metadata[reservation_id]=r%201&payment_method_types[0]=card&payment_method_types[1]=multibanco';
  assert.deepEqual(decodeForm(body), {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'eur', unit_amount: '1500', product_data: { name: 'Court 1' } }, quantity: '1' },
      { quantity: '3' },
    ],
    metadata: { reservation_id: 'r 1' },
    payment_method_types: ['card', 'multibanco'],
  });
});

test('accepts percent-encoded brackets, [] appends, indexes are ordered and compacted', () => {
  assert.deepEqual(decodeForm('expand%5B0%5D=a&expand%5B1%5D=b'), { expand: ['a', 'b'] });
  assert.deepEqual(decodeForm('a[]=x&a[]=y'), { a: ['x', 'y'] });
  assert.deepEqual(decodeForm('a[2]=c&a[0]=a'), { a: ['a', 'c'] });
  assert.deepEqual(decodeForm('m[0]=x&m[k]=y'), { m: { 0: 'x', k: 'y' } });
  assert.deepEqual(decodeForm('flag&x='), { flag: '', x: '' });
  assert.deepEqual(decodeForm(''), {});
});

test('round-trips what encodeForm produces', () => {
  const params = { a: 'x y', b: { c: ['1', '2'], d: { e: 'ü&=' } } };
  assert.deepEqual(decodeForm(encodeForm(params)), params);
});

test('rejects malformed input with FormDecodeError', () => {
  for (const bad of ['a=%E0%A4%A', 'a[b=1', '[x]=1', 'a[b]c=1', 'a=1&a[b]=2', 'a[b]=2&a=1', '__proto__[x]=1', 'a[constructor]=1', '=x']) {
    assert.throws(() => decodeForm(bad), FormDecodeError, bad);
  }
  assert.throws(() => decodeForm(`${'a'}${'[b]'.repeat(20)}=1`), FormDecodeError);
  assert.equal(Object.prototype.x, undefined);
});
