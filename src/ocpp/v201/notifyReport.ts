import { canonicalTime, type Handler } from '../context.js';
import { emptyDeviceModel, localListCapacity, mergeReport } from './deviceModel.js';

/**
 * Keeps the device model basics (vendor, model, serial number, firmware, EVSEs and connectors);
 * and the Local Authorization List's capacity; the rest of the report is not stored. A charger sends the parts of a report one after the
 * other (OCPP-J: one CALL at a time), so each part is merged into the last.
 */
export const notifyReport: Handler = async (deps, ctx, params) => {
  const generatedAt = canonicalTime(params.generatedAt);
  const charger = await deps.store.chargers.get(ctx.chargerId);
  const known = charger?.deviceModel ?? emptyDeviceModel(params.requestId, generatedAt);
  const model = mergeReport({ ...known, requestId: params.requestId, generatedAt }, params.reportData ?? []);
  await deps.store.chargers.setDeviceModel(ctx.chargerId, model);
  await noteListCapacity(deps, ctx.chargerId, localListCapacity(params.reportData ?? []));
  ctx.log.info({ requestId: params.requestId, seqNo: params.seqNo, tbc: params.tbc ?? false, items: params.reportData?.length ?? 0 }, 'device model report');
  return {};
};

/** A capacity the station reported for its list, kept with the list; a new one re-syncs it, cut to fit. */
async function noteListCapacity(deps: Parameters<Handler>[0], chargerId: string, maxLength: number | undefined): Promise<void> {
  if (maxLength === undefined) return;
  const stored = await deps.store.localLists.get(chargerId);
  if (stored?.maxLength === maxLength) return;
  await deps.store.localLists.save(chargerId, { maxLength, state: stored?.state ?? 'off' });
  deps.localList.charger(chargerId);
}
