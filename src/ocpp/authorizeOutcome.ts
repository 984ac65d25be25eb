import type { ChargerContext, OcppDeps } from './context.js';
import { decided } from './envelopes.js';
import type { Decision } from '../authorization/types.js';
import { loggedIdTag } from '../log.js';

/**
 * Authorize is the hot path (~20,000/s): a line per call at info would cost as much CPU as the
 * decision. Repeat acceptances (native id tags, the recent-decision cache) go to debug; refusals,
 * provider answers and offline decisions are what an operator looks for, at info.
 */
function routine(d: Decision): boolean {
  return d.status === 'Accepted' && (d.source === 'native' || d.reason === 'cached_decision');
}

const DECIDED = ['authorization.decided'] as const;

/** Logs an Authorize decision and publishes authorization.decided, for every version. */
export async function announceAuthorize(deps: OcppDeps, ctx: ChargerContext, idTag: string, decision: Decision, token: { idTokenType?: string } = {}): Promise<void> {
  const fields = { idTag: loggedIdTag(deps.config.logIdTags, idTag), status: decision.status, source: decision.source, reason: decision.reason, ...token };
  if (routine(decision)) ctx.log.debug(fields, 'authorize');
  else ctx.log.info(fields, 'authorize');
  // Most calls have nobody to tell: then no event is built and no transaction opened.
  if (deps.events.quiet(ctx.installationId, DECIDED)) return;
  await deps.store.transact(async (tx) => tx.emit(decided(ctx, 'Authorize', idTag, null, decision, token)));
}
