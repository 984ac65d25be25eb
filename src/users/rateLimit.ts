import type { LoginFailureStore } from '../store/loginFailures.js';

export interface FailureLimit {
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts failed attempts per key in the store (so every node sees the same count). Once a key
 * has `maxFailures` within the window, `retryAfterSec` says how long until the oldest ages out.
 */
export function createFailureLimiter(store: LoginFailureStore, limit: FailureLimit) {
  return {
    /** Seconds to wait, or 0 when every key may try now. */
    async retryAfterSec(keys: string[], now = new Date()): Promise<number> {
      let wait = 0;
      for (const key of keys) {
        const { count, oldest } = await store.since(key, new Date(now.getTime() - limit.windowMs));
        if (count >= limit.maxFailures && oldest) wait = Math.max(wait, Math.ceil((Date.parse(oldest) + limit.windowMs - now.getTime()) / 1000));
      }
      return Math.max(0, wait);
    },

    async fail(keys: string[], now = new Date()): Promise<void> {
      await store.record(keys, now);
      // Old rows serve no count: dropping them here keeps the table as small as one window.
      await store.prune(new Date(now.getTime() - limit.windowMs));
    },

    clear: (key: string) => store.clear(key),
  };
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>;
