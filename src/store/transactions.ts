import type { Dialect } from './dialect.js';
import type { Selectable } from 'kysely';
import { inTransaction, type Db } from './db.js';
import type { TransactionTable } from './schema.js';
import { meterValueStore, type MeterValueInput, type MeterValueSource } from './meterValues.js';
import { idTagKey } from './idTags.js';

/** What the transaction list can be narrowed to; `from`/`to` bound the start time (canonical ISO, `to` excluded). */
export interface TransactionFilter {
  chargerId?: string;
  installationId?: string;
  active?: boolean;
  /** Only those a roaming partner authorized. */
  roaming?: boolean;
  idTag?: string;
  from?: string;
  to?: string;
}

export interface Transaction {
  id: number;
  chargerId: string;
  installationId: string;
  connectorId: number;
  idTag: string;
  meterStart: number;
  startTime: string;
  startReceivedAt: string;
  reservationId: number | null;
  authorization: { status: string; source: string; reason: string | null };
  active: boolean;
  late: boolean;
  stop: { meterStop: number; time: string; receivedAt: string; reason: string | null; idTag: string | null } | null;
  energyWh: number | null;
  meterAnomaly: boolean;
  /** The provider's session id (provider mode), sent back at session end. */
  providerSessionId: string | null;
  /** The OCPI partner that authorized it, with its reference; null when no roaming partner decided. */
  roaming: TransactionRoaming | null;
  /** Accepted by the offline policy because the provider could not be reached. */
  authorizedOffline: boolean;
  /** The charger held the id tag as Accepted in the Local Authorization List we sent it: it may have started on its own. */
  localList: boolean;
  ocppVersion: string;
  /** What the charger calls it: a 2.0.1 charger's own transactionId, or our id (as text) that a 1.6 charger was given. */
  chargerTransactionId: string;
  /** 2.0.1: the EVSE (also in connectorId: it runs one transaction, as a 1.6 connector does) and its connector. */
  evseId: number | null;
  evseConnectorId: number | null;
  /** 2.0.1 IdTokenEnumType of idTag; null for 1.6. */
  idTokenType: string | null;
  /** 2.0.1: the highest seqNo of the charger's events applied. */
  lastSeqNo: number | null;
}

/** How a roaming partner authorized a transaction: what its OCPI session names. */
export interface TransactionRoaming {
  partnerId: string;
  authorizationReference: string | null;
  /** OCPI CdrToken and AuthMethod; null when the eMSP did not say which token it was. */
  token: { country_code: string; party_id: string; uid: string; type: string; contract_id: string } | null;
  authMethod: string | null;
}

/** Who authorized it and the reference, as events and the provider's session.end carry it. */
export const roamingSummary = (r: TransactionRoaming | null) => r && { partnerId: r.partnerId, authorizationReference: r.authorizationReference };

/** The columns a roaming decision fills (start rows of both versions). */
export function roamingColumns(r: { partnerId: string; authorizationReference?: string; token?: TransactionRoaming['token']; authMethod?: string } | undefined) {
  return {
    roaming_partner_id: r?.partnerId ?? null,
    authorization_reference: r?.authorizationReference ?? null,
    roaming_token: r?.token ? JSON.stringify({ token: r.token, authMethod: r.authMethod ?? null }) : null,
  };
}

export interface StartInput {
  chargerId: string;
  installationId: string;
  connectorId: number;
  idTag: string;
  idTagKey: string;
  meterStart: number;
  startTime: string;
  reservationId: number | null;
  authStatus: string;
  authSource: string;
  authReason: string | null;
  late: boolean;
  providerSessionId?: string | null;
  roaming?: Parameters<typeof roamingColumns>[0];
  /** Part of the answer the charger got, kept so that a re-send gets the same answer. */
  authExpiryDate?: string | null;
  authParentIdTag?: string | null;
  /** The tag was Accepted in the charger's Local Authorization List. */
  localList?: boolean;
}

/** A stored start and the idTagInfo fields it was answered with. */
export interface StoredStart {
  transaction: Transaction;
  answer: { status: string; expiryDate?: string; parentIdTag?: string };
}

export interface StopInput {
  chargerId: string;
  transactionId: number;
  meterStop: number;
  stopTime: string;
  reason: string | null;
  stopIdTag: string | null;
  /** StopTransaction's transactionData: stored with the stop, so a re-sent stop (a duplicate) loses nothing. */
  transactionData?: MeterValueInput[];
}

export type StopOutcome =
  | { kind: 'stopped'; transaction: Transaction }
  | { kind: 'duplicate'; transaction: Transaction }
  | { kind: 'already_stopped'; transaction: Transaction }
  | { kind: 'unknown' };

