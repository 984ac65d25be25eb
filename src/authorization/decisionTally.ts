import type { Logger } from '../log.js';
import { minuteOf, type DecisionCount, type DecisionCountStore } from '../store/decisionCounts.js';

const HOUR = 3600_000;
/** Kept a day: the dashboard reads the last hour; the rest is slack for a clock or a late flush. */
const KEEP_MS = 24 * HOUR;

/**
 * Decisions counted per installation, minute and source in memory and added to the store in one
 * write per interval, never one per decision on the charger path. A crash loses at most one interval.
 */
export function createDecisionTally(store: Pick<DecisionCountStore, 'add' | 'prune'>, log: Logger, intervalMs: number) {
  let counts = new Map<string, DecisionCount>();
  let timer: NodeJS.Timeout | undefined;
  let prunedAt = 0;

  async function flush(): Promise<void> {
    timer = undefined;
    const batch = [...counts.values()];
    counts = new Map();
    try {
      await store.add(batch);
      if (Date.now() - prunedAt > HOUR) {
        prunedAt = Date.now();
        await store.prune(minuteOf(new Date(Date.now() - KEEP_MS)));
      }
    } catch (err) {
      log.warn({ err }, 'decision counts for the dashboard not stored');
    }
  }

  return {
    add(installationId: string, source: string, at = new Date()): void {
      const minute = minuteOf(at);
      const key = `${installationId}\u0000${minute}\u0000${source}`;
      const row = counts.get(key);
      if (row) row.count++;
      else counts.set(key, { installationId, minute, source, count: 1 });
      if (!timer) {
        timer = setTimeout(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    /** Stores what is counted now (at shutdown, and for tests that read at once). */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      await flush();
    },
  };
}

export type DecisionTally = ReturnType<typeof createDecisionTally>;
