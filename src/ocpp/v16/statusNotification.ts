import { canonicalTime, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';
import { reservationEvent } from '../envelopes.js';

/** 1.6 §5.13: a connector (0: the charger) going Faulted or Unavailable ends its reservations, and 1.6 has no message saying so. */
const ENDS_RESERVATIONS = new Set(['Faulted', 'Unavailable']);

/** Connector 0 is the charger itself; it is stored like the others. */
export const statusNotification: Handler = async (deps, ctx, params) => {
  const status = {
    connectorId: params.connectorId as number,
    status: params.status as string,
    errorCode: params.errorCode as string,
    info: (params.info as string | undefined) ?? null,
    vendorErrorCode: (params.vendorErrorCode as string | undefined) ?? null,
    timestamp: canonicalTime(params.timestamp),
  };
  await deps.store.transact(async (tx) => {
    await tx.chargers.setConnectorStatus(ctx.chargerId, { ...status, info: status.info ?? undefined, vendorErrorCode: status.vendorErrorCode ?? undefined });
    tx.emit(envelope('connector.status_changed', ctx.installationId, ctx.chargerId, status));
    if (!ENDS_RESERVATIONS.has(status.status)) return;
    for (const r of await tx.reservations.endOn(ctx.chargerId, status.connectorId, 'cancelled')) tx.emit(reservationEvent('reservation.cancelled', r));
  });
  if (params.errorCode !== 'NoError') {
    ctx.log.warn({ connectorId: params.connectorId, errorCode: params.errorCode, vendorErrorCode: params.vendorErrorCode }, 'connector fault');
  }
  return {};
};
