import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { energyNow } from '../ocpp/transactionEnergy.js';
import { createPeriodic } from '../periodic.js';
import { OCPI_SESSION_TOPIC, type SessionPatch } from './sessions.js';
import type { OwnParty } from './party.js';

/** Active roaming sessions read per round; more wait for the next. */
const BATCH = 1_000;

export interface SessionUpdateDeps {
  store: Store;
  party: OwnParty;
  log: Logger;
  /** Whether this node holds the charger: the node a charger is connected to reports its sessions. */
  holds(chargerId: string): boolean;
  intervalMs: number;
}

/**
 * While a roaming session charges, the eMSP is told its energy so far (PATCH of the Session's kwh,
 * OCPI 2.2.1 §9.2.2) every interval when it changed: through the outbox, in the charger's queue
 * between the ACTIVE and COMPLETED pushes, and only for a session still active when it is queued.
 */
export function createSessionUpdates(deps: SessionUpdateDeps) {
  // What each active session last reported; a session not seen in a round is forgotten.
  const reported = new Map<number, number>();

  async function round(): Promise<number> {
    const active = (await deps.store.transactions.list({ active: true, roaming: true, limit: BATCH, offset: 0 })).filter(
      (t) => t.roaming?.token && t.authorization.status === 'Accepted' && deps.holds(t.chargerId),
    );
    const seen = new Set(active.map((t) => t.id));
    for (const id of reported.keys()) if (!seen.has(id)) reported.delete(id);
    let queued = 0;
    for (const t of await energyNow(active, deps.store.meterValues)) {
      const wh = t.energyNowWh;
      if (wh === null || wh === (reported.get(t.id) ?? 0)) continue;
      const patch: SessionPatch = {
        kind: 'patch',
        chargerId: t.chargerId,
        partnerId: t.roaming!.partnerId,
        path: `${deps.party.countryCode}/${deps.party.partyId}/${t.id}`,
        patch: { kwh: wh / 1000, last_updated: new Date().toISOString() },
      };
      const item = { topic: OCPI_SESSION_TOPIC, target: patch.partnerId, eventId: `ocpi-session:${t.id}:wh:${wh}`, payload: patch };
      const sent = await deps.store.transact(async (tx) => {
        // A stop since the read already queued its COMPLETED push; the row lock keeps one from landing in between.
        if (!(await tx.transactions.stillActive(t.id))) return false;
        await tx.outbox.enqueue(item);
        return true;
      });
      reported.set(t.id, wh);
      if (sent) queued++;
    }
    return queued;
  }

  return { round, ...createPeriodic(round, deps.intervalMs, (err) => deps.log.error({ err }, 'OCPI session updates failed')) };
}
