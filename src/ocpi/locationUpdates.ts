import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { createPeriodic } from '../periodic.js';
import { endpointOf } from './handshake.js';
import { isPublished, locationObject } from './locations.js';
import { OCPI_LOCATION_TOPIC, type LocationPush } from './locationPushes.js';
import type { OwnParty } from './party.js';

type Queued = { topic: string; target: string; eventId: string; payload: LocationPush };

export interface LocationUpdateDeps {
  store: Store;
  party: OwnParty;
  log: Logger;
  /** Whether this node holds the charger: an EVSE's status is reported by the node its charger is connected to. */
  holds(chargerId: string): boolean;
  nodeId: string;
  intervalMs: number;
}

/**
 * What eMSPs with a Locations Receiver are told of the published installations (OCPI 2.2.1 §8.2.2):
 * the whole Location when it is published, its place changes or a charger joins or leaves it (PUT), then each EVSE's status as it
 * changes (PATCH). Checked every interval and sent through the outbox, so an eMSP that is down gets
 * them, in order, when it is back. Each node reports the chargers it holds, and the going offline
 * (UNKNOWN) of those it held; a Location's PUT is queued once whichever nodes see it.
 */
export function createLocationUpdates(deps: LocationUpdateDeps) {
  // Per partner: the shape each Location was last sent with, and each EVSE's last status sent from here.
  const placed = new Map<string, string>();
  const statuses = new Map<string, string>();

  /** Locations sent before and not published now are PATCHed `publish: false`, once per shape sent. */
  function hideGone(published: Set<string>, partners: { id: string }[], at: string, items: Queued[]): void {
    const partnerIds = new Set(partners.map((p) => p.id));
    for (const [siteKey, shape] of placed) {
      const [partnerId, siteId] = siteKey.split('/') as [string, string];
      if (published.has(siteId) || !partnerIds.has(partnerId)) continue;
      const payload: LocationPush = { kind: 'hide', chargerId: `location:${siteId}:${partnerId}`, partnerId, installationId: siteId, patch: { publish: false, last_updated: at } };
      items.push({ topic: OCPI_LOCATION_TOPIC, target: partnerId, eventId: `ocpi-location:${siteKey}:${shape}:hidden`, payload });
      placed.delete(siteKey);
    }
  }

  async function round(): Promise<number> {
    const partners = (await deps.store.ocpiPartners.list()).filter((p) => p.state === 'registered' && endpointOf(p, 'locations', 'RECEIVER'));
    if (partners.length === 0) return 0;
    const items: Queued[] = [];
    const at = new Date().toISOString();
    const published = (await deps.store.locations.located()).filter(isPublished);
    hideGone(new Set(published.map((s) => s.id)), partners, at, items);
    for (const site of published) {
      const { evses } = locationObject(deps.party, site);
      // What a PUT changes: the installation (its name, its place, published again) and which EVSEs there are.
      const shape = createHash('sha256').update(`${site.updatedAt}|${site.location.updatedAt}|${evses.map((e) => e.uid).join('|')}`).digest('hex').slice(0, 24);
      for (const partner of partners) {
        const queue = (what: string) => `${what}:${partner.id}`;
        const put = (payload: LocationPush, eventId: string) => items.push({ topic: OCPI_LOCATION_TOPIC, target: partner.id, eventId, payload });
        const siteKey = `${partner.id}/${site.id}`;
        if (placed.get(siteKey) !== shape) {
          put({ kind: 'location', chargerId: queue(`location:${site.id}`), partnerId: partner.id, installationId: site.id }, `ocpi-location:${siteKey}:${shape}`);
          placed.set(siteKey, shape);
          // The PUT carries every EVSE's status as it is when sent.
          for (const evse of evses) if (deps.holds(evse.uid)) statuses.set(`${partner.id}/${evse.uid}`, evse.status);
          continue;
        }
        for (const evse of evses) {
          const key = `${partner.id}/${evse.uid}`;
          const held = deps.holds(evse.uid);
          const sent = statuses.get(key);
          if ((!held && sent === undefined) || sent === evse.status) continue;
          const patch = { status: evse.status, last_updated: at };
          put({ kind: 'evse', chargerId: queue(`evse:${evse.uid}`), partnerId: partner.id, installationId: site.id, evseUid: evse.uid, patch }, `ocpi-evse:${key}:${deps.nodeId}:${at}`);
          // Gone from this node: whoever holds it next reports it.
          if (held) statuses.set(key, evse.status);
          else statuses.delete(key);
        }
      }
    }
    if (items.length === 0) return 0;
    try {
      await deps.store.transact(async (tx) => {
        for (const item of items) await tx.outbox.enqueue(item);
      });
    } catch (err) {
      // Nothing of this round was queued: start again from nothing sent (PUTs of the same shape are deduplicated by their id).
      placed.clear();
      statuses.clear();
      throw err;
    }
    return items.length;
  }

  return { round, ...createPeriodic(round, deps.intervalMs, (err) => deps.log.error({ err }, 'OCPI location updates failed')) };
}
