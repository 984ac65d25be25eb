import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type { MeterValueTable } from './schema.js';

export interface MeterValueInput {
  timestamp: string;
  sampledValue: unknown[];
}

/** The message that carried the values. */
export type MeterValueSource = 'MeterValues' | 'StopTransaction' | 'TransactionEvent';

export interface StoredMeterValue {
  id: number;
  connectorId: number;
  timestamp: string;
  sampledValue: unknown[];
  source: string;
}

export function meterValueStore(db: Db) {
  return {
    async add(
      chargerId: string,
      connectorId: number,
      transactionId: number | null,
      values: MeterValueInput[],
      source: MeterValueSource,
    ): Promise<void> {
      if (values.length === 0) return;
      await db
        .insertInto('meter_values')
        .values(
          values.map((v) => ({
            transaction_id: transactionId,
            charger_id: chargerId,
            connector_id: connectorId,
            timestamp: v.timestamp,
            sampled_value: JSON.stringify(v.sampledValue),
            source,
          })),
        )
        .execute();
    },

    /** The newest few rows of a transaction, newest first: enough to find its latest register reading. */
    async latestForTransaction(transactionId: number, rows = 10): Promise<StoredMeterValue[]> {
      const found = await db.selectFrom('meter_values').selectAll().where('transaction_id', '=', transactionId).orderBy('id', 'desc').limit(rows).execute();
      return found.map(toStored);
    },

    async forTransaction(transactionId: number): Promise<StoredMeterValue[]> {
      const rows = await db
        .selectFrom('meter_values')
        .selectAll()
        .where('transaction_id', '=', transactionId)
        .orderBy('timestamp')
        .orderBy('id')
        .execute();
      return rows.map(toStored);
    },
  };
}

function toStored(r: Selectable<MeterValueTable>): StoredMeterValue {
  return { id: r.id, connectorId: r.connector_id, timestamp: r.timestamp, sampledValue: JSON.parse(r.sampled_value), source: r.source };
}

export type MeterValueStore = ReturnType<typeof meterValueStore>;
