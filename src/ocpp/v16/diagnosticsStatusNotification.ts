import type { Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

export const diagnosticsStatusNotification: Handler = async (deps, ctx, params) => {
  await deps.store.transact(async (tx) => {
    await tx.chargers.setDiagnosticsStatus(ctx.chargerId, params.status, new Date().toISOString());
    tx.emit(envelope('charger.diagnostics_status', ctx.installationId, ctx.chargerId, { status: params.status }));
  });
  ctx.log.info({ status: params.status }, 'diagnostics status');
  return {};
};
