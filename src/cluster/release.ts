import type { Store } from '../store/index.js';
import type { Logger } from '../log.js';
import { envelope } from '../notifications/record.js';

const LOST_NODE = { code: 1006, reason: 'gateway node stopped responding' };

/**
 * Marks offline the chargers a node that is gone held, with the charger.disconnected events its
 * own closes would have sent: one transaction per installation.
 */
export async function releaseChargersOf(d: { store: Store; log: Logger }, goneNode: string): Promise<void> {
  for (const installationId of await d.store.chargers.installationsHeldBy(goneNode)) {
    const at = new Date().toISOString();
    const ids = await d.store.transact(async (tx) => {
      const released = await tx.chargers.releaseNodeIn(goneNode, installationId, at);
      for (const id of released) tx.emit(envelope('charger.disconnected', installationId, id, { nodeId: goneNode, ...LOST_NODE }));
      return released;
    });
    if (ids.length) d.log.warn({ goneNode, installationId, chargers: ids.length }, 'chargers of a gone node marked offline');
  }
}
