import type { Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

export const firmwareStatusNotification: Handler = async (deps, ctx, params) => {
  await deps.events.withEvents(
    deps.store,
    ['charger.firmware_status'],
    ctx.installationId,
    (tx) => tx.chargers.setFirmwareStatus(ctx.chargerId, params.status, new Date().toISOString()),
    () => [envelope('charger.firmware_status', ctx.installationId, ctx.chargerId, { status: params.status })],
  );
  ctx.log.info({ status: params.status }, 'firmware status');
  return {};
};
