import { inTransaction, type Db } from './db.js';
import { closeRow, roamingColumns, toStoredStart, toTransaction, type Row, type StoredStart, type Transaction } from './transactions.js';
import { meterValueStore, type MeterValueInput } from './meterValues.js';

/** How a 2.0.1 transaction is authorized: the decision stored with it, as a 1.6 start stores its own. */
export interface TokenAuthorization {
  idTag: string;
  idTagKey: string;
  idTokenType: string;
  authStatus: string;
  authSource: string;
  authReason: string | null;
  providerSessionId: string | null;
  roaming?: Parameters<typeof roamingColumns>[0];
  authExpiryDate: string | null;
  authParentIdTag: string | null;
  late: boolean;
  /** The token was Accepted in the charger's Local Authorization List. */
  localList: boolean;
}

/** One TransactionEvent, read from the frame. */
export interface TransactionEventInput {
  chargerId: string;
  installationId: string;
  ocppVersion: string;
  chargerTxId: string;
  eventType: 'Started' | 'Updated' | 'Ended';
  seqNo: number;
  triggerReason: string;
  timestamp: string;
  late: boolean;
  evseId: number | null;
  evseConnectorId: number | null;
  meterValues: MeterValueInput[];
  /** Energy.Active.Import.Register of the event's first and last meter value carrying one (Wh). */
  registerFirst?: number;
  registerLast?: number;
  stoppedReason: string | null;
  /** The reservation this transaction uses, when the event says so. */
  reservationId: number | null;
  /** An id token that becomes the transaction's own (its start), or one presented to stop it. */
  token?: { role: 'start'; authorization: TokenAuthorization } | { role: 'stop'; idTag: string };
  /** The response sent, kept so that a repeat of this seqNo gets it again; null for `{}`. */
  answer: object | null;
}

export type EventOutcome =
  | { kind: 'created' | 'updated' | 'stopped' | 'already_stopped'; transaction: Transaction }
  | { kind: 'repeat'; answer: object | null }
  | { kind: 'unknown' };

/** Not authorized (yet): a 2.0.1 charger may start a transaction before any id token, e.g. when the cable is plugged in. */
const NO_TOKEN = { id_tag: '', id_tag_key: '', auth_status: 'Pending', auth_source: 'default', auth_reason: 'no_id_token' };

function authorizationColumns(a: TokenAuthorization) {
  return {
    id_tag: a.idTag,
    id_tag_key: a.idTagKey,
    id_token_type: a.idTokenType,
    auth_status: a.authStatus,
    auth_source: a.authSource,
    auth_reason: a.authReason,
    provider_session_id: a.providerSessionId,
    ...roamingColumns(a.roaming),
    auth_expiry_date: a.authExpiryDate,
    auth_parent_id_tag: a.authParentIdTag,
    auth_local_list: a.localList ? 1 : 0,
  };
}

const byChargerTx = (db: Db, chargerId: string, chargerTxId: string) =>
  db.selectFrom('transactions').selectAll().where('charger_id', '=', chargerId).where('charger_tx_id', '=', chargerTxId);

/** A new row for the first event of a transaction (a Started, or whatever came first when the Started was lost). */
async function create(trx: Db, e: TransactionEventInput): Promise<Row> {
  const start = e.token?.role === 'start' ? e.token.authorization : undefined;
  const connectorId = e.evseId ?? 0;
  await trx
    .insertInto('transactions')
    .values({
      charger_id: e.chargerId,
      installation_id: e.installationId,
      connector_id: connectorId,
      ...(start ? authorizationColumns(start) : NO_TOKEN),
      meter_start: e.registerFirst ?? 0,
      meter_last_wh: e.registerLast ?? null,
      start_time: e.timestamp,
      started_received_at: new Date().toISOString(),
      reservation_id: e.reservationId,
      // A refused card does not make the session count as the card's (ConcurrentTx), as in 1.6.
      active: !start || start.authStatus === 'Accepted' ? 1 : 0,
      late: e.late || start?.late ? 1 : 0,
      meter_anomaly: 0,
      ocpp_version: e.ocppVersion,
      charger_tx_id: e.chargerTxId,
      evse_id: e.evseId,
      evse_connector_id: e.evseConnectorId,
      last_seq_no: e.seqNo,
    })
    .onConflict((oc) => oc.columns(['charger_id', 'charger_tx_id']).doNothing())
    .execute();
  const row = await byChargerTx(trx, e.chargerId, e.chargerTxId).executeTakeFirstOrThrow();
  // An EVSE runs one transaction: an older one still open there lost its Ended (as a 1.6 connector's lost stop).
  await trx
    .updateTable('transactions')
    .set({ active: 0 })
    .where('charger_id', '=', e.chargerId)
    .where('connector_id', '=', connectorId)
    .where('active', '=', 1)
    .where('id', '<>', row.id)
    .execute();
  return row;
}

