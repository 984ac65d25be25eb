import type { HttpClient } from '../http/client.js';
import type { DeliveryResult } from '../providers/sessionEnd.js';
import type { Store } from '../store/index.js';
import type { OutboxItem } from '../store/outbox.js';
import type { Transaction } from '../store/transactions.js';
import { registeredPartner, sendToPartner, type PartnerRequest } from './partnerPush.js';
import { endpointOf } from './handshake.js';
import type { OwnParty } from './party.js';
import type { Partner } from '../store/ocpiPartners.js';
import { cdrObject, cdrPush, type CdrPush } from './cdrs.js';

/** Outbox topic of OCPI Session pushes: its own queue per charger, apart from the provider's session ends. */
export const OCPI_SESSION_TOPIC = 'ocpi_session';

/** A running Session's energy so far, PATCHed under the eMSP's sessions endpoint (sessionUpdates.ts). */
export interface SessionPatch {
  kind: 'patch';
  chargerId: string;
  partnerId: string;
  path: string;
  patch: { kwh: number; last_updated: string };
}

/** What a completed session's push carries: the Session, and where under the eMSP's sessions endpoint it goes. */
interface SessionPush {
  /** The outbox's queue key: pushes of one charger go in stop order. */
  chargerId: string;
  partnerId: string;
  path: string;
  session: Record<string, unknown>;
}

/**
 * The outbox rows of a transaction a roaming partner authorized, written in the start's or the
 * stop's own database transaction: the OCPI 2.2.1 Session (§9.3.1) ACTIVE once it started,
 * COMPLETED once it stopped, then its CDR (§10.4.1); each pushed once and in that order. None when
 * the eMSP never said which token it was (its cdr_token would be empty) or it was refused.
 */
export function roamingPushes(tx: Transaction, party: OwnParty, currency: string) {
  const roaming = tx.roaming;
  if (!roaming?.token || tx.authorization.status !== 'Accepted') return [];
  const stop = tx.stop;
  const session = {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: String(tx.id),
    start_date_time: tx.startTime,
    ...(stop && { end_date_time: stop.time }),
    kwh: stop ? (tx.energyWh ?? 0) / 1000 : 0,
    cdr_token: roaming.token,
    auth_method: roaming.authMethod ?? 'AUTH_REQUEST',
    ...(roaming.authorizationReference && { authorization_reference: roaming.authorizationReference }),
    location_id: tx.installationId,
    evse_uid: tx.chargerId,
    connector_id: String(tx.connectorId),
    currency,
    status: stop ? 'COMPLETED' : 'ACTIVE',
    last_updated: stop?.receivedAt ?? tx.startReceivedAt,
  };
  const payload: SessionPush = { chargerId: tx.chargerId, partnerId: roaming.partnerId, path: `${party.countryCode}/${party.partyId}/${tx.id}`, session };
  const item = (eventId: string, body: SessionPush | CdrPush) => ({ topic: OCPI_SESSION_TOPIC, target: roaming.partnerId, eventId, payload: body });
  if (!stop) return [item(`ocpi-session:${tx.id}:active`, payload)];
  return [item(`ocpi-session:${tx.id}:completed`, payload), item(`ocpi-cdr:${tx.id}`, cdrPush(tx, currency))];
}

/** A Session PUT or a CDR POST to the partner, retried until the eMSP answers 1000. */
export async function deliverSessionPush(deps: { http: HttpClient; store: Store; party: OwnParty | undefined }, item: OutboxItem): Promise<DeliveryResult> {
  const push = item.payload as SessionPush | SessionPatch | CdrPush;
  const partner = await registeredPartner(deps.store, push.partnerId);
  if ('outcome' in partner) return partner;
  const request = !('kind' in push) || push.kind === 'patch' ? sessionRequest(partner, push) : await cdrRequest(deps, partner, push);
  if ('wait' in request) return { outcome: 'retry', status: null, error: request.wait };
  if ('error' in request) return { outcome: 'cancel', error: request.error };
  return sendToPartner(deps.http, partner, request);
}

/** What to send; or why it cannot go (`error`: never, `wait`: not until the owner fixes it). */
type Planned = PartnerRequest | { error: string } | { wait: string };

/** PUT (or, for a running Session's energy, PATCH) {eMSP sessions}/{our country}/{our party}/{session id}. */
function sessionRequest(partner: Partner, push: SessionPush | SessionPatch): Planned {
  const url = endpointOf(partner, 'sessions', 'RECEIVER');
  if (!url) return { error: 'the partner has no sessions endpoint' };
  const at = `${url.replace(/\/+$/, '')}/${push.path}`;
  return 'kind' in push ? { method: 'PATCH', url: at, body: push.patch } : { method: 'PUT', url: at, body: push.session };
}

/** POST {eMSP cdrs}: the CDR built from the stopped transaction and where its installation is. */
async function cdrRequest(deps: { store: Store; party: OwnParty | undefined }, partner: Partner, push: CdrPush): Promise<Planned> {
  const url = endpointOf(partner, 'cdrs', 'RECEIVER');
  if (!url) return { error: 'the partner has no cdrs endpoint' };
  if (!deps.party) return { error: 'the gateway has no OCPI party any more' };
  const tx = await deps.store.transactions.get(push.transactionId);
  if (!tx?.stop || !tx.roaming?.token) return { error: 'the transaction is not a stopped roaming session' };
  const where = await deps.store.locations.get(tx.installationId);
  // A billing record is not given up: it goes once the owner says where the installation is.
  if (!where) return { wait: 'the installation has no location: a CDR must say where (PUT /api/installations/{id}/location)' };
  return { method: 'POST', url, body: cdrObject(deps.party, tx, where, push.currency) };
}
