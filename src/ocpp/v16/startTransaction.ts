import { canonicalTime, reportedLate, type Handler } from '../context.js';
import { toIdTagInfo } from '../idTagInfo.js';
import { idTagKey } from '../../store/idTags.js';
import { decided, reservationEvent, sessionStarted } from '../envelopes.js';
import type { Decision } from '../../authorization/types.js';
import { loggedIdTag } from '../../log.js';
import { heldInLocalList } from '../localList/held.js';
import { roamingStartWriter } from '../sessionEndRow.js';

/**
 * Always answers with a transactionId and idTagInfo, also when the tag is refused (the row is
 * stored as refused), because a charger that gets no id cannot send its StopTransaction.
 */
export const startTransaction: Handler = async (deps, ctx, params) => {
  const identity = {
    chargerId: ctx.chargerId,
    connectorId: params.connectorId as number,
    idTag: params.idTag as string,
    startTime: canonicalTime(params.timestamp),
    meterStart: params.meterStart as number,
  };
  // A re-send after a lost reply: same transaction, same answer, no second authorization.
  const previous = await deps.store.transactions.findStart(identity);
  if (previous) {
    const { transaction, answer } = previous;
    ctx.log.info({ transactionId: transaction.id }, 'StartTransaction re-sent; answering with the stored transaction');
    return { transactionId: transaction.id, idTagInfo: toIdTagInfo({ ...answer, status: answer.status as Decision['status'] }) };
  }
  const late = reportedLate(identity.startTime);
  const localList = await heldInLocalList(deps, ctx, identity.idTag);
  // Accepted from its list or not, the gateway decides again (the central system must verify it).
  const decision = await deps.authorize({
    installationId: ctx.installationId,
    chargerId: ctx.chargerId,
    idTag: identity.idTag,
    trigger: 'StartTransaction',
    connectorId: identity.connectorId,
    meterStart: identity.meterStart,
    late,
  });
  const start = {
    ...identity,
    installationId: ctx.installationId,
    idTagKey: idTagKey(identity.idTag),
    reservationId: params.reservationId ?? null,
    authStatus: decision.status,
    authSource: decision.source,
    authReason: decision.reason,
    late,
    providerSessionId: decision.sessionId ?? null,
    roaming: decision.roaming,
    authExpiryDate: decision.expiryDate ?? null,
    authParentIdTag: decision.parentIdTag ?? null,
    localList,
  };
  const { tx, pushed } = await deps.store.transact(async (unit) => {
    const tx = await unit.transactions.start(start);
    const pushed = await roamingStartWriter(deps, unit, tx);
    // The charger ended the reservation by starting on it (§5.13), whatever the tag's status.
    const used = start.reservationId === null ? undefined : await unit.reservations.end(ctx.chargerId, start.reservationId, 'used', tx.id);
    unit.emit(decided(ctx, 'StartTransaction', identity.idTag, identity.connectorId, decision));
    unit.emit(sessionStarted(ctx, tx));
    if (used) unit.emit(reservationEvent('reservation.used', used));
    return { tx, pushed };
  });
  if (pushed) deps.outbox.kick();
  ctx.log.info(
    { transactionId: tx.id, connectorId: identity.connectorId, idTag: loggedIdTag(deps.config.logIdTags, identity.idTag), status: tx.authorization.status, source: decision.source, reason: tx.authorization.reason, late, localList },
    'transaction started',
  );
  return { transactionId: tx.id, idTagInfo: toIdTagInfo({ ...decision, status: tx.authorization.status as typeof decision.status }) };
};
