import type { Db } from './db.js';

export type AnomalyKind = 'unknown_transaction' | 'already_stopped' | 'meter_stop_below_start' | 'foreign_meter_values';

/** Frames that were answered but did not fit the stored state: kept for the site owner, never dropped. */
export function anomalyStore(db: Db) {
  return {
    async record(chargerId: string, kind: AnomalyKind, transactionId: number | null, payload: unknown): Promise<void> {
      await db
        .insertInto('ocpp_anomalies')
        .values({
          charger_id: chargerId,
          kind,
          transaction_id: transactionId,
          payload: JSON.stringify(payload),
          received_at: new Date().toISOString(),
        })
        .execute();
    },

    async list(chargerId: string) {
      const rows = await db.selectFrom('ocpp_anomalies').selectAll().where('charger_id', '=', chargerId).orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind as AnomalyKind,
        transactionId: r.transaction_id,
        payload: JSON.parse(r.payload),
        receivedAt: r.received_at,
      }));
    },
  };
}

export type AnomalyStore = ReturnType<typeof anomalyStore>;
