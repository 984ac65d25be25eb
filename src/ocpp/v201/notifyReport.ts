import { canonicalTime, type Handler } from '../context.js';
import { emptyDeviceModel, mergeReport } from './deviceModel.js';

/**
 * Keeps the device model basics (vendor, model, serial number, firmware, EVSEs and connectors);
 * the rest of the report is not stored. A charger sends the parts of a report one after the
 * other (OCPP-J: one CALL at a time), so each part is merged into the last.
 */
export const notifyReport: Handler = async (deps, ctx, params) => {
  const generatedAt = canonicalTime(params.generatedAt);
  const charger = await deps.store.chargers.get(ctx.chargerId);
  const known = charger?.deviceModel ?? emptyDeviceModel(params.requestId, generatedAt);
  const model = mergeReport({ ...known, requestId: params.requestId, generatedAt }, params.reportData ?? []);
  await deps.store.chargers.setDeviceModel(ctx.chargerId, model);
  ctx.log.info({ requestId: params.requestId, seqNo: params.seqNo, tbc: params.tbc ?? false, items: params.reportData?.length ?? 0 }, 'device model report');
  return {};
};
