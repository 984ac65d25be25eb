import { canonicalTime, type Handler } from '../context.js';

/** Connector 0 is the charger itself; it is stored like the others. */
export const statusNotification: Handler = async (deps, ctx, params) => {
  await deps.store.chargers.setConnectorStatus(ctx.chargerId, {
    connectorId: params.connectorId,
    status: params.status,
    errorCode: params.errorCode,
    info: params.info,
    vendorErrorCode: params.vendorErrorCode,
    timestamp: canonicalTime(params.timestamp),
  });
  if (params.errorCode !== 'NoError') {
    ctx.log.warn({ connectorId: params.connectorId, errorCode: params.errorCode, vendorErrorCode: params.vendorErrorCode }, 'connector fault');
  }
  return {};
};
