import { canonicalTime, type Handler } from '../context.js';

export const meterValues: Handler = async (deps, ctx, params) => {
  let transactionId: number | null = params.transactionId ?? null;
  if (transactionId !== null && !(await deps.store.transactions.belongsTo(transactionId, ctx.chargerId))) {
    // Kept, but not attached to another charger's transaction.
    await deps.store.anomalies.record(ctx.chargerId, 'foreign_meter_values', transactionId, params);
    ctx.log.warn({ transactionId }, 'MeterValues for a transaction this charger does not own');
    transactionId = null;
  }
  const values = (params.meterValue as { timestamp: string; sampledValue: unknown[] }[]).map((v) => ({
    timestamp: canonicalTime(v.timestamp),
    sampledValue: v.sampledValue,
  }));
  await deps.store.meterValues.add(ctx.chargerId, params.connectorId, transactionId, values, 'MeterValues');
  return {};
};
