// One JSON object per line through console.log (Workers Logs / `wrangler tail` keep
// them as structured records). The core's lines carry no guest data; neither do ours.
/** @type {Record<string, number>} */
const RANK = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * @param {string} [minLevel]  SLOTGUARD_LOG_LEVEL: debug | info | warn | error
 * @param {(line: string) => void} [sink]
 * @returns {(record: Record<string, any>) => void}
 */
export function createLogger(minLevel = 'info', sink = (line) => console.log(line)) {
  const min = RANK[String(minLevel).toLowerCase()] ?? RANK.info;
  return function log(record) {
    if ((RANK[record?.level] ?? RANK.info) < min) return;
    try {
      sink(JSON.stringify({ ts: new Date().toISOString(), ...record }));
    } catch {
      // a record that cannot be serialised is dropped, never thrown into the module
    }
  };
}
