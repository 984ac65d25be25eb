import type { Handler } from '../context.js';

export const heartbeat: Handler = async (deps, ctx) => {
  const now = new Date().toISOString();
  await deps.store.chargers.touch(ctx.chargerId, now);
  return { currentTime: now };
};
