import type { Store } from '../store/index.js';
import type { DeliveryRecord } from '../store/deliveries.js';

/** What a subscription worker writes after its attempts: their log rows and how far it got. */
export interface Bookkeeping {
  rows: DeliveryRecord[];
  advance?: { subscriptionId: string; seq: number };
}

export type Bookkeeper = (b: Bookkeeping) => Promise<void>;

/** Both in one transaction: a crash repeats the logged attempts with the cursor, never splits them. */
export function writeBookkeeping(store: Store): Bookkeeper {
  return (b) =>
    store.transact(async (tx) => {
      if (b.rows.length > 0) await tx.deliveries.recordAll(b.rows);
      if (b.advance) await tx.subscriptions.advance(b.advance.subscriptionId, b.advance.seq);
    });
}

/**
 * The delivery thread's writes, done by the main thread's connection instead (SQLite). SQLite
 * has one writer at a time: with two connections, a charger's event write waited in SQLite's
 * busy handler (sleeps of 1, 2, 5, 10 ms… on the charger path's event loop) whenever the
 * thread, running at a lower priority, held the lock. One connection writing has nobody to
 * wait for.
 */
export function bookkeeperVia(post: (m: { t: 'write'; id: number; bookkeeping: Bookkeeping }) => void) {
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  return {
    write: ((bookkeeping) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ t: 'write', id, bookkeeping });
      })) as Bookkeeper,
    /** The main thread's answer to write `id`. */
    written(id: number, error?: string): void {
      const p = pending.get(id);
      pending.delete(id);
      if (error === undefined) p?.resolve();
      else p?.reject(new Error(error));
    },
  };
}
