import type { ChargerContext, OcppDeps } from '../context.js';
import type { Decision } from '../../authorization/types.js';
import type { StoredStart } from '../../store/transactions.js';
import type { TransactionEventInput } from '../../store/transactionEvents.js';
import { idTagKey } from '../../store/idTags.js';
import { toIdTokenInfo, type IdTokenInfo } from './idTokenInfo.js';
import { heldInLocalList } from '../localList/held.js';

interface IdToken {
  idToken: string;
  type: string;
}

export interface TokenOutcome {
  idTokenInfo: IdTokenInfo;
  token?: TransactionEventInput['token'];
  /** A decision made for this event (none when the token was the transaction's own). */
  decision?: { idTag: string; decision: Decision };
}

type Event = Omit<TransactionEventInput, 'token' | 'answer'>;

/**
 * The id token an event carries: the transaction's own is answered from its stored decision; a
 * token presented to stop (Ended, StopAuthorized) is authorized as 1.6 authorizes a stop's idTag;
 * any other becomes the transaction's authorization (its start: ConcurrentTx and the provider's
 * session apply), also on an Updated after a Started without one.
 */
const cacheTtl = (deps: OcppDeps) => ({ cacheTtlSec: deps.config.decisionCacheTtlSec });

export async function authorizeToken(deps: OcppDeps, ctx: ChargerContext, e: Event, idToken: IdToken | undefined, known: StoredStart | undefined) {
  if (!idToken) return undefined;
  const tx = known?.transaction;
  if (known && tx?.idTag && idTagKey(tx.idTag) === idTagKey(idToken.idToken)) {
    // The stored decision answers again, with the cache lifetime it had.
    const stored = { ...known.answer, status: known.answer.status, source: tx.authorization.source, reason: tx.authorization.reason ?? '', final: true } as Decision;
    return { idTokenInfo: toIdTokenInfo(stored, cacheTtl(deps)) } satisfies TokenOutcome;
  }
  const stopping = e.eventType === 'Ended' || e.triggerReason === 'StopAuthorized';
  const connectorId = tx?.connectorId ?? e.evseId ?? 0;
  const evseId = tx?.evseId ?? e.evseId;
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: idToken.idToken,
    trigger: stopping ? 'Authorize' : 'TransactionEvent',
    idTokenType: idToken.type,
    ocppVersion: ctx.ocppVersion,
    ...(evseId !== null && { evseId }),
    ...(tx && { transactionId: tx.id }),
    ...(!stopping && { connectorId, meterStart: tx?.meterStart ?? e.registerFirst ?? 0, late: e.late }),
  });
  const authorization = {
    idTag: idToken.idToken,
    idTagKey: idTagKey(idToken.idToken),
    idTokenType: idToken.type,
    authStatus: decision.status,
    authSource: decision.source,
    authReason: decision.reason,
    providerSessionId: decision.sessionId ?? null,
    roaming: decision.roaming,
    authExpiryDate: decision.expiryDate ?? null,
    authParentIdTag: decision.parentIdTag ?? null,
    late: e.late,
    localList: !stopping && (await heldInLocalList(deps, ctx, idToken.idToken)),
  };
  const token = stopping ? ({ role: 'stop', idTag: idToken.idToken } as const) : ({ role: 'start', authorization } as const);
  return { idTokenInfo: toIdTokenInfo(decision, cacheTtl(deps)), token, decision: { idTag: idToken.idToken, decision } } satisfies TokenOutcome;
}
