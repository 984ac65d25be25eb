import type { Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

export const firmwareStatusNotification: Handler = async (deps, ctx, params) => {
  await deps.store.transact(async (tx) => {
    await tx.chargers.setFirmwareStatus(ctx.chargerId, params.status, new Date().toISOString());
    tx.emit(envelope('charger.firmware_status', ctx.installationId, ctx.chargerId, { status: params.status }));
  });
  ctx.log.info({ status: params.status }, 'firmware status');
  return {};
};
