// Request counters for GET /_emulator/stats, keyed "METHOD /path/:template".

export function createRequestStats() {
  let byRoute = new Map();
  let total = 0;
  return {
    record(key) {
      total++;
      byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
    },
    snapshot() {
      return { total, by_route: Object.fromEntries([...byRoute.entries()].sort(([a], [b]) => a.localeCompare(b))) };
    },
    clear() {
      byRoute = new Map();
      total = 0;
    },
  };
}
