// A timed load phase against the gateway with an upstream behind it (the webhook provider, an
// eMSP): what it achieved, the CPU of both processes, and whether it held. Shared by the
// scenarios that put the gateway in front of a simulator.

import type { LoadResult } from './load-patterns.js';
import { cpuMeter } from './proc-cpu.js';
import type { ServerProcess } from './server-process.js';

export interface Phase extends LoadResult {
  /** Target of an open-loop phase; unset for the closed loop (saturation). */
  rate?: number;
  /** Calls in flight in the closed loop. */
  window?: number;
  /** Achieved below 90 % of the target rate, or any error, timeout or unexpected reply. */
  collapsed: boolean;
  /** See markQueueing; set on a part's open-loop phases. */
  queueing?: boolean;
  gatewayCpuPct?: number;
  /** CPU of the upstream the gateway calls (the webhook provider or the eMSP). */
  providerCpuPct: number;
}

const COLLAPSE_BELOW = 0.9;
const QUEUEING_ABOVE = 10;

/** True when the phase fell under 90 % of its rate or any call did not end with `expected`. */
export function judge(run: LoadResult, expected: string, rate?: number): boolean {
  const unexpected = run.sent - (run.statuses[expected] ?? 0);
  return unexpected > 0 || (rate !== undefined && run.perSec < COLLAPSE_BELOW * rate);
}

/**
 * Marks the open-loop phases whose p50 is over 10× that of the part's lowest rate: replies
 * fall behind the schedule and a queue builds. A 4 s phase can hide that from the achieved
 * rate, since every call is still answered shortly after the phase ends.
 */
export function markQueueing(phases: Phase[]): Phase[] {
  const base = phases.find((p) => p.rate !== undefined)?.latencyMs.p50;
  return phases.map((p) => (p.rate === undefined || base === undefined ? p : { ...p, queueing: p.latencyMs.p50 > QUEUEING_ABOVE * base }));
}

/** Runs one phase, reading the gateway's and the upstream's CPU over it; a gateway that exited fails the run. */
export async function measure(
  procs: { gateway: ServerProcess; provider: ServerProcess },
  load: { rate?: number; window?: number },
  expected: string,
  run: () => Promise<LoadResult>,
): Promise<Phase> {
  const gatewayCpu = cpuMeter(procs.gateway.pid);
  const providerCpu = cpuMeter(procs.provider.pid); // NaN once the upstream is stopped
  const result = await run();
  const phase = { ...load, ...result, collapsed: judge(result, expected, load.rate), gatewayCpuPct: gatewayCpu.pct(), providerCpuPct: providerCpu.pct() };
  const exited = procs.gateway.exitedEarly();
  if (exited) throw new Error(`${exited}\n${procs.gateway.output()}`);
  return phase;
}

// The gateway logs at warn: anything it wrote during the phases is worth a look.
export function logLines(gateway: ServerProcess): string[] {
  const output = gateway.output();
  return output ? output.split('\n') : [];
}
