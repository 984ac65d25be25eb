/**
 * Tells the other nodes sharing a PostgreSQL database which installations have an open live
 * stream, so that their chargers' events are stored for it (events nobody wants are not
 * written). The announcements travel on the cluster bus (src/cluster/bus.ts): no table, nothing
 * left behind by a node that dies, since a watch not renewed within WATCH_TTL_MS lapses.
 * With SQLite there is one node and no bus, so nothing is sent.
 */
export interface WatchSignal {
  /** Says these installations are watched here; repeated every WATCH_RENEW_MS while they are. */
  announce(installationIds: Iterable<string>): void;
  /** Watched on some node, as last heard. */
  heard(installationId: string): boolean;
  /** Another node said it watches this installation. */
  hear(installationId: string): void;
  /** How announcements reach the other nodes; set by the cluster when there is one. */
  sendVia(send: (installationId: string) => void): void;
}

export const WATCH_RENEW_MS = 10_000;
const WATCH_TTL_MS = 3 * WATCH_RENEW_MS;

export function createWatchSignal(): WatchSignal {
  const heardUntil = new Map<string, number>();
  let send: ((installationId: string) => void) | undefined;
  return {
    announce(installationIds) {
      if (!send) return;
      for (const id of installationIds) send(id);
    },
    heard(installationId) {
      const until = heardUntil.get(installationId);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      heardUntil.delete(installationId);
      return false;
    },
    hear(installationId) {
      heardUntil.set(installationId, Date.now() + WATCH_TTL_MS);
    },
    sendVia(fn) {
      send = fn;
    },
  };
}
