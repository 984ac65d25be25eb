import { canonicalTime, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

/**
 * Stored per EVSE and connector (the connector id is numbered within its EVSE). 2.0.1 has no
 * error code here (faults come as NotifyEvent), so the version-neutral event says NoError.
 */
export const statusNotification: Handler = async (deps, ctx, params) => {
  const status = {
    evseId: params.evseId as number,
    connectorId: params.connectorId as number,
    status: params.connectorStatus as string,
    errorCode: 'NoError',
    info: null,
    vendorErrorCode: null,
    timestamp: canonicalTime(params.timestamp),
  };
  const { evseId, connectorId, errorCode, timestamp } = status;
  await deps.store.transact(async (tx) => {
    await tx.chargers.setConnectorStatus(ctx.chargerId, { evseId, connectorId, status: status.status, errorCode, timestamp });
    tx.emit(envelope('connector.status_changed', ctx.installationId, ctx.chargerId, { ...status, ocppVersion: ctx.ocppVersion }));
  });
  if (status.status === 'Faulted') ctx.log.warn({ evseId, connectorId }, 'connector fault');
  return {};
};
