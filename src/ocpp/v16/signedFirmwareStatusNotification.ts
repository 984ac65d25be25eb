import type { Handler } from '../context.js';
import { recordStatusReport } from '../v201/statusReport.js';

/** 1.6 security whitepaper SignedUpdateFirmware's progress: the firmware status, with its requestId. */
export const signedFirmwareStatusNotification: Handler = async (deps, ctx, params) => {
  await recordStatusReport(deps, ctx, 'charger.firmware_status', params);
  ctx.log.info({ status: params.status, requestId: params.requestId }, 'signed firmware status');
  return {};
};
