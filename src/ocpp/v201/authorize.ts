import type { Handler } from '../context.js';
import { announceAuthorize } from '../authorizeOutcome.js';
import { toIdTokenInfo } from './idTokenInfo.js';

/** idToken.idToken goes through the same chain as a 1.6 idTag, with its type (a native tag may be limited to one). */
export const authorize: Handler = async (deps, ctx, params) => {
  const { idToken, type } = params.idToken as { idToken: string; type: string };
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: idToken,
    idTokenType: type,
    ocppVersion: ctx.ocppVersion,
    trigger: 'Authorize',
  });
  await announceAuthorize(deps, ctx, idToken, decision, { idTokenType: type });
  return { idTokenInfo: toIdTokenInfo(decision, { cacheTtlSec: deps.config.decisionCacheTtlSec }) };
};