/** The event's changes to a stored row, but its stop. */
async function update(trx: Db, row: Row, e: TransactionEventInput): Promise<Row> {
  const token = e.token;
  const open = row.stop_received_at === null;
  const changes = {
    last_seq_no: Math.max(row.last_seq_no ?? e.seqNo, e.seqNo),
    ...(e.registerLast !== undefined && { meter_last_wh: e.registerLast }),
    // No reading at the start: the first one seen is the best start there is (the register is the meter's lifetime).
    ...(row.meter_last_wh === null && e.registerFirst !== undefined && { meter_start: e.registerFirst }),
    ...(row.evse_id === null && e.evseId !== null && { evse_id: e.evseId, evse_connector_id: e.evseConnectorId }),
    ...(token?.role === 'start' && {
      ...authorizationColumns(token.authorization),
      active: open && token.authorization.authStatus === 'Accepted' ? 1 : 0,
      late: row.late === 1 || token.authorization.late ? 1 : 0,
    }),
    ...(token?.role === 'stop' && open && { stop_id_tag: token.idTag }),
  };
  await trx.updateTable('transactions').set(changes).where('id', '=', row.id).execute();
  return trx.selectFrom('transactions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
}

/** Records the seqNo; false when it was applied before (a repeat: nothing else happens). */
async function firstTime(trx: Db, transactionId: number, e: TransactionEventInput): Promise<boolean> {
  const inserted = await trx
    .insertInto('transaction_events')
    .values({ transaction_id: transactionId, seq_no: e.seqNo, answer: e.answer && JSON.stringify(e.answer) })
    .onConflict((oc) => oc.columns(['transaction_id', 'seq_no']).doNothing())
    .returning('seq_no')
    .executeTakeFirst();
  return inserted !== undefined;
}

async function storedAnswer(db: Db, transactionId: number, seqNo: number): Promise<{ answer: object | null } | undefined> {
  const row = await db
    .selectFrom('transaction_events')
    .select('answer')
    .where('transaction_id', '=', transactionId)
    .where('seq_no', '=', seqNo)
    .executeTakeFirst();
  return row && { answer: row.answer === null ? null : JSON.parse(row.answer) };
}

export function transactionEventStore(db: Db) {
  return {
    /** A 2.0.1 transaction by the charger's own id, with the idTokenInfo fields it was authorized with. */
    async find(chargerId: string, chargerTxId: string): Promise<StoredStart | undefined> {
      const row = await byChargerTx(db, chargerId, chargerTxId).executeTakeFirst();
      return row && toStoredStart(row);
    },

    /** The response a seqNo of this transaction got, when it was applied. */
    answered: (transactionId: number, seqNo: number) => storedAnswer(db, transactionId, seqNo),

    /**
     * Applies one event in one database transaction (the caller's unit of work, when there is one):
     * the row, its seqNo, its meter values and its stop, or none of them. A seqNo
     * already applied changes nothing and gives the response it got then.
     */
    async apply(e: TransactionEventInput): Promise<EventOutcome> {
      return inTransaction(db, async (trx) => {
        let row = await byChargerTx(trx, e.chargerId, e.chargerTxId).executeTakeFirst();
        const created = row === undefined;
        if (!row) {
          if (e.eventType === 'Ended') return { kind: 'unknown' } as const;
          row = await create(trx, e);
        }
        if (!(await firstTime(trx, row.id, e))) return { kind: 'repeat', ...(await storedAnswer(trx, row.id, e.seqNo))! } as const;
        await meterValueStore(trx).add(e.chargerId, row.connector_id, row.id, e.meterValues, 'TransactionEvent');
        if (created) return { kind: 'created', transaction: toTransaction(row) } as const;
        const wasOpen = row.stop_received_at === null;
        row = await update(trx, row, e);
        if (e.eventType !== 'Ended') return { kind: 'updated', transaction: toTransaction(row) } as const;
        if (!wasOpen) return { kind: 'already_stopped', transaction: toTransaction(row) } as const;
        const stop = {
          chargerId: e.chargerId,
          meterStop: e.registerLast ?? row.meter_last_wh ?? row.meter_start,
          stopTime: e.timestamp,
          reason: e.stoppedReason,
          stopIdTag: row.stop_id_tag,
        };
        return closeRow(trx, row, stop, 'TransactionEvent');
      });
    },
  };
}

export type TransactionEventStore = ReturnType<typeof transactionEventStore>;
