import type { Handler } from '../context.js';

export const firmwareStatusNotification: Handler = async (deps, ctx, params) => {
  await deps.store.chargers.setFirmwareStatus(ctx.chargerId, params.status, new Date().toISOString());
  ctx.log.info({ status: params.status }, 'firmware status');
  return {};
};
