import type { ChargerContext, OcppDeps } from '../context.js';
import { envelope } from '../../notifications/record.js';

/** A firmware or log-upload status: stored on the charger and published, with the request it reports on. */
export async function recordStatusReport(
  deps: OcppDeps,
  ctx: ChargerContext,
  kind: 'charger.firmware_status' | 'charger.diagnostics_status',
  params: { status: string; requestId?: number },
): Promise<void> {
  const data = { status: params.status, ...(params.requestId !== undefined && { requestId: params.requestId }), ocppVersion: ctx.ocppVersion };
  const at = new Date().toISOString();
  await deps.store.transact(async (tx) => {
    await (kind === 'charger.firmware_status' ? tx.chargers.setFirmwareStatus(ctx.chargerId, data.status, at) : tx.chargers.setDiagnosticsStatus(ctx.chargerId, data.status, at));
    tx.emit(envelope(kind, ctx.installationId, ctx.chargerId, data));
  });
}
