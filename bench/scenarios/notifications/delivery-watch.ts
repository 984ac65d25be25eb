// Watch helpers for the notifications scenario: a sampler of the receiver's
// delivered count and a bounded wait for a condition.

import { setTimeout as sleep } from 'node:timers/promises';

export interface Sample {
  /** ms since the sampler started. */
  t: number;
  delivered: number;
  /** Events written so far × subscriptions. */
  offered: number;
}

/** Calls `read` every `everyMs` until stopped; stop() takes one last sample and returns them all. */
export function sampler(read: () => Promise<Omit<Sample, 't'>>, everyMs: number): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const started = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      await sleep(everyMs);
      samples.push({ t: performance.now() - started, ...(await read()) });
    }
  })();
  return {
    // The last sample is taken at once, so one taken after the load stopped cannot skew the rates.
    stop: async () => {
      const last = { t: performance.now() - started, ...(await read()) };
      running = false;
      await loop;
      return [...samples.filter((s) => s.t < last.t), last];
    },
  };
}

/** Steady-state rate and backlog growth from `fromMs` on: per second, between the first and last sample. */
export function steadyState(samples: Sample[], fromMs: number): { deliveredPerSec: number; backlogGrowthPerSec: number; backlogAtEnd: number } {
  const window = samples.filter((s) => s.t >= fromMs);
  const first = window.length >= 2 ? window[0] : { t: 0, delivered: 0, offered: 0 };
  const last = samples.at(-1) ?? first;
  const seconds = (last.t - first.t) / 1000;
  const backlog = (s: Omit<Sample, 't'>) => s.offered - s.delivered;
  return {
    deliveredPerSec: seconds > 0 ? Math.round((last.delivered - first.delivered) / seconds) : 0,
    backlogGrowthPerSec: seconds > 0 ? Math.round((backlog(last) - backlog(first)) / seconds) : 0,
    backlogAtEnd: backlog(last),
  };
}

/** Polls `done` every `everyMs`; resolves with the ms it took, or null once `timeoutMs` has passed. */
export async function waitUntil(done: () => Promise<boolean>, everyMs: number, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  while (!(await done())) {
    if (performance.now() - started > timeoutMs) return null;
    await sleep(everyMs);
  }
  return performance.now() - started;
}
