/**
 * Per-provider circuit breaker: after `failures` consecutive unreachable outcomes it opens for
 * `cooldownMs` (decisions go straight to the offline policy, so chargers don't each wait for a
 * timeout), then lets exactly one probe through; its outcome closes or reopens it.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface Breaker {
  /** True when a call may go out now (closed, or the single half-open probe). */
  tryAcquire(key: string): boolean;
  success(key: string): void;
  failure(key: string): void;
  state(key: string): BreakerState;
  /** Every provider the breaker has seen, with its state now (read at scrape time). */
  states(): Iterable<[string, BreakerState]>;
}

interface Circuit {
  failures: number;
  openUntil: number;
  probing: boolean;
}

export function createBreaker(opts: { failures: number; cooldownMs: number; now?: () => number }): Breaker {
  const now = opts.now ?? Date.now;
  const circuits = new Map<string, Circuit>();
  const get = (key: string) => {
    let c = circuits.get(key);
    if (!c) circuits.set(key, (c = { failures: 0, openUntil: 0, probing: false }));
    return c;
  };
  const state = (c: Circuit): BreakerState => (c.failures < opts.failures ? 'closed' : c.openUntil > now() || c.probing ? 'open' : 'half_open');

  return {
    tryAcquire(key) {
      const c = get(key);
      const s = state(c);
      if (s === 'closed') return true;
      if (s === 'open') return false;
      c.probing = true;
      return true;
    },
    success(key) {
      const c = get(key);
      c.failures = 0;
      c.probing = false;
    },
    failure(key) {
      const c = get(key);
      c.failures++;
      c.probing = false;
      if (c.failures >= opts.failures) c.openUntil = now() + opts.cooldownMs;
    },
    state: (key) => state(get(key)),
    *states() {
      for (const [key, c] of circuits) yield [key, state(c)];
    },
  };
}
