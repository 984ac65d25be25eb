// Two ways to load a server, generic over the request. Closed loop finds the
// ceiling; open loop measures latency at a given rate from the time each
// request was *due*, so a stalled server cannot hide its stall by slowing the
// generator down (coordinated omission).

import { setTimeout as sleep } from 'node:timers/promises';
import { Histogram, type HistogramSummary } from '../../simulators/charger/stats.js';
import { noiseMeter, type Noise } from './machine-noise.js';

/** Fires request number i (callers map i to a charger); resolves with the reply's status. */
export type Fire = (i: number) => Promise<string>;

export interface LoadResult {
  sent: number;
  /** Replies per second over the run (closed loop: the ceiling; open loop: should equal the target rate). */
  perSec: number;
  statuses: Record<string, number>;
  errors: number;
  latencyMs: HistogramSummary;
  /** CPU of this (generator) process over the run, % of one core: near 100 means the figure is the generator's limit, not the server's. */
  generatorCpuPct: number;
  /** What the machine took from every process meanwhile (steal, kernel monitor). */
  noise: Noise;
}

/**
 * `window` workers, each firing back-to-back until `durationMs` has passed.
 * Worker w fires i = w, w + window, w + 2·window…, so when i picks the charger
 * no charger ever has two calls in flight, as OCPP 1.6 expects.
 */
export async function closedLoop(fire: Fire, window: number, durationMs: number): Promise<LoadResult> {
  const tally = new Tally();
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < deadline; i += window) await tally.time(fire(i), performance.now());
  };
  await Promise.all(Array.from({ length: window }, (_, w) => worker(w)));
  return tally.result(performance.now() - started);
}

/** `rate` requests per second for `durationMs`, sent on schedule whatever the replies do. */
export async function openLoop(fire: Fire, rate: number, durationMs: number): Promise<LoadResult> {
  const tally = new Tally();
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; sent < due; sent++) inFlight.push(tally.time(fire(sent), started + (sent * 1000) / rate));
    if (sent < total) await sleep(1);
  }
  await Promise.all(inFlight);
  return tally.result(performance.now() - started);
}

class Tally {
  readonly latency = new Histogram();
  readonly statuses = new Map<string, number>();
  private readonly cpuAtStart = process.cpuUsage();
  private readonly noise = noiseMeter();
  sent = 0;
  errors = 0;

  /** Latency counts from `since`: the send time (closed loop) or the scheduled time (open loop). */
  async time(reply: Promise<string>, since: number): Promise<void> {
    this.sent++;
    try {
      const status = await reply;
      this.latency.record(performance.now() - since);
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    } catch {
      this.errors++;
    }
  }

  result(elapsedMs: number): LoadResult {
    return {
      sent: this.sent,
      perSec: Math.round((this.latency.count / elapsedMs) * 1000),
      statuses: Object.fromEntries(this.statuses),
      errors: this.errors,
      latencyMs: this.latency.summary(),
      generatorCpuPct: Math.round(cpuMs(process.cpuUsage(this.cpuAtStart)) / elapsedMs * 100),
      noise: this.noise.read(),
    };
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
