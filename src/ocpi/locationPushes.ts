import type { HttpClient } from '../http/client.js';
import type { DeliveryResult } from '../providers/sessionEnd.js';
import type { Store } from '../store/index.js';
import type { OutboxItem } from '../store/outbox.js';
import { OCPI_STATUS } from './envelope.js';
import { registeredPartner, sendToPartner, type PartnerRequest } from './partnerPush.js';
import { endpointOf } from './handshake.js';
import { isPublished, locationObject } from './locations.js';
import type { OwnParty } from './party.js';

/** Outbox topic of what the eMSPs' Locations Receivers are told (OCPI 2.2.1 §8.2.2). */
export const OCPI_LOCATION_TOPIC = 'ocpi_location';

/** A whole Location PUT, built when it is sent: `chargerId` is the outbox's queue key, one per partner and installation. */
export interface LocationPut {
  kind: 'location';
  chargerId: string;
  partnerId: string;
  installationId: string;
}

/** An EVSE's status PATCHed under its Location: one queue per partner and EVSE, in the order seen. */
export interface EvsePatch {
  kind: 'evse';
  chargerId: string;
  partnerId: string;
  installationId: string;
  evseUid: string;
  patch: { status: string; last_updated: string };
}

/** A Location taken off OCPI (its location or the ocpi source removed): PATCHed `publish: false`, so eMSPs stop showing it. */
export interface LocationHide {
  kind: 'hide';
  chargerId: string;
  partnerId: string;
  installationId: string;
  patch: { publish: false; last_updated: string };
}

export type LocationPush = LocationPut | EvsePatch | LocationHide;

/** PUT {eMSP locations}/{our country}/{our party}/{location id}, or PATCH …/{evse uid}; retried until the eMSP answers 1000. */
export async function deliverLocationPush(deps: { http: HttpClient; store: Store; party: OwnParty | undefined }, item: OutboxItem): Promise<DeliveryResult> {
  const push = item.payload as LocationPush;
  const partner = await registeredPartner(deps.store, push.partnerId);
  if ('outcome' in partner) return partner;
  const url = endpointOf(partner, 'locations', 'RECEIVER');
  if (!url) return { outcome: 'cancel', error: 'the partner has no locations endpoint' };
  const { party } = deps;
  if (!party) return { outcome: 'cancel', error: 'the gateway has no OCPI party any more' };
  const at = `${url.replace(/\/+$/, '')}/${party.countryCode}/${party.partyId}/${encodeURIComponent(push.installationId)}`;
  let request: PartnerRequest;
  if (push.kind === 'evse') {
    // Taken off OCPI since: the eMSP may never have had its Location, and is told to hide it anyway.
    if (!(await deps.store.locations.published(push.installationId))) return { outcome: 'cancel', error: 'the installation is not published any more' };
    request = { method: 'PATCH', url: `${at}/${encodeURIComponent(push.evseUid)}`, body: push.patch };
  } else if (push.kind === 'hide') {
    // An eMSP that never had the Location has nothing to hide.
    return sendToPartner(deps.http, partner, { method: 'PATCH', url: at, body: push.patch }, [OCPI_STATUS.UNKNOWN_LOCATION]);
  } else {
    const [site] = await deps.store.locations.located(push.installationId);
    if (!site || !isPublished(site)) return { outcome: 'cancel', error: 'the installation is not published any more' };
    request = { method: 'PUT', url: at, body: locationObject(party, site) };
  }
  return sendToPartner(deps.http, partner, request);
}
