import type { AttemptResult } from './delivery/webhookSink.js';

/** How one delivery attempt ended, as counted at /metrics. */
export type AttemptOutcome = 'delivered' | 'rejected' | 'gone' | 'unreachable';

export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ['delivered', 'rejected', 'gone', 'unreachable'];

/** 2xx delivered; 410 gone; another HTTP status rejected; no answer at all (or Kafka refused) unreachable. */
export function attemptOutcome(r: Pick<AttemptResult, 'ok' | 'gone' | 'status'>): AttemptOutcome {
  if (r.ok) return 'delivered';
  if (r.gone) return 'gone';
  return r.status === null ? 'unreachable' : 'rejected';
}

export type AttemptCounts = Record<AttemptOutcome, number>;

export const noAttempts = (): AttemptCounts => ({ delivered: 0, rejected: 0, gone: 0, unreachable: 0 });

/**
 * Attempts counted where they happen and handed on in batches: the delivery thread posts its
 * counts to the main thread at most once per interval, not one message per attempt.
 */
export function createAttemptTally(flush: (counts: AttemptCounts) => void, intervalMs: number) {
  let counts = noAttempts();
  let pending = false;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    if (!pending) return;
    const out = counts;
    counts = noAttempts();
    pending = false;
    flush(out);
  };
  return {
    add(r: AttemptResult): void {
      counts[attemptOutcome(r)]++;
      pending = true;
      if (!timer) {
        timer = setTimeout(drain, intervalMs);
        timer.unref();
      }
    },
    /** Sends what is counted now (before the thread stops). */
    flush(): void {
      if (timer) clearTimeout(timer);
      drain();
    },
  };
}
