// A charger that keeps charging through a gateway node dying under it, as a real one does: it
// runs sessions back to back, and when its connection drops it reconnects (through whatever load
// balancer the URL names), boots, and first finishes the transaction it had open with
// StopTransaction. The ledger keeps what the charger was told, which is what the store must hold.

import { setTimeout as sleep } from 'node:timers/promises';
import { SimCharger } from '../../simulators/charger/charger.js';
import type { Stats } from '../../simulators/charger/stats.js';

export interface Ledger {
  /** Transaction id → charger id, for every StartTransaction.conf a charger received. */
  started: Map<number, string>;
  /** Transaction ids whose StopTransaction.conf a charger received. */
  stopped: Set<number>;
}

export const newLedger = (): Ledger => ({ started: new Map(), stopped: new Set() });

export interface RoamingOptions {
  url: string;
  id: string;
  ledger: Ledger;
  /** Pause between meter samples; two samples per session. */
  meterIntervalMs: number;
  callTimeoutMs?: number;
  stats?: Stats;
}

export interface Roaming {
  readonly id: string;
  /** Resolves once booted and announced Available the first time. */
  ready: Promise<void>;
  charger(): SimCharger | undefined;
  /** Connections opened after the first. */
  reconnects(): number;
  sessions(): number;
  /** Finishes the session in progress, then closes; resolves when closed. */
  stop(deadlineMs: number): Promise<void>;
}

const RECONNECT_ATTEMPTS = 40;

export function roam(opts: RoamingOptions): Roaming {
  let current: SimCharger | undefined;
  let open: { transactionId: number } | undefined;
  let connections = 0;
  let sessions = 0;
  let stopping = false;
  let tag = 0;
  let meterWh = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const connect = async (): Promise<SimCharger> => {
    for (let attempt = 1; ; attempt++) {
      const c = new SimCharger({ url: opts.url, id: opts.id, callTimeoutMs: opts.callTimeoutMs ?? 15_000, stats: opts.stats });
      try {
        await c.connect();
        const conf = await c.boot();
        if (conf.status !== 'Accepted') throw new Error(`BootNotification ${conf.status}`);
        await c.status(0, 'Available');
        await c.status(1, 'Available');
        connections++;
        return c;
      } catch (err) {
        await c.close();
        if (attempt === RECONNECT_ATTEMPTS) throw new Error(`${opts.id}: no connection after ${attempt} attempts: ${(err as Error).message}`);
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
      }
    }
  };

  /** The charger's offline queue, one entry deep: the stop of the transaction the drop interrupted. */
  const finishOpen = async (c: SimCharger) => {
    if (!open) return;
    const { transactionId } = open;
    await c.stopTransaction({ transactionId, meterStop: meterWh, reason: 'PowerLoss' });
    opts.ledger.stopped.add(transactionId);
    open = undefined;
  };

  const session = async (c: SimCharger) => {
    const idTag = `${opts.id}-${++tag}`.slice(0, 20);
    await c.status(1, 'Preparing');
    await c.authorize(idTag);
    const start = await c.startTransaction({ connectorId: 1, idTag, meterStart: meterWh });
    opts.ledger.started.set(start.transactionId, opts.id);
    open = { transactionId: start.transactionId };
    await c.status(1, 'Charging');
    for (let i = 0; i < 2; i++) {
      await sleep(opts.meterIntervalMs);
      meterWh += 100;
      await c.meterValues({ connectorId: 1, transactionId: start.transactionId, valueWh: meterWh });
    }
    await c.stopTransaction({ transactionId: start.transactionId, meterStop: meterWh, idTag, reason: 'Local' });
    opts.ledger.stopped.add(start.transactionId);
    open = undefined;
    await c.status(1, 'Available');
    sessions++;
  };

  const run = (async () => {
    while (!stopping) {
      if (!current?.isOpen) {
        current = await connect();
        if (connections === 1) markReady();
        try {
          await finishOpen(current);
        } catch {
          continue; // dropped again: the next connection tries again
        }
      }
      await session(current).catch(() => undefined); // a drop: reconnect at the top
    }
    await current?.close();
  })();
  run.catch(() => markReady()); // a charger that never connects must not hold `ready` for ever

  return {
    id: opts.id,
    ready,
    charger: () => current,
    reconnects: () => Math.max(0, connections - 1),
    sessions: () => sessions,
    async stop(deadlineMs) {
      stopping = true;
      const late = new AbortController();
      const timer = sleep(deadlineMs, undefined, { signal: late.signal }).then(() => {
        throw new Error(`${opts.id}: did not stop within ${deadlineMs} ms`);
      });
      timer.catch(() => undefined);
      try {
        await Promise.race([run, timer]);
      } finally {
        late.abort();
      }
    },
  };
}
