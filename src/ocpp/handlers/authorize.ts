import type { Handler } from '../context.js';
import { toIdTagInfo } from '../idTagInfo.js';

export const authorize: Handler = async (deps, ctx, params) => {
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: params.idTag,
    trigger: 'Authorize',
  });
  ctx.log.debug({ status: decision.status, source: decision.source, reason: decision.reason }, 'authorize');
  return { idTagInfo: toIdTagInfo(decision) };
};
