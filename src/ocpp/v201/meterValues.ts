import { canonicalMeterValues, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

/**
 * Meter values outside a transaction (2.0.1 sends a transaction's own in TransactionEvent):
 * stored per EVSE, in the connector column where 1.6 keeps its connector.
 */
export const meterValues: Handler = async (deps, ctx, params) => {
  const evseId = params.evseId as number;
  const values = canonicalMeterValues(params.meterValue);
  await deps.store.transact(async (tx) => {
    await tx.meterValues.add(ctx.chargerId, evseId, null, values, 'MeterValues');
    tx.emit(
      envelope('session.meter_values', ctx.installationId, ctx.chargerId, {
        transactionId: null,
        evseId,
        connectorId: evseId,
        meterValue: values as any,
        ocppVersion: ctx.ocppVersion,
      }),
    );
  });
  return {};
};
