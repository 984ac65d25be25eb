import type { Handler } from '../context.js';
import { recordStatusReport } from './statusReport.js';

/** 2.0.1's counterpart of DiagnosticsStatusNotification: shown and published as the diagnostics status. */
export const logStatusNotification: Handler = async (deps, ctx, params) => {
  await recordStatusReport(deps, ctx, 'charger.diagnostics_status', params);
  ctx.log.info({ status: params.status, requestId: params.requestId }, 'log upload status');
  return {};
};
