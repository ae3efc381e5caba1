// Store keys are ordered by their UTF-8 bytes (wasm/ABI.md). UTF-8 byte order equals
// code point order, but JS `<` compares UTF-16 code units, which puts astral
// characters (surrogate pairs, 0xD800-0xDFFF) before U+E000..U+FFFF. Shifting the
// code units so that surrogates sort above every other BMP unit restores code point
// order without encoding the strings.

/** @param {number} unit */
function rank(unit) {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Negative, zero or positive like a comparator, in UTF-8 byte order.
 * @param {string} a  @param {string} b  @returns {number} */
export function compareBytewise(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
