import type { Store } from '../../store/index.js';
import type { DeliveryRecord } from '../../store/deliveries.js';
import type { Cursor } from '../../store/deliveryCursors.js';

/** What a subscription worker writes after its attempts: their log rows and how far it got. */
export interface Bookkeeping {
  rows: DeliveryRecord[];
  advance?: Cursor;
}

export type Bookkeeper = (b: Bookkeeping) => Promise<void>;

/** The furthest position per subscription in a gathered list (each subscription's writes come in order). */
export function cursorsOf(list: Bookkeeping[]): Cursor[] {
  const cursors = new Map<string, number>();
  for (const { advance } of list) {
    if (advance) cursors.set(advance.subscriptionId, Math.max(cursors.get(advance.subscriptionId) ?? advance.seq, advance.seq));
  }
  return [...cursors].map(([subscriptionId, seq]) => ({ subscriptionId, seq }));
}

/**
 * Attempt rows and cursors in one transaction, where the log is (store/deliveries.ts): a crash
 * repeats logged attempts with their cursor, never splits them. A gathered batch becomes a few
 * inserts and one cursor statement for all its subscriptions (src/store/db.ts insertChunks).
 */
export function applyBookkeeping(store: Store, list: Bookkeeping[]): Promise<void> {
  return store.deliveries.log(list.flatMap((b) => b.rows), cursorsOf(list));
}

/** How long the delivery thread gathers writes before applying them as one. */
const GATHER_MS = 10;

/**
 * Writes made within GATHER_MS of each other, across subscriptions, applied as one batch: a
 * transaction per flush of each busy subscription cost the thread much of its CPU
 * (docs/bench-log/2026-11.md). Each writer is answered when its batch is.
 */
export function gatherBookkeeping(apply: (list: Bookkeeping[]) => Promise<void>): Bookkeeper {
  type Waiting = { b: Bookkeeping; resolve: () => void; reject: (err: unknown) => void };
  let gathered: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  // One batch at a time, in order: a subscription's later cursor never lands before its earlier rows.
  let applied: Promise<void> = Promise.resolve();

  function flush(): void {
    timer = undefined;
    const batch = gathered;
    gathered = [];
    applied = applied.then(() =>
      apply(batch.map((w) => w.b)).then(
        () => batch.forEach((w) => w.resolve()),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      ),
    );
  }

  return (b) =>
    new Promise<void>((resolve, reject) => {
      gathered.push({ b, resolve, reject });
      timer ??= setTimeout(flush, GATHER_MS);
    });
}
