// CPU time of another process, read from /proc, so a phase can report how busy
// the gateway and the provider were while the load ran (a server near 100 % of a
// core is the limit; one well below it points at something else).

import { readFileSync } from 'node:fs';

// USER_HZ is 100 on every Linux the bench runs on; /proc/<pid>/stat counts in it.
const MS_PER_TICK = 10;

/** User + system CPU of `pid` in ms; NaN when unreadable (not Linux, or the process is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** Starts a reading; `pct()` is that process's CPU since then, in % of one core. */
export function cpuMeter(pid: number): { pct(): number } {
  const cpuAtStart = cpuMsOf(pid);
  const started = performance.now();
  return { pct: () => Math.round(((cpuMsOf(pid) - cpuAtStart) / (performance.now() - started)) * 100) };
}
