import type { ConnectionRegistry } from '../ocpp/connectionRegistry.js';
import type { Store } from '../store/index.js';
import { envelope } from '../notifications/record.js';
import type { Logger } from '../log.js';
import type { Bus } from './bus.js';

export interface TakeoverDeps {
  registry: ConnectionRegistry;
  store: Store;
  bus: Bus;
  nodeId: string;
  log: Logger;
}

const REPLACED_ELSEWHERE = { code: 1000, reason: 'Replaced by a connection to another gateway node' };
const HELD_ELSEWHERE = { code: 1000, reason: 'Held by another gateway node' };
/** Chargers per reclaim transaction (and per `in (...)` list). */
const RECLAIM_BATCH = 500;

/** The chargers this node holds sockets for, by installation. */
function byInstallation(registry: ConnectionRegistry): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [chargerId, client] of registry.entries()) {
    const { installationId } = client.session as { installationId: string };
    const group = groups.get(installationId);
    if (group) group.push(chargerId);
    else groups.set(installationId, [chargerId]);
  }
  return groups;
}

/**
 * The newest connection of a charger wins cluster-wide. The node it reached writes itself as the
 * holder (connection.ts) and tells the previous holder, which closes its older, often half-open,
 * socket. That close does not mark the charger offline: setOffline checks the holder.
 */
export function createTakeover(d: TakeoverDeps) {
  return {
    /** Called on the new holder after its online write committed. */
    tookOver(chargerId: string, fromNode: string, since: number): void {
      d.bus
        .send(fromNode, { kind: 'takeover', chargerId, by: d.nodeId, since })
        .catch((err) => d.log.warn({ err, chargerId, fromNode }, 'could not tell the previous node of a takeover'));
    },

    /** On the previous holder: close its socket for the charger if it is older than the new one. */
    closeReplaced(chargerId: string, by: string, since: number): void {
      const client = d.registry.get(chargerId);
      const at = d.registry.connectedAt(chargerId);
      if (!client || at === undefined || at >= since) return;
      d.log.info({ chargerId, by }, 'charger connected to another node; closing its connection here');
      void client.close(REPLACED_ELSEWHERE);
    },

    /** After takeover messages may have been missed (the listener reconnected): close what others hold now. */
    async closeHeldElsewhere(): Promise<void> {
      const ids = [...d.registry.entries()].map(([chargerId]) => chargerId);
      for (const chargerId of await d.store.chargers.heldElsewhere(ids, d.nodeId)) {
        d.log.info({ chargerId }, 'charger held by another node now; closing its connection here');
        void d.registry.get(chargerId)?.close(REPLACED_ELSEWHERE);
      }
    },

    /**
     * After this node was swept as dead while alive: take back, with connected events, the
     * chargers whose sockets it still holds, and close the ones another node holds meanwhile.
     * In batches per installation: one transaction per charger took a node holding thousands of
     * them minutes, during which it could be swept again (docs/bench-log/2026-11.md, "50,000 chargers").
     */
    async reclaim(): Promise<void> {
      for (const [installationId, ids] of byInstallation(d.registry)) {
        for (let i = 0; i < ids.length; i += RECLAIM_BATCH) {
          const batch = ids.slice(i, i + RECLAIM_BATCH);
          const { elsewhere } = await d.store.transact(async (tx) => {
            const r = await tx.chargers.reclaimMany(batch, d.nodeId, new Date().toISOString());
            for (const chargerId of r.taken) tx.emit(envelope('charger.connected', installationId, chargerId, { nodeId: d.nodeId }));
            return r;
          });
          for (const chargerId of elsewhere) void d.registry.get(chargerId)?.close(HELD_ELSEWHERE);
        }
      }
    },
  };
}

export type Takeover = ReturnType<typeof createTakeover>;
