// Structured logs: one JSON object per line, with time and level first. The core's
// lines arrive as JSON objects (never with guest data) and are merged in by the bridge.

/** @type {Record<string, number>} */
const RANK = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Builds the host's log function from the `logger` option:
 * - undefined: JSON lines on stdout at `level` and above
 * - false: silent
 * - a function: called with each record
 * - an object with debug/info/warn/error methods (console, pino, ...): called with the record
 * @param {import('./index.js').Logger} [logger]
 * @param {import('./index.js').LogLevel} [level]
 * @returns {(record: Omit<import('./index.js').LogRecord, 'time'>) => void}
 */
export function createLogger(logger, level = 'info') {
  const min = RANK[level] ?? RANK.info;
  const stamp = (record) => ({ time: new Date().toISOString(), ...record });
  let sink;
  if (logger === false || logger === null) return () => {};
  if (typeof logger === 'function') sink = logger;
  else if (logger && typeof logger === 'object') sink = (r) => (logger[r.level] ?? logger.info ?? logger.log).call(logger, r);
  else sink = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);
  return (record) => {
    if ((RANK[/** @type {string} */ (record.level)] ?? RANK.info) < min) return;
    try {
      sink(stamp(record));
    } catch {
      // a broken logger must not break requests
    }
  };
}
