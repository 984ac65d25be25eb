import type { Handler } from '../context.js';

export const diagnosticsStatusNotification: Handler = async (deps, ctx, params) => {
  await deps.store.chargers.setDiagnosticsStatus(ctx.chargerId, params.status, new Date().toISOString());
  ctx.log.info({ status: params.status }, 'diagnostics status');
  return {};
};
