import type { Handler } from '../context.js';
import { answerBoot } from '../boot.js';

export const bootNotification: Handler = async (deps, ctx, params) => {
  const { chargePointVendor, chargePointModel, chargePointSerialNumber, chargeBoxSerialNumber, firmwareVersion } = params;
  const boot = {
    vendor: chargePointVendor,
    model: chargePointModel,
    serialNumber: chargePointSerialNumber ?? chargeBoxSerialNumber ?? null,
    firmwareVersion: firmwareVersion ?? null,
  };
  return answerBoot(deps, ctx, boot, params, { vendor: chargePointVendor, model: chargePointModel, firmwareVersion });
};
