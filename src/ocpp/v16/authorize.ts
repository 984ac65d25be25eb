import type { Handler } from '../context.js';
import { toIdTagInfo } from '../idTagInfo.js';
import { announceAuthorize } from '../authorizeOutcome.js';

export const authorize: Handler = async (deps, ctx, params) => {
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: params.idTag,
    trigger: 'Authorize',
  });
  await announceAuthorize(deps, ctx, params.idTag, decision);
  return { idTagInfo: toIdTagInfo(decision) };
};
