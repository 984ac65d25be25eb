import type { Store } from '../store/index.js';
import type { DeliveryRecord } from '../store/deliveries.js';

/** What a subscription worker writes after its attempts: their log rows and how far it got. */
export interface Bookkeeping {
  rows: DeliveryRecord[];
  advance?: { subscriptionId: string; seq: number };
}

export type Bookkeeper = (b: Bookkeeping) => Promise<void>;

/**
 * In one transaction: a crash repeats logged attempts with their cursor, never splits them. A
 * gathered batch becomes a few inserts (src/store/db.ts insertChunks) and one cursor update
 * statement for all its subscriptions (each subscription's rows keep their order), instead of an
 * insert and an update per subscription.
 */
export function applyBookkeeping(store: Store, list: Bookkeeping[]): Promise<void> {
  const rows = list.flatMap((b) => b.rows);
  const cursors = new Map<string, number>();
  for (const { advance } of list) {
    if (advance) cursors.set(advance.subscriptionId, Math.max(cursors.get(advance.subscriptionId) ?? advance.seq, advance.seq));
  }
  return store.transact(async (tx) => {
    await tx.deliveries.recordAll(rows);
    await tx.subscriptions.advanceAll([...cursors].map(([subscriptionId, seq]) => ({ subscriptionId, seq })));
  });
}

/**
 * Rows per transaction when the main thread applies the delivery thread's writes. A gathered
 * batch at a few thousand deliveries a second held the charger path's event loop for 3-7 ms
 * (better-sqlite3 runs synchronously); slices this size take well under a millisecond each, and
 * the charger frames that arrived meanwhile are handled between them.
 */
const SLICE_ROWS = 32;

/** As applyBookkeeping, a slice at a time with a turn of the event loop between slices; each flush whole in one. */
export async function applyBookkeepingInSlices(store: Store, list: Bookkeeping[]): Promise<void> {
  let slice: Bookkeeping[] = [];
  let rows = 0;
  for (const [k, b] of list.entries()) {
    slice.push(b);
    rows += b.rows.length;
    if (rows < SLICE_ROWS && k < list.length - 1) continue;
    await applyBookkeeping(store, slice);
    [slice, rows] = [[], 0];
    if (k < list.length - 1) await new Promise((next) => setImmediate(next));
  }
}

export function writeBookkeeping(store: Store): Bookkeeper {
  return (b) => applyBookkeeping(store, [b]);
}

/** How long the delivery thread gathers writes before handing them over as one. */
const GATHER_MS = 10;

/**
 * The delivery thread's writes, done by the main thread's connection instead (SQLite). SQLite
 * has one writer at a time: with two connections, a charger's event write waited in SQLite's
 * busy handler (sleeps of 1, 2, 5, 10 ms… on the charger path's event loop) whenever the
 * thread, running at a lower priority, held the lock. One connection writing has nobody to
 * wait for. Writes are gathered for GATHER_MS across subscriptions: a message between threads
 * wakes the other one, and one per flush (~500/s with 100 busy subscriptions) cost the thread
 * a tenth of its CPU.
 */
export function bookkeeperVia(post: (m: { t: 'write'; id: number; json: string }) => void) {
  type Waiting = { b: Bookkeeping; resolve: () => void; reject: (err: Error) => void };
  let nextId = 1;
  let gathered: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  const sent = new Map<number, Waiting[]>();

  function send(): void {
    timer = undefined;
    const id = nextId++;
    sent.set(id, gathered);
    // As JSON text: cheaper to pass than the cloned rows.
    post({ t: 'write', id, json: JSON.stringify(gathered.map((w) => w.b)) });
    gathered = [];
  }

  return {
    write: ((b) =>
      new Promise<void>((resolve, reject) => {
        gathered.push({ b, resolve, reject });
        timer ??= setTimeout(send, GATHER_MS);
      })) as Bookkeeper,
    /** The main thread's answer to write `id`. */
    written(id: number, error?: string): void {
      const batch = sent.get(id) ?? [];
      sent.delete(id);
      for (const w of batch) {
        if (error === undefined) w.resolve();
        else w.reject(new Error(error));
      }
    },
  };
}
