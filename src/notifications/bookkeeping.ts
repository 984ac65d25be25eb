import type { Store } from '../store/index.js';
import type { DeliveryRecord } from '../store/deliveries.js';

/** How far a subscription's deliveries got: the seq of its last delivered event. */
export interface Cursor {
  subscriptionId: string;
  seq: number;
}

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
 * PostgreSQL, where the log shares the database: in one transaction, so a crash repeats logged
 * attempts with their cursor, never splits them. A gathered batch becomes a few inserts
 * (src/store/db.ts insertChunks) and one cursor update statement for all its subscriptions.
 */
export function applyBookkeeping(store: Store, list: Bookkeeping[]): Promise<void> {
  return store.transact(async (tx) => {
    await tx.deliveries.recordAll(list.flatMap((b) => b.rows));
    await tx.subscriptions.advanceAll(cursorsOf(list));
  });
}

/**
 * SQLite: the attempt rows go to the delivery log's own file, which only this thread writes;
 * then the cursors, through `moveCursors` (the main thread's connection, gateway.sqlite's one
 * writer: bookkeeperVia). Rows first: a crash between the two repeats those deliveries (at
 * least once), and the log shows both sends.
 */
export function applySplitBookkeeping(store: Store, moveCursors: (cursors: Cursor[]) => Promise<void>) {
  return async (list: Bookkeeping[]): Promise<void> => {
    await store.deliveries.recordAll(list.flatMap((b) => b.rows));
    const cursors = cursorsOf(list);
    if (cursors.length > 0) await moveCursors(cursors);
  };
}

/** How long the delivery thread gathers writes before applying them as one. */
const GATHER_MS = 10;

/**
 * Writes made within GATHER_MS of each other, across subscriptions, applied as one batch: a
 * transaction (and, on SQLite, a message to the main thread) per flush of each busy
 * subscription cost the thread much of its CPU (docs/bench-log/2026-11.md). Each writer is
 * answered when its batch is.
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

/**
 * The delivery thread's cursor moves, made by the main thread's connection (SQLite has one
 * writer at a time: with the thread writing gateway.sqlite too, a charger's event write waited
 * in SQLite's busy handler, on the charger path's event loop, whenever the thread, running at
 * a lower priority, held the lock). One message per gathered batch; each answered by id.
 */
export function cursorsVia(post: (m: { t: 'write'; id: number; cursors: Cursor[] }) => void) {
  let nextId = 1;
  const sent = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  return {
    move: (cursors: Cursor[]) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        sent.set(id, { resolve, reject });
        post({ t: 'write', id, cursors });
      }),
    /** The main thread's answer to write `id`. */
    written(id: number, error?: string): void {
      const w = sent.get(id);
      sent.delete(id);
      if (error === undefined) w?.resolve();
      else w?.reject(new Error(error));
    },
  };
}
