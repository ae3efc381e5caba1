// Currency helpers.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export const isZeroDecimal = (currency) => ZERO_DECIMAL.has(String(currency).toLowerCase());

/** 1999, "eur" -> "19.99 EUR". */
export function formatAmount(amount, currency) {
  const cur = String(currency).toUpperCase();
  if (isZeroDecimal(currency)) return `${amount} ${cur}`;
  return `${(amount / 100).toFixed(2)} ${cur}`;
}
