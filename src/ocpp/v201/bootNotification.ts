import type { Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

/** Stored as a 1.6 boot is; the boot reason (PowerUp, RemoteReset, …) is kept with the details and logged. */
export const bootNotification: Handler = async (deps, ctx, params) => {
  const now = new Date().toISOString();
  const { vendorName, model, serialNumber, firmwareVersion } = params.chargingStation;
  const boot = { vendor: vendorName as string, model: model as string, serialNumber: serialNumber ?? null, firmwareVersion: firmwareVersion ?? null };
  await deps.store.transact(async (tx) => {
    await tx.chargers.recordBoot(ctx.chargerId, { ...boot, details: params }, now);
    tx.emit(envelope('charger.booted', ctx.installationId, ctx.chargerId, { ...boot, ocppVersion: ctx.ocppVersion }));
  });
  ctx.log.info({ vendor: vendorName, model, firmwareVersion, reason: params.reason }, 'charger booted');
  return { status: 'Accepted', currentTime: now, interval: deps.config.heartbeatIntervalSec };
};
