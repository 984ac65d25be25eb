import type { AuthorizationTrigger, Decision } from '../authorization/types.js';
import { roamingSummary, type Transaction } from '../store/transactions.js';
import { envelope } from '../notifications/record.js';
import type { ChargerContext, OcppVersion } from './context.js';
import type { Reservation } from '../store/reservations.js';

/** The envelopes of the events OCPP handlers publish, built from the domain objects they already have. */
export function decided(
  ctx: ChargerContext,
  trigger: AuthorizationTrigger,
  idTag: string,
  connectorId: number | null,
  d: Decision,
  /** What a 2.0.1 charger tells beyond a 1.6 idTag. */
  token: { idTokenType?: string; evseId?: number } = {},
) {
  return envelope('authorization.decided', ctx.installationId, ctx.chargerId, {
    trigger,
    idTag,
    connectorId,
    status: d.status,
    source: d.source,
    reason: d.reason,
    ...(d.roaming && { roaming: { partnerId: d.roaming.partnerId, ...(d.roaming.authorizationReference && { authorizationReference: d.roaming.authorizationReference }) } }),
    ocppVersion: ctx.ocppVersion,
    ...token,
  });
}

export function sessionStarted(ctx: ChargerContext, tx: Transaction) {
  return envelope('session.started', ctx.installationId, ctx.chargerId, {
    transactionId: tx.id,
    ocppVersion: tx.ocppVersion,
    chargerTransactionId: tx.chargerTransactionId,
    connectorId: tx.connectorId,
    idTag: tx.idTag,
    meterStart: tx.meterStart,
    startTime: tx.startTime,
    authorization: tx.authorization,
    late: tx.late,
    providerSessionId: tx.providerSessionId,
    roaming: roamingSummary(tx.roaming),
  });
}

export function sessionStopped(ctx: ChargerContext, tx: Transaction) {
  return envelope('session.stopped', ctx.installationId, ctx.chargerId, {
    transactionId: tx.id,
    ocppVersion: tx.ocppVersion,
    chargerTransactionId: tx.chargerTransactionId,
    connectorId: tx.connectorId,
    idTag: tx.idTag,
    stopIdTag: tx.stop?.idTag ?? null,
    meterStart: tx.meterStart,
    meterStop: tx.stop?.meterStop as number,
    energyWh: tx.energyWh,
    startTime: tx.startTime,
    stopTime: tx.stop?.time as string,
    reason: tx.stop?.reason ?? null,
    authorizedOffline: tx.authorizedOffline,
    meterAnomaly: tx.meterAnomaly,
    providerSessionId: tx.providerSessionId,
    roaming: roamingSummary(tx.roaming),
  });
}

export type ReservationEvent = 'reservation.created' | 'reservation.used' | 'reservation.cancelled' | 'reservation.expired';
export const RESERVATION_EVENTS: readonly ReservationEvent[] = ['reservation.created', 'reservation.used', 'reservation.cancelled', 'reservation.expired'];

export function reservationEvent(type: ReservationEvent, r: Reservation) {
  return envelope(type, r.installationId, r.chargerId, {
    reservationId: r.reservationId,
    connectorId: r.connectorId,
    idTag: r.idTag,
    parentIdTag: r.parentIdTag,
    expiryDate: r.expiryDate,
    transactionId: r.transactionId,
    ocppVersion: r.ocppVersion as OcppVersion,
  });
}
