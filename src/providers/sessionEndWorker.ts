import type { Logger } from '../log.js';
import type { OutboxItem, OutboxStore } from '../store/outbox.js';
import type { DeliveryResult } from './sessionEnd.js';

export type Deliver = (item: OutboxItem) => Promise<DeliveryResult>;

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  deliver: Record<string, Deliver>;
  log: Logger;
  pollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Rows in flight at most, delivered concurrently (at most one per charger, see claimDue). */
  batch?: number;
  /** A claim not finished within this lease goes back to the queue (a dead worker). */
  leaseMs?: number;
  /** Written on claims, so a sweep can give back a dead node's claims at once. */
  owner?: string;
}

export interface OutboxWorker {
  start(): void;
  /** Look for work now (after an enqueue) instead of at the next poll. */
  kick(): void;
  stop(): Promise<void>;
  /**
   * Gives back the rows whose delivery is still in flight, for a shutdown out of time: they are
   * sent again (same id) at once by the next worker rather than after their lease.
   */
  abandon(): Promise<void>;
}

export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  // Jitter spreads retries of many rows so a recovering provider is not hit all at once.
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}

export function createOutboxWorker(o: OutboxWorkerOptions): OutboxWorker {
  const batch = o.batch ?? 32;
  const leaseMs = o.leaseMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  /** Rows being delivered, by outbox id, with the work that delivers each. */
  const inFlight = new Map<number, Promise<void>>();

  /** Delivers one claimed row on its own; a row that left the queue (delivered or cancelled) looks for more work. */
  function track(item: OutboxItem): void {
    const work = attempt(item)
      .catch((err) => {
        o.log.error({ err, eventId: item.eventId }, 'outbox delivery failed');
        return false;
      })
      .then((left) => {
        inFlight.delete(item.id);
        // A row that left the queue may have freed the next one of its charger.
        if (left) run();
      });
    inFlight.set(item.id, work);
  }

  async function attempt(item: OutboxItem): Promise<boolean> {
    const deliver = o.deliver[item.topic];
    let result: DeliveryResult;
    try {
      result = deliver ? await deliver(item) : { outcome: 'cancel', error: `no deliverer for ${item.topic}` };
    } catch (err) {
      result = { outcome: 'retry', status: null, error: (err as Error).message };
    }
    if (result.outcome === 'delivered') {
      await o.outbox.delivered(item.id, result.status);
      return true;
    }
    if (result.outcome === 'cancel') {
      o.log.warn({ eventId: item.eventId, reason: result.error }, 'delivery cancelled');
      await o.outbox.cancel(item.id, result.error);
      return true;
    }
    const retryAt = new Date(Date.now() + backoffMs(item.attempts + 1, o.retryBaseMs, o.retryMaxMs));
    o.log.warn({ eventId: item.eventId, attempt: item.attempts + 1, status: result.status, error: result.error, retryAt }, 'delivery failed; will retry');
    await o.outbox.failed(item.id, retryAt, result.error, result.status);
    return false;
  }

  /**
   * Claims as many rows as there is room for and starts each on its own: a slow call for one
   * charger does not hold up the next row of another (claimDue never hands out a second row of a
   * charger whose head is in flight, so each charger's order holds).
   */
  async function claim(): Promise<void> {
    do {
      again = false;
      const room = batch - inFlight.size;
      if (room <= 0) return;
      const items = await o.outbox.claimDue(room, leaseMs, o.owner);
      for (const item of items) track(item);
      if (items.length === room) again = true;
    } while (again && !stopped);
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = claim()
      .catch((err) => o.log.error({ err }, 'outbox round failed'))
      .finally(() => {
        running = undefined;
        if (again && !stopped) run();
      });
  }

  return {
    start() {
      stopped = false;
      timer = setInterval(run, o.pollMs);
      timer.unref();
      run();
    },
    kick: run,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      await Promise.all(inFlight.values());
    },
    abandon: () => o.outbox.release([...inFlight.keys()]),
  };
}