export type Row = Selectable<TransactionTable>;

export function toTransaction(row: Row): Transaction {
  return {
    id: row.id,
    chargerId: row.charger_id,
    installationId: row.installation_id,
    connectorId: row.connector_id,
    idTag: row.id_tag,
    meterStart: row.meter_start,
    startTime: row.start_time,
    startReceivedAt: row.started_received_at,
    reservationId: row.reservation_id,
    authorization: { status: row.auth_status, source: row.auth_source, reason: row.auth_reason },
    active: row.active === 1,
    late: row.late === 1,
    stop:
      row.stop_received_at === null
        ? null
        : {
            meterStop: row.meter_stop as number,
            time: row.stop_time as string,
            receivedAt: row.stop_received_at,
            reason: row.stop_reason,
            idTag: row.stop_id_tag,
          },
    energyWh: row.energy_wh,
    meterAnomaly: row.meter_anomaly === 1,
    providerSessionId: row.provider_session_id,
    roaming: row.roaming_partner_id
      ? { partnerId: row.roaming_partner_id, authorizationReference: row.authorization_reference, token: null, authMethod: null, ...(row.roaming_token ? JSON.parse(row.roaming_token) : {}) }
      : null,
    // Only an acceptance by the offline policy; its refusals are decided offline too, but authorize nothing.
    authorizedOffline: row.auth_source === 'offline' && row.auth_status === 'Accepted',
    localList: row.auth_local_list === 1,
    ocppVersion: row.ocpp_version,
    chargerTransactionId: row.charger_tx_id ?? String(row.id),
    evseId: row.evse_id,
    evseConnectorId: row.evse_connector_id,
    idTokenType: row.id_token_type,
    lastSeqNo: row.last_seq_no,
  };
}

export function toStoredStart(row: Row): StoredStart {
  const answer = { status: row.auth_status, expiryDate: row.auth_expiry_date ?? undefined, parentIdTag: row.auth_parent_id_tag ?? undefined };
  return { transaction: toTransaction(row), answer };
}

/** The fields that identify one StartTransaction.req, so a re-send maps to the same row. */
function byStartIdentity(db: Db, s: Pick<StartInput, 'chargerId' | 'connectorId' | 'idTag' | 'startTime' | 'meterStart'>) {
  return db
    .selectFrom('transactions')
    .selectAll()
    .where('charger_id', '=', s.chargerId)
    .where('connector_id', '=', s.connectorId)
    .where('id_tag', '=', s.idTag)
    .where('start_time', '=', s.startTime)
    .where('meter_start', '=', s.meterStart);
}

/**
 * Closes an open row in the caller's database transaction: meter stop, energy and the stop's meter
 * values, or none of them.
 */
