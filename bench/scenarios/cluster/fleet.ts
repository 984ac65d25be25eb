// The parent side of the cluster-hold client processes (fleet-child.ts): fork one per
// share of the fleet, each from its own loopback source address, and collect what they hold.

import { forkChild } from '../../lib/fork-child.js';

export interface FleetPart {
  /** Every node's OCPP URL; the share is split evenly over them. */
  urls: string[];
  count: number;
  idPrefix: string;
  firstIndex: number;
  /** Connections per second and handshakes in flight, for the whole share. */
  connectRate: number;
  maxConnecting: number;
  localAddress: string;
}

export type FleetToChild = { type: 'hold'; part: FleetPart } | { type: 'close' };
export type FleetFromChild =
  /** `held[i]`: chargers open on `urls[i]`. */
  | { type: 'held'; held: number[]; failed: number; connectMs: number; connectionErrors: Record<string, number>; rssKiB: number }
  /** Every 30 s while connecting: sockets opened minus closed so far. */
  | { type: 'progress'; open: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

export type Held = Extract<FleetFromChild, { type: 'held' }>;

export interface FleetProcess {
  held: Promise<Held>;
  /** The last progress count, for a run that ends before every charger is up. */
  open(): number;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 60_000;

export function startFleetProcess(part: FleetPart, timeoutMs: number): FleetProcess {
  const { child, output } = forkChild(new URL('./fleet-child.ts', import.meta.url), [], 20);
  const reply = (type: FleetFromChild['type'], ms: number) =>
    new Promise<FleetFromChild>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fleet child ${part.localAddress}: no ${type} in ${ms} ms${output()}`)), ms);
      const onMessage = (m: FleetFromChild) => {
        if (m.type !== type && m.type !== 'failed') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (m.type === 'failed') reject(new Error(`fleet child ${part.localAddress}: ${m.message}`));
        else resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fleet child ${part.localAddress} exited with ${code}${output()}`));
      });
    });
  let open = 0;
  child.on('message', (m: FleetFromChild) => {
    if (m.type === 'progress') open = m.open;
  });
  const held = reply('held', timeoutMs) as Promise<Held>;
  held.catch(() => undefined); // read by the caller; a late rejection must not crash the run
  child.send({ type: 'hold', part } satisfies FleetToChild);
  return {
    held,
    open: () => open,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = reply('closed', CLOSE_TIMEOUT_MS).catch(() => child.kill('SIGKILL'));
      child.send({ type: 'close' } satisfies FleetToChild);
      await closed;
    },
  };
}
