import type { Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

export const bootNotification: Handler = async (deps, ctx, params) => {
  const now = new Date().toISOString();
  const { chargePointVendor, chargePointModel, chargePointSerialNumber, chargeBoxSerialNumber, firmwareVersion } = params;
  const boot = {
    vendor: chargePointVendor,
    model: chargePointModel,
    serialNumber: chargePointSerialNumber ?? chargeBoxSerialNumber ?? null,
    firmwareVersion: firmwareVersion ?? null,
  };
  await deps.store.transact(async (tx) => {
    await tx.chargers.recordBoot(ctx.chargerId, { ...boot, details: params }, now);
    tx.emit(envelope('charger.booted', ctx.installationId, ctx.chargerId, boot));
  });
  ctx.log.info({ vendor: chargePointVendor, model: chargePointModel, firmwareVersion }, 'charger booted');
  return { status: 'Accepted', currentTime: now, interval: deps.config.heartbeatIntervalSec };
};
