// Opt-in (BENCH_STALL_TRACE=dir): a bench server child writes every GC pause and every
// event-loop stall of 5 ms or more, with a timestamp, to dir/<pid>.log. Tail latency in a
// bench is read against it: a p99 made by pauses shows up here, one made elsewhere (the load
// generator, the kernel, another process) does not.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const STALL_MS = 5;
const TICK_MS = 1;
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export function startStallTrace(dir = process.env.BENCH_STALL_TRACE): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.log`);
  const lines: string[] = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as unknown as { detail: { kind: number } }).detail?.kind] ?? 'gc';
      if (e.duration >= 1) lines.push(`${stamp()} gc ${kind} ${e.duration.toFixed(1)} ms`);
    }
  }).observe({ entryTypes: ['gc'] });
  // The process's CPU time over the stall tells a busy thread (CPU ≈ stall) from one that
  // waited for a core, a lock or the disk (CPU ≪ stall).
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const late = now - last - TICK_MS;
    if (late >= STALL_MS) {
      const used = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      lines.push(`${stamp()} stall ${late.toFixed(1)} ms, process CPU ${used.toFixed(1)} ms`);
    }
    last = now;
    lastCpu = cpu;
  }, TICK_MS).unref();
  setInterval(() => {
    if (lines.length) appendFileSync(file, lines.splice(0).join('\n') + '\n');
  }, 500).unref();
}
