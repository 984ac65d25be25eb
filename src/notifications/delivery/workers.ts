import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';

const LEASE_MS = 60_000;
/**
 * A worker keeps its subscription's lease while events keep coming, renewing it at half time,
 * and gives it back after this long idle: two writes per drain (take, give back) were most of
 * the delivery thread's writes, and each one held SQLite's write lock against the charger path.
 */
const IDLE_RELEASE_MS = 2000;

export interface Worker {
  running?: Promise<void>;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** Until when this node holds the subscription's lease, as far as this worker knows (0: not held). */
  leasedUntil: number;
  idle?: NodeJS.Timeout;
}

export interface WorkersDeps {
  store: Store;
  log: Logger;
  nodeId: string;
  /** Delivers what the subscription has waiting; the job a kick runs. */
  drain: (id: string) => Promise<void>;
  /** Other nodes may share the database (PostgreSQL); otherwise leases are this process's alone. */
  clustered?: boolean;
}

/**
 * One worker per subscription: it runs one job at a time, holds the subscription's lease in
 * the store (one delivery in flight cluster-wide) and owns its timers.
 */
export function createWorkers(d: WorkersDeps) {
  const workers = new Map<string, Worker>();
  let stopped = true;
  const worker = (id: string) => {
    let w = workers.get(id);
    if (!w) workers.set(id, (w = { again: false, leasedUntil: 0 }));
    return w;
  };

  function kick(id: string): void {
    if (stopped) return;
    const w = worker(id);
    if (w.running) {
      w.again = true;
      return;
    }
    runJob(id, w, () => d.drain(id).catch((err) => d.log.error({ err, subscriptionId: id }, 'notification worker failed')));
  }

  /** One job at a time per subscription; a kick that came meanwhile runs a drain after it. */
  function runJob(id: string, w: Worker, job: () => Promise<void>): void {
    w.running = job().finally(() => {
      w.running = undefined;
      if (w.again) {
        w.again = false;
        kick(id);
      }
    });
  }

  /** Takes or renews the lease in the store only when it is not held or past half its time. */
  async function holdLease(id: string): Promise<boolean> {
    // One node per SQLite file: nobody to share a subscription with, so no write for it. The
    // delivery thread runs at idle priority, and a write lock it held when preempted would keep
    // the charger path's next write waiting until it ran again.
    if (!d.clustered) return true;
    const w = worker(id);
    const now = Date.now();
    if (w.leasedUntil - now > LEASE_MS / 2) return true;
    const held = await d.store.subscriptions.lease(id, d.nodeId, LEASE_MS);
    w.leasedUntil = held ? now + LEASE_MS : 0;
    return held;
  }

  /** Gives the lease back once the worker has been idle a while (another node may need it). */
  function releaseWhenIdle(id: string): void {
    if (!d.clustered) return;
    const w = worker(id);
    if (w.idle) clearTimeout(w.idle);
    w.idle = setTimeout(() => {
      if (w.running || w.leasedUntil === 0) return;
      w.leasedUntil = 0;
      // As a job of the worker, so a drain starting meanwhile waits and takes the lease afresh.
      runJob(id, w, () =>
        d.store.subscriptions.release(id, d.nodeId).catch((err) => d.log.warn({ err, subscriptionId: id }, 'could not release a subscription lease')),
      );
    }, IDLE_RELEASE_MS);
    w.idle.unref();
  }

  function scheduleAt(id: string, at: number): void {
    const w = worker(id);
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => kick(id), Math.max(0, at - Date.now()));
    w.timer.unref();
  }

  return {
    worker,
    kick,
    runJob,
    holdLease,
    releaseWhenIdle,
    scheduleAt,
    stopped: () => stopped,
    start() {
      stopped = false;
    },
    async stop() {
      stopped = true;
      for (const w of workers.values()) {
        if (w.timer) clearTimeout(w.timer);
        if (w.idle) clearTimeout(w.idle);
      }
      await Promise.all([...workers.values()].map((w) => w.running));
      // Leases still held go back now: another node (or this one restarted) takes over at once.
      const held = [...workers].filter(([, w]) => w.leasedUntil > 0);
      await Promise.all(held.map(([id]) => d.store.subscriptions.release(id, d.nodeId).catch(() => undefined)));
    },
  };
}

export type Workers = ReturnType<typeof createWorkers>;
