import type { Handler } from '../context.js';

export const bootNotification: Handler = async (deps, ctx, params) => {
  const now = new Date().toISOString();
  const { chargePointVendor, chargePointModel, chargePointSerialNumber, chargeBoxSerialNumber, firmwareVersion } = params;
  await deps.store.chargers.recordBoot(
    ctx.chargerId,
    {
      vendor: chargePointVendor,
      model: chargePointModel,
      serialNumber: chargePointSerialNumber ?? chargeBoxSerialNumber ?? null,
      firmwareVersion: firmwareVersion ?? null,
      details: params,
    },
    now,
  );
  ctx.log.info({ vendor: chargePointVendor, model: chargePointModel, firmwareVersion }, 'charger booted');
  return { status: 'Accepted', currentTime: now, interval: deps.config.heartbeatIntervalSec };
};
