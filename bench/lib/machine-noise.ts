// What the machine took from both processes during a phase: CPU time the
// hypervisor gave to other guests (steal) and the kernel's memory-access
// monitor (kdamond). Tail latencies on these VMs follow both, for the floor as
// much as for the gateway, so each phase reports them beside its figures.

import { readdirSync, readFileSync } from 'node:fs';
import { cpuMsOf } from './proc-cpu.js';

export interface Noise {
  /** Steal time, % of all CPUs' time over the phase (NaN off Linux). */
  stealPct: number;
  /** CPU ms the kernel's DAMON threads ran during the phase (0 where there are none). */
  kdamondMs: number;
}

/** Starts a reading; `read()` is what the machine took since then. */
export function noiseMeter(): { read(): Noise } {
  const start = cpuTimes();
  const monitors = kdamondPids();
  const monitorStart = sumCpu(monitors);
  return {
    read() {
      const end = cpuTimes();
      const total = end.total - start.total;
      return {
        stealPct: total > 0 ? Math.round(((end.steal - start.steal) / total) * 1000) / 10 : NaN,
        kdamondMs: sumCpu(monitors) - monitorStart,
      };
    },
  };
}

function cpuTimes(): { steal: number; total: number } {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is inside user).
    const fields = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: fields[7], total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return { steal: NaN, total: NaN };
  }
}

function kdamondPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'latin1').startsWith('kdamond');
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

function sumCpu(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuMsOf(pid) || 0), 0);
}

/**
 * A phase whose machine gave more than this share of its CPU to other guests measured the
 * neighbours: on the VMs of 2026-11-30 the bare floor server's p99 at 2,000/s was 2.5-8 ms at
 * 0-3 % steal, 14 ms at 6 %, and 40-120 ms at 20-50 %. Such phases are printed, but targets are
 * judged on the rest.
 */
export const DISTURBED_STEAL_PCT = 5;

export function disturbed(...phases: { noise: Noise }[]): boolean {
  return phases.some((p) => p.noise.stealPct > DISTURBED_STEAL_PCT);
}
