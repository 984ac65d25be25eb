import type { HttpClient } from '../http/client.js';
import type { DeliveryResult } from '../providers/sessionEnd.js';
import type { Store } from '../store/index.js';
import type { OutboxItem } from '../store/outbox.js';
import type { Transaction } from '../store/transactions.js';
import { callPartner } from './client.js';
import { OCPI_STATUS } from './envelope.js';
import { endpointOf } from './handshake.js';
import type { OwnParty } from './party.js';

/** Outbox topic of OCPI Session pushes: its own queue per charger, apart from the provider's session ends. */
export const OCPI_SESSION_TOPIC = 'ocpi_session';

/** What a completed session's push carries: the Session, and where under the eMSP's sessions endpoint it goes. */
interface SessionPush {
  /** The outbox's queue key: pushes of one charger go in stop order. */
  chargerId: string;
  partnerId: string;
  path: string;
  session: Record<string, unknown>;
}

/**
 * The OCPI 2.2.1 Session (§9.3.1) of a transaction a roaming partner authorized, as an outbox row
 * written in the start's or the stop's own database transaction: ACTIVE once it started, COMPLETED
 * once it stopped, each pushed once and in that order. None when the eMSP never said which token it
 * was (its cdr_token would be empty) or the transaction was refused.
 */
export function sessionPush(tx: Transaction, party: OwnParty, currency: string) {
  const roaming = tx.roaming;
  if (!roaming?.token || tx.authorization.status !== 'Accepted') return undefined;
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
  return { topic: OCPI_SESSION_TOPIC, target: roaming.partnerId, eventId: `ocpi-session:${tx.id}:${stop ? 'completed' : 'active'}`, payload };
}

/** PUT {eMSP sessions}/{our country}/{our party}/{session id}; retried until the eMSP answers 1000. */
export async function deliverSessionPush(deps: { http: HttpClient; store: Store }, item: OutboxItem): Promise<DeliveryResult> {
  const push = item.payload as SessionPush;
  const partner = await deps.store.ocpiPartners.get(push.partnerId);
  if (!partner || partner.state !== 'registered' || !partner.outboundToken) return { outcome: 'cancel', error: 'the partner is not registered any more' };
  const url = endpointOf(partner, 'sessions', 'RECEIVER');
  if (!url) return { outcome: 'cancel', error: 'the partner has no sessions endpoint' };
  const r = await callPartner(deps.http, { method: 'PUT', url: `${url.replace(/\/+$/, '')}/${push.path}`, token: partner.outboundToken, body: push.session, timeoutMs: 10_000 });
  if (r.kind === 'unreachable') return { outcome: 'retry', status: null, error: `eMSP unreachable (${r.reason})` };
  if (r.httpStatus < 300 && r.statusCode === OCPI_STATUS.SUCCESS) return { outcome: 'delivered', status: r.httpStatus };
  return { outcome: 'retry', status: r.httpStatus, error: `eMSP answered HTTP ${r.httpStatus}, OCPI status ${r.statusCode}` };
}
