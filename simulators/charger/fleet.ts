// Many simulated chargers against one central system: connected at a steady
// rate (a thundering herd measures the kernel's SYN queue, not the gateway),
// booted, announced Available, then running sessions. Failures are counted in
// Stats, never thrown, so a load run always ends with a report.

import { setTimeout as sleep } from 'node:timers/promises';
import { SimCharger } from './charger.js';
import { Stats } from './stats.js';
import { SUBPROTOCOLS, versionForIndex, type VersionShare } from './versions.js';

export interface FleetOptions {
  url: string;
  count: number;
  idPrefix?: string;
  /** Number of the first charger, so two fleets can share a central system without id clashes. */
  firstIndex?: number;
  /** Required when sessions > 0. */
  idTag?: string;
  sessions?: number;
  /** Connectors (1.6) or EVSEs (2.0.1) per charger, each announced Available after boot (sessions use the first). */
  connectors?: number;
  /** The OCPP versions the fleet speaks, as shares in percent, in consecutive blocks of ids (default all 1.6). */
  versions?: VersionShare[];
  /** New connections per second. */
  connectRate?: number;
  /** Upper bound on handshakes + boots in flight, so a slow server sees back-pressure rather than a flood. */
  maxConnecting?: number;
  meterIntervalMs?: number;
  meterSamples?: number;
  whPerSample?: number;
  /** Source addresses to spread sockets over; each gives its own ~28k ephemeral ports. */
  localAddresses?: string[];
  /** Send Heartbeat at the interval from BootNotification, from one fleet-wide timer. */
  heartbeat?: boolean;
  /** Keep the fleet connected until this long after the start before returning. */
  durationMs?: number;
  callTimeoutMs?: number;
  stats?: Stats;
  /** The same chargers restarting: each keeps what its predecessor stored (SimCharger.restartedFrom). */
  restartOf?: Fleet;
}

export interface Fleet {
  /** The chargers whose socket opened, in id order. */
  chargers: SimCharger[];
  stats: Stats;
  /** Chargers that could not connect or boot. */
  failed: number;
  /** Sessions that ended with an error (timeout, CALLERROR, closed socket). */
  sessionErrors: number;
  /** Time from the first connect to every charger booted and announced. */
  connectMs: number;
  elapsedMs: number;
  /** Stops heartbeats and closes every socket. */
  close(): Promise<void>;
}

// Ephemeral ports are per source address; 20k per address leaves headroom below the ~28k default range.
const CONNECTIONS_PER_ADDRESS = 20_000;

export function defaultLocalAddresses(count: number): string[] | undefined {
  if (count <= CONNECTIONS_PER_ADDRESS) return undefined;
  const n = Math.min(254, Math.ceil(count / CONNECTIONS_PER_ADDRESS));
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
}

export async function runFleet(opts: FleetOptions): Promise<Fleet> {
  const { url, count, idPrefix = 'SIM-', firstIndex = 1, sessions = 0, connectRate = 500 } = opts;
  const maxConnecting = opts.maxConnecting ?? 1_000;
  const stats = opts.stats ?? new Stats();
  const addresses = opts.localAddresses ?? defaultLocalAddresses(count);
  const versions = opts.versions ?? [{ version: '1.6', percent: 100 }];
  if (sessions > 0 && !opts.idTag) throw new Error('runFleet: idTag is required when sessions > 0');

  const slots: (SimCharger | undefined)[] = new Array(count);
  const before = opts.restartOf && new Map(opts.restartOf.chargers.map((c) => [c.id, c]));
  let failed = 0;
  let sessionErrors = 0;
  let connecting = 0;
  let connectMs = 0;
  let heartbeatInterval = 0;

  const bringUp = async (charger: SimCharger, index: number): Promise<boolean> => {
    try {
      await charger.connect();
    } catch {
      return false; // already counted in stats.connectionErrors
    }
    slots[index] = charger;
    try {
      const conf = await charger.boot();
      if (conf.status !== 'Accepted') return false;
      heartbeatInterval ||= conf.interval;
      // 1.6 announces connector 0 (the charge point itself) too; 2.0.1 statuses are per EVSE connector.
      for (let connectorId = charger.ocppVersion === '1.6' ? 0 : 1; connectorId <= charger.connectors; connectorId++) {
        await charger.status(connectorId, 'Available');
      }
      return true;
    } catch {
      return false; // CALLERROR or timeout: counted in stats by the charger
    }
  };

  const runSessions = async (charger: SimCharger): Promise<void> => {
    for (let s = 0; s < sessions && charger.isOpen; s++) {
      try {
        await charger.runSession({
          idTag: opts.idTag!,
          meterIntervalMs: opts.meterIntervalMs ?? 1000,
          meterSamples: opts.meterSamples ?? 3,
          whPerSample: opts.whPerSample,
        });
      } catch {
        sessionErrors++;
      }
    }
  };

  const started = performance.now();
  const work: Promise<void>[] = [];
  let broughtUp = 0; // finished bring-ups, successful or not
  // Resolved when a bring-up finishes, so a full in-flight window resumes at once rather than on a poll.
  let slotFreed: (() => void) | null = null;
  for (let i = 0; i < count; ) {
    const elapsed = performance.now() - started;
    const due = Math.min(count, Math.floor((elapsed / 1000) * connectRate) + 1);
    while (i < due && connecting < maxConnecting) {
      const index = i++;
      const charger = new SimCharger({
        url,
        id: `${idPrefix}${firstIndex + index}`,
        connectors: opts.connectors,
        protocol: SUBPROTOCOLS[versionForIndex(versions, index, count)],
        localAddress: addresses?.[index % addresses.length],
        callTimeoutMs: opts.callTimeoutMs,
        stats,
      });
      const previous = before?.get(charger.id);
      if (previous) charger.restartedFrom(previous);
      connecting++;
      work.push(
        bringUp(charger, index).then(async (ok) => {
          connecting--;
          slotFreed?.();
          if (++broughtUp === count) connectMs = performance.now() - started;
          if (!ok) failed++;
          else await runSessions(charger);
        }),
      );
    }
    if (i >= count) break;
    if (i < due) await new Promise<void>((resolve) => (slotFreed = resolve));
    else await sleep(Math.max(1, ((i / connectRate) * 1000) - elapsed));
    slotFreed = null;
  }
  await Promise.all(work);

  const chargers = slots.filter((c): c is SimCharger => c !== undefined);
  const heartbeats = opts.heartbeat ? startHeartbeats(chargers, heartbeatInterval || 60) : undefined;
  const remaining = (opts.durationMs ?? 0) - (performance.now() - started);
  if (remaining > 0) await sleep(remaining);

  return {
    chargers,
    stats,
    failed,
    sessionErrors,
    connectMs,
    elapsedMs: performance.now() - started,
    close: async () => {
      if (heartbeats) clearInterval(heartbeats);
      await Promise.all(chargers.map((c) => c.close()));
    },
  };
}

// One timer for the whole fleet instead of one per charger: each second, the
// chargers whose index falls in that second's slot send their Heartbeat, so the
// load is spread evenly over the interval.
function startHeartbeats(chargers: SimCharger[], intervalSec: number): NodeJS.Timeout {
  const slots = Math.max(1, Math.round(intervalSec));
  let tick = 0;
  return setInterval(() => {
    for (let i = tick++ % slots; i < chargers.length; i += slots) {
      if (chargers[i].isOpen) chargers[i].heartbeat().catch(() => {});
    }
  }, 1000);
}
