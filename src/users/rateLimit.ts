import type { FailureStore, KeyLimit } from '../store/failures.js';

export interface FailureLimit {
  windowMs: number;
  /** Attempts a key may have counted within the window. */
  maxFailures: (key: string) => number;
}

/** An attempt counted against its keys before its secret is checked. */
export interface Reservation {
  ids: number[];
}

/**
 * Limits attempts at a guessed secret per key, in the store (so every node sees the same count).
 * Each attempt is reserved before its secret is checked, atomically with the check that every
 * key is under its limit, so attempts arriving at once cannot all pass one stale count. A
 * reservation stays counted as a failure unless released: an error in between counts too.
 */
export function createFailureLimiter(store: FailureStore, limit: FailureLimit) {
  const since = (now: Date) => new Date(now.getTime() - limit.windowMs);
  return {
    /** The reservation, or undefined when a key has reached its limit (refuse without checking). */
    async reserve(keys: string[], now = new Date()): Promise<Reservation | undefined> {
      const limits: KeyLimit[] = keys.map((key) => ({ key, max: limit.maxFailures(key) }));
      const ids = await store.reserve(limits, now, since(now));
      return ids && { ids };
    },

    /** Seconds until a refused key frees a slot (at least 1: a refusal always waits). */
    async retryAfterSec(keys: string[], now = new Date()): Promise<number> {
      let wait = 1;
      for (const key of keys) {
        const { count, oldest } = await store.since(key, since(now));
        if (count >= limit.maxFailures(key) && oldest) wait = Math.max(wait, Math.ceil((Date.parse(oldest) + limit.windowMs - now.getTime()) / 1000));
      }
      return wait;
    },

    /** The secret was wrong: the reservation stays as the failure. */
    async failed(_reservation: Reservation, now = new Date()): Promise<void> {
      // Old rows serve no count: dropping them as failures are added keeps the table as small as one window.
      await store.prune(since(now));
    },

    /** The secret was right: the attempt is given back, and `forget`'s earlier failures with it. */
    release: (reservation: Reservation, forget?: string) => store.release(reservation.ids, forget),
  };
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>;
