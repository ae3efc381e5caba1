// Shared by the load benchmarks: the request bursts (storm / spread), what is measured
// of a burst, its summary over rounds, and plain-text tables. Measures; never asserts.
import { performance } from 'node:perf_hooks';

export const DAY = 86_400_000;
export const MINUTE = 60_000;

/** RFC 3339 UTC without milliseconds, as the API writes it. */
export const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Today's UTC midnight plus `days` days, in ms. */
export const midnightPlus = (days) => Math.floor(Date.now() / DAY) * DAY + days * DAY;

/** Nearest-rank percentile (0..100) of a numeric array (need not be sorted). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

/**
 * The bodies of one burst of POST /v1/reservations for `eventId`, one distinct guest each:
 *   storm:  all for the same slot, `firstDayMs` + 09:00 (expect 1 x 201, the rest 409);
 *   spread: `n` consecutive slots of `stepMinutes` from `firstDayMs` (expect n x 201).
 */
export function bookingBodies(kind, eventId, n, { firstDayMs = midnightPlus(2), stepMinutes = 30 } = {}) {
  if (kind !== 'storm' && kind !== 'spread') throw new Error(`unknown load ${kind}`);
  return Array.from({ length: n }, (_, i) => ({
    event_id: eventId,
    start: iso(firstDayMs + (kind === 'storm' ? 9 * 60 * MINUTE : i * stepMinutes * MINUTE)),
    guest: { email: `bench${i}@example.com`, name: `Bench Guest ${i}` },
  }));
}

/**
 * Fires `send(i)` for i in 0..n-1 all at once; each resolves to an HTTP status (or
 * throws: counted under the error's code). Returns the burst's wall time and every
 * request's latency, in ms, and the count of each status.
 */
export async function burst(n, send) {
  const latencies = new Array(n);
  const statuses = {};
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t = performance.now();
      let status;
      try {
        status = await send(i);
      } catch (error) {
        status = `error:${error.code ?? error.name}`;
      }
      latencies[i] = performance.now() - t;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }),
  );
  return { wall: performance.now() - t0, latencies, statuses };
}

/** "201x1 409x499": the counts of a statuses object (an average may be fractional). */
export const formatStatuses = (statuses) =>
  Object.entries(statuses)
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([k, v]) => `${k}x${Number.isInteger(v) ? v : v.toFixed(1)}`)
    .join(' ');

/**
 * Several bursts as one: requests/second over the summed wall time, p50/p99 over all
 * their latencies, and the status counts per burst (averaged over the bursts).
 */
export function summarize(runs) {
  const latencies = runs.flatMap((r) => r.latencies);
  const wall = runs.reduce((a, r) => a + r.wall, 0);
  const statuses = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v / runs.length;
  return {
    requests: latencies.length,
    rps: (latencies.length / wall) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    wall,
    statuses,
  };
}

/**
 * A plain-text table: `cols` are the column names, `rows` objects keyed by them.
 * Columns named in `right` are right-aligned (numbers).
 */
export function table(cols, rows, { right = [] } = {}) {
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const cell = (v, i) => (right.includes(cols[i]) ? String(v ?? '').padStart(width[i]) : String(v ?? '').padEnd(width[i]));
  const line = (vals) => `| ${vals.map(cell).join(' | ')} |`;
  return [line(cols), `|${width.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
}
