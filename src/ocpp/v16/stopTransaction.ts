import { canonicalMeterValues, canonicalTime, type ChargerContext, type Handler, type OcppDeps } from '../context.js';
import { toIdTagInfo } from '../idTagInfo.js';
import type { StopOutcome } from '../../store/transactions.js';
import { idTagKey } from '../../store/idTags.js';
import { sessionEndWriter } from '../sessionEndRow.js';
import { sessionStopped } from '../envelopes.js';
import { loggedIdTag } from '../../log.js';

/**
 * Always answered, also for an unknown or already stopped transaction: a charger that gets no
 * answer re-sends forever. What did not fit is recorded as an anomaly, never closed twice.
 */
export const stopTransaction: Handler = async (deps, ctx, params) => {
  const queueSessionEnd = await sessionEndWriter(deps, ctx.installationId);
  const stop = {
    chargerId: ctx.chargerId,
    transactionId: params.transactionId,
    meterStop: params.meterStop,
    stopTime: canonicalTime(params.timestamp),
    reason: params.reason ?? null,
    stopIdTag: params.idTag ?? null,
    transactionData: canonicalMeterValues(params.transactionData ?? []),
  };
  const outcome = await deps.store.transact(async (tx) => {
    const o = await tx.transactions.stop(stop);
    if (o.kind === 'stopped') {
      tx.emit(sessionStopped(ctx, o.transaction));
      await tx.chargingProfiles.transactionEnded(ctx.chargerId, o.transaction.connectorId);
      await queueSessionEnd?.(tx, o.transaction);
    }
    return o;
  });
  if (outcome.kind === 'stopped' && queueSessionEnd) deps.outbox.kick();
  await recordOutcome(deps, ctx, outcome, params);
  if (params.idTag === undefined) return {};
  return { idTagInfo: await stopIdTagInfo(deps, ctx, outcome, params.idTag) };
};

async function recordOutcome(deps: OcppDeps, ctx: ChargerContext, outcome: StopOutcome, params: any): Promise<void> {
  const { transactionId } = params;
  if (outcome.kind === 'unknown') {
    await deps.store.anomalies.record(ctx.chargerId, 'unknown_transaction', transactionId, params);
    ctx.log.warn({ transactionId }, 'StopTransaction for an unknown transaction; recorded');
  } else if (outcome.kind === 'already_stopped') {
    await deps.store.anomalies.record(ctx.chargerId, 'already_stopped', transactionId, params);
    ctx.log.warn({ transactionId }, 'StopTransaction for a transaction already stopped; recorded, not closed again');
  } else if (outcome.kind === 'duplicate') {
    ctx.log.info({ transactionId }, 'StopTransaction re-sent; already stored');
  } else {
    const t = outcome.transaction;
    if (t.meterAnomaly) {
      await deps.store.anomalies.record(ctx.chargerId, 'meter_stop_below_start', transactionId, params);
      ctx.log.warn({ transactionId, meterStart: t.meterStart, meterStop: t.stop?.meterStop }, 'meterStop below meterStart; flagged');
    }
    ctx.log.info({ transactionId, idTag: loggedIdTag(deps.config.logIdTags, t.stop?.idTag ?? t.idTag), energyWh: t.energyWh, reason: t.stop?.reason }, 'transaction stopped');
  }
}

/** The card that started the session may stop it; another card is authorized like any other. */
async function stopIdTagInfo(deps: OcppDeps, ctx: ChargerContext, outcome: StopOutcome, idTag: string) {
  if (outcome.kind !== 'unknown' && idTagKey(outcome.transaction.idTag) === idTagKey(idTag)) {
    return { status: 'Accepted' as const };
  }
  const decision = await deps.authorize({ installationId: ctx.installationId, chargerId: ctx.chargerId, idTag, trigger: 'Authorize' });
  return toIdTagInfo(decision);
}
