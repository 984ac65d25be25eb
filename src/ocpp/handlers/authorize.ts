import type { Handler } from '../context.js';
import { toIdTagInfo } from '../idTagInfo.js';
import { decided } from '../events.js';

export const authorize: Handler = async (deps, ctx, params) => {
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: params.idTag,
    trigger: 'Authorize',
  });
  ctx.log.debug({ status: decision.status, source: decision.source, reason: decision.reason }, 'authorize');
  await deps.events.withEvents(deps.store, ['authorization.decided'], ctx.installationId, async () => undefined, () => [
    decided(ctx, 'Authorize', params.idTag, null, decision),
  ]);
  return { idTagInfo: toIdTagInfo(decision) };
};
