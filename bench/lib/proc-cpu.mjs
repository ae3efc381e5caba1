// CPU time by kind of process over a burst, read from /proc: what a throughput row was
// limited by. On a machine of two cores, a burst of W seconds has 2 W CPU seconds; the
// kind that used close to its share (one Node host's single thread: W) is the limit,
// and "other" is what the rest of the machine took from the bench.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** The kind a process counts under, by its command name and pid. */
function kindOf(pid, comm) {
  if (pid === process.pid) return 'bench';
  if (comm === 'postgres') return 'pg';
  if (comm === 'node' || comm.startsWith('workerd')) return 'target';
  return 'other';
}

/** CPU ticks used so far by every process now alive: pid -> { kind, ticks }. */
export function cpuTicksByProcess() {
  const ticks = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return null; // not Linux: the bench prints no CPU columns
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name is in parentheses and may hold spaces: the fields after it count.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const pid = Number(name);
    ticks.set(pid, { kind: kindOf(pid, comm), ticks: Number(fields[11]) + Number(fields[12]) }); // utime + stime
  }
  return ticks;
}

/**
 * Seconds of CPU by kind between two readings. A process that started meanwhile counts
 * whole; one that exited meanwhile is lost (the bench's servers outlive their bursts).
 */
export function cpuSecondsBetween(before, after) {
  if (!before || !after) return null;
  const out = { target: 0, pg: 0, bench: 0, other: 0 };
  for (const [pid, now] of after) out[now.kind] += (now.ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_S;
  return out;
}
