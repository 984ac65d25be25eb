import { canonicalMeterValues, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

export const meterValues: Handler = async (deps, ctx, params) => {
  let transactionId: number | null = params.transactionId ?? null;
  if (transactionId !== null && !(await deps.store.transactions.belongsTo(transactionId, ctx.chargerId))) {
    // Kept, but not attached to another charger's transaction.
    await deps.store.anomalies.record(ctx.chargerId, 'foreign_meter_values', transactionId, params);
    ctx.log.warn({ transactionId }, 'MeterValues for a transaction this charger does not own');
    transactionId = null;
  }
  const values = canonicalMeterValues(params.meterValue);
  await deps.store.transact(async (tx) => {
    await tx.meterValues.add(ctx.chargerId, params.connectorId, transactionId, values, 'MeterValues');
    tx.emit(envelope('session.meter_values', ctx.installationId, ctx.chargerId, { transactionId, connectorId: params.connectorId, meterValue: values as any }));
  });
  return {};
};
