import type { Handler } from '../context.js';
import { recordStatusReport } from './statusReport.js';

export const firmwareStatusNotification: Handler = async (deps, ctx, params) => {
  await recordStatusReport(deps, ctx, 'charger.firmware_status', params);
  ctx.log.info({ status: params.status, requestId: params.requestId }, 'firmware status');
  return {};
};
