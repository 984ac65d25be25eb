import { canonicalTime, reportedLate, type ChargerContext, type Handler, type OcppDeps } from '../context.js';
import type { EventOutcome, TransactionEventInput } from '../../store/transactionEvents.js';
import { envelope } from '../../notifications/record.js';
import type { Envelope } from '../../store/envelope.js';
import { decided, reservationEvent, sessionStarted, sessionStopped } from '../envelopes.js';
import type { Store } from '../../store/index.js';
import { roamingStartWriter, sessionEndWriter } from '../sessionEndRow.js';
import { registerReadings, type MeterValue } from '../energy.js';
import { authorizeToken, type TokenOutcome } from './transactionToken.js';
import { loggedIdTag } from '../../log.js';

/** The frame as the store takes it (all but the id token's authorization and the answer). */
function readEvent(ctx: ChargerContext, params: any): Omit<TransactionEventInput, 'token' | 'answer'> {
  const timestamp = canonicalTime(params.timestamp);
  const meterValue = params.meterValue as MeterValue[] | undefined;
  const readings = registerReadings(meterValue);
  return {
    chargerId: ctx.chargerId,
    installationId: ctx.installationId,
    ocppVersion: ctx.ocppVersion,
    chargerTxId: params.transactionInfo.transactionId,
    eventType: params.eventType,
    seqNo: params.seqNo,
    triggerReason: params.triggerReason,
    timestamp,
    // Queued while offline (the charger says so), or stamped long before it reached us: as a late 1.6 start.
    late: params.offline === true || reportedLate(timestamp),
    evseId: params.evse?.id ?? null,
    evseConnectorId: params.evse?.connectorId ?? null,
    meterValues: (meterValue ?? []).map((v) => ({ timestamp: canonicalTime(v.timestamp), sampledValue: v.sampledValue })),
    ...(readings.length > 0 && { registerFirst: readings[0], registerLast: readings[readings.length - 1] }),
    // The spec lets a charger leave stoppedReason out only when it is Local.
    stoppedReason: params.eventType === 'Ended' ? (params.transactionInfo.stoppedReason ?? 'Local') : null,
    reservationId: params.reservationId ?? null,
  };
}

function eventsOf(ctx: ChargerContext, e: ReturnType<typeof readEvent>, auth: TokenOutcome | undefined, o: EventOutcome): Envelope[] {
  const out: Envelope[] = [];
  const tx = 'transaction' in o ? o.transaction : undefined;
  if (o.kind === 'repeat') return out;
  if (auth?.decision) out.push(decided(ctx, 'TransactionEvent', auth.decision.idTag, tx?.connectorId ?? e.evseId, auth.decision.decision));
  if (o.kind === 'created') out.push(sessionStarted(ctx, o.transaction));
  if (tx && e.meterValues.length > 0) {
    const data = { transactionId: tx.id, connectorId: tx.connectorId, meterValue: e.meterValues as any };
    out.push(envelope('session.meter_values', ctx.installationId, ctx.chargerId, data));
  }
  if (o.kind === 'stopped') out.push(sessionStopped(ctx, o.transaction));
  return out;
}

/**
 * Started, Updated and Ended of a 2.0.1 transaction, named by the charger's own transactionId.
 * Always answered: `{}`, or `{ idTokenInfo }` when the event carried an id token. A seqNo applied
 * before is answered as it was then, with no second effect.
 */
export const transactionEvent: Handler = async (deps, ctx, params) => {
  const known = await deps.store.transactionEvents.find(ctx.chargerId, params.transactionInfo.transactionId);
  const repeat = known && (await deps.store.transactionEvents.answered(known.transaction.id, params.seqNo));
  if (repeat) {
    ctx.log.info({ transactionId: known.transaction.id, seqNo: params.seqNo }, 'TransactionEvent re-sent; answering as before');
    return repeat.answer ?? {};
  }
  const e = readEvent(ctx, params);
  const auth = await authorizeToken(deps, ctx, e, params.idToken, known);
  const answer = auth ? { idTokenInfo: auth.idTokenInfo } : null;
  const queueSessionEnd = e.eventType === 'Ended' ? await sessionEndWriter(deps, ctx.installationId) : undefined;
  const outcome = await deps.store.transact(async (tx) => {
    const o = await tx.transactionEvents.apply({ ...e, token: auth?.token, answer });
    if (o.kind === 'stopped') {
      await tx.chargingProfiles.transactionEnded(ctx.chargerId, o.transaction.connectorId);
      await queueSessionEnd?.(tx, o.transaction);
    }
    const started = auth?.token?.role === 'start' && (o.kind === 'created' || o.kind === 'updated');
    const pushed = started && (await roamingStartWriter(deps, tx, o.transaction));
    const used = await useReservation(tx, ctx, e, o);
    for (const event of eventsOf(ctx, e, auth, o)) tx.emit(event);
    if (used) tx.emit(reservationEvent('reservation.used', used));
    return { ...o, pushed };
  });
  if ((outcome.kind === 'stopped' && queueSessionEnd) || outcome.pushed) deps.outbox.kick();
  await recordOutcome(deps, ctx, outcome, params);
  if (outcome.kind === 'repeat') return outcome.answer ?? {};
  return answer ?? {};
};

/** An event naming a reservation ends it (H01.FR.17/.18: the station ended it by starting on it). */
async function useReservation(store: Store, ctx: ChargerContext, e: ReturnType<typeof readEvent>, o: EventOutcome) {
  if (e.reservationId === null || !('transaction' in o)) return undefined;
  return store.reservations.end(ctx.chargerId, e.reservationId, 'used', o.transaction.id);
}

async function recordOutcome(deps: OcppDeps, ctx: ChargerContext, outcome: EventOutcome, params: any): Promise<void> {
  const chargerTransactionId = params.transactionInfo.transactionId;
  const where = { chargerTransactionId, seqNo: params.seqNo, eventType: params.eventType, triggerReason: params.triggerReason };
  if (outcome.kind === 'unknown') {
    await deps.store.anomalies.record(ctx.chargerId, 'unknown_transaction', null, params);
    ctx.log.warn(where, 'TransactionEvent Ended for an unknown transaction; recorded');
  } else if (outcome.kind === 'repeat') {
    ctx.log.info(where, 'TransactionEvent re-sent; answering as before');
  } else if (outcome.kind === 'already_stopped' && params.eventType === 'Ended') {
    await deps.store.anomalies.record(ctx.chargerId, 'already_stopped', outcome.transaction.id, params);
    ctx.log.warn({ ...where, transactionId: outcome.transaction.id }, 'TransactionEvent Ended for a transaction already ended; recorded, not closed again');
  } else if (outcome.kind === 'created' || outcome.kind === 'stopped') {
    const t = outcome.transaction;
    if (t.meterAnomaly) await deps.store.anomalies.record(ctx.chargerId, 'meter_stop_below_start', t.id, params);
    const facts = { ...where, transactionId: t.id, connectorId: t.connectorId, idTag: loggedIdTag(deps.config.logIdTags, t.stop?.idTag ?? t.idTag), status: t.authorization.status, energyWh: t.energyWh, late: t.late };
    ctx.log.info(facts, outcome.kind === 'created' ? 'transaction started' : 'transaction stopped');
  }
}
