import { canonicalTime, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

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
  });
  if (params.errorCode !== 'NoError') {
    ctx.log.warn({ connectorId: params.connectorId, errorCode: params.errorCode, vendorErrorCode: params.vendorErrorCode }, 'connector fault');
  }
  return {};
};