export async function closeRow(
  trx: Db,
  row: Row,
  s: Omit<StopInput, 'transactionId'>,
  source: MeterValueSource,
): Promise<{ kind: 'stopped' | 'already_stopped'; transaction: Transaction }> {
  const anomaly = s.meterStop < row.meter_start;
  const res = await trx
    .updateTable('transactions')
    .set({
      active: 0,
      meter_stop: s.meterStop,
      stop_time: s.stopTime,
      stop_received_at: new Date().toISOString(),
      stop_reason: s.reason,
      stop_id_tag: s.stopIdTag,
      energy_wh: anomaly ? null : s.meterStop - row.meter_start,
      meter_anomaly: anomaly ? 1 : 0,
    })
    .where('id', '=', row.id)
    .where('stop_received_at', 'is', null)
    .executeTakeFirst();
  const stored = await trx.selectFrom('transactions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  const kind = Number(res.numUpdatedRows) === 1 ? 'stopped' : 'already_stopped';
  const transaction = toTransaction(stored);
  if (kind === 'stopped') {
    await meterValueStore(trx).add(s.chargerId, row.connector_id, row.id, s.transactionData ?? [], source);
  }
  return { kind, transaction } as const;
}

export function transactionStore(db: Db, dialect: Dialect) {
  return {
    async findStart(s: Pick<StartInput, 'chargerId' | 'connectorId' | 'idTag' | 'startTime' | 'meterStart'>): Promise<StoredStart | undefined> {
      const row = await byStartIdentity(db, s).executeTakeFirst();
      return row && toStoredStart(row);
    },

    /** One transaction with the idTagInfo its start was answered with. */
    async getWithAnswer(id: number): Promise<StoredStart | undefined> {
      const row = await db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toStoredStart(row);
    },

    /** Inserts unless the same start is already stored (a race of two re-sends); returns the stored row. */
    async start(s: StartInput): Promise<Transaction> {
      const accepted = s.authStatus === 'Accepted';
      return inTransaction(db, async (trx) => {
        await trx
          .insertInto('transactions')
          .values({
            charger_id: s.chargerId,
            installation_id: s.installationId,
            connector_id: s.connectorId,
            id_tag: s.idTag,
            id_tag_key: s.idTagKey,
            meter_start: s.meterStart,
            start_time: s.startTime,
            started_received_at: new Date().toISOString(),
            reservation_id: s.reservationId,
            auth_status: s.authStatus,
            auth_source: s.authSource,
            auth_reason: s.authReason,
            active: accepted ? 1 : 0,
            late: s.late ? 1 : 0,
            meter_anomaly: 0,
            provider_session_id: s.providerSessionId ?? null,
            ...roamingColumns(s.roaming),
            auth_expiry_date: s.authExpiryDate ?? null,
            auth_parent_id_tag: s.authParentIdTag ?? null,
            auth_local_list: s.localList ? 1 : 0,
          })
          .onConflict((oc) => oc.columns(['charger_id', 'connector_id', 'id_tag', 'start_time', 'meter_start']).doNothing())
          .execute();
        const row = await byStartIdentity(trx as unknown as Db, s).executeTakeFirstOrThrow();
        if (accepted) {
          // A connector runs one transaction: an older one still open there lost its StopTransaction.
          // It stops counting as active (ConcurrentTx) but a late StopTransaction can still close it.
          await trx
            .updateTable('transactions')
            .set({ active: 0 })
            .where('charger_id', '=', s.chargerId)
            .where('connector_id', '=', s.connectorId)
            .where('active', '=', 1)
            .where('id', '<>', row.id)
            .execute();
        }
        return toTransaction(row);
      });
    },

    async hasActiveElsewhere(installationId: string, idTagKey: string, chargerId: string, connectorId: number) {
      const row = await db
        .selectFrom('transactions')
        .select('id')
        .where('installation_id', '=', installationId)
        .where('id_tag_key', '=', idTagKey)
        .where('active', '=', 1)
        .where((eb) => eb.or([eb('charger_id', '<>', chargerId), eb('connector_id', '<>', connectorId)]))
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * The stop and its transactionData commit in one database transaction (the caller's unit of
     * work, with its session-end outbox row, when there is one), or neither does.
     */
    async stop(s: StopInput): Promise<StopOutcome> {
      return inTransaction(db, async (trx) => {
        const row = await trx.selectFrom('transactions').selectAll().where('id', '=', s.transactionId).executeTakeFirst();
        if (!row || row.charger_id !== s.chargerId) return { kind: 'unknown' } as const;
        if (row.stop_received_at !== null) {
          const same = row.meter_stop === s.meterStop && row.stop_time === s.stopTime;
          return { kind: same ? 'duplicate' : 'already_stopped', transaction: toTransaction(row) } as const;
        }
        return closeRow(trx, row, s, 'StopTransaction');
      });
    },

    async get(id: number): Promise<Transaction | undefined> {
      const row = await db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toTransaction(row);
    },

    /** Inside a transaction: whether it is still active, held so (PostgreSQL: row lock) until the caller commits. */
    async stillActive(id: number): Promise<boolean> {
      let q = db.selectFrom('transactions').select('active').where('id', '=', id);
      if (dialect === 'postgres') q = q.forUpdate();
      return (await q.executeTakeFirst())?.active === 1;
    },

    async belongsTo(id: number, chargerId: string): Promise<boolean> {
      const row = await db.selectFrom('transactions').select('charger_id').where('id', '=', id).executeTakeFirst();
      return row?.charger_id === chargerId;
    },

    /** `within`: only these installations (a caller's scope); empty matches nothing. */
    async list(f: TransactionFilter & { within?: string[]; limit: number; offset: number }) {
      if (f.within?.length === 0) return [];
      let q = db.selectFrom('transactions').selectAll();
      if (f.within !== undefined) q = q.where('installation_id', 'in', f.within);
      if (f.chargerId !== undefined) q = q.where('charger_id', '=', f.chargerId);
      if (f.installationId !== undefined) q = q.where('installation_id', '=', f.installationId);
      if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
      if (f.roaming) q = q.where('roaming_partner_id', 'is not', null);
      if (f.idTag !== undefined) q = q.where('id_tag_key', '=', idTagKey(f.idTag));
      // Times are stored as canonical ISO text, so text order is time order.
      if (f.from !== undefined) q = q.where('start_time', '>=', f.from);
      if (f.to !== undefined) q = q.where('start_time', '<', f.to);
      const rows = await q.orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
      return rows.map(toTransaction);
    },
  };
}

export type TransactionStore = ReturnType<typeof transactionStore>;
