import type { Handler } from '../context.js';
import { answerBoot } from '../boot.js';

/** Stored as a 1.6 boot is; the boot reason (PowerUp, RemoteReset, …) is kept with the details and logged. */
export const bootNotification: Handler = async (deps, ctx, params) => {
  const { vendorName, model, serialNumber, firmwareVersion } = params.chargingStation;
  const boot = { vendor: vendorName as string, model: model as string, serialNumber: serialNumber ?? null, firmwareVersion: firmwareVersion ?? null };
  return answerBoot(deps, ctx, boot, params, { vendor: vendorName, model, firmwareVersion, reason: params.reason });
};
