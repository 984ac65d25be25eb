import type { Db } from './db.js';
import { idTagKey } from './idTags.js';
import type { ReservationTable } from './schema.js';

export type ReservationStatus = 'active' | 'used' | 'cancelled' | 'expired';

export interface NewReservation {
  chargerId: string;
  reservationId: number;
  installationId: string;
  /** 1.6 connector or 2.0.1 EVSE; 0: any. */
  connectorId: number;
  idTag: string;
  parentIdTag: string | null;
  idTokenType: string | null;
  ocppVersion: string;
  expiryDate: string;
}

export interface Reservation extends NewReservation {
  status: ReservationStatus;
  transactionId: number | null;
  createdAt: string;
  endedAt: string | null;
}

/** How many of a charger's reservations the API lists, newest first. */
const LIST_LIMIT = 200;

function toReservation(r: ReservationTable): Reservation {
  return {
    chargerId: r.charger_id,
    reservationId: r.reservation_id,
    installationId: r.installation_id,
    connectorId: r.connector_id,
    idTag: r.id_tag,
    parentIdTag: r.parent_id_tag,
    idTokenType: r.id_token_type,
    ocppVersion: r.ocpp_version,
    expiryDate: r.expiry_date,
    status: r.status as ReservationStatus,
    transactionId: r.transaction_id,
    createdAt: r.created_at,
    endedAt: r.ended_at,
  };
}

/** Reservations a charger accepted, from ReserveNow until used, cancelled or expired. */
export function reservationStore(db: Db) {
  return {
    /** Stores an accepted reservation; a reservation with the same id on the charger is replaced (OCPP 1.6 §5.13). */
    async reserve(r: NewReservation): Promise<Reservation> {
      const row: ReservationTable = {
        charger_id: r.chargerId,
        reservation_id: r.reservationId,
        installation_id: r.installationId,
        connector_id: r.connectorId,
        id_tag: r.idTag,
        id_tag_key: idTagKey(r.idTag),
        parent_id_tag: r.parentIdTag,
        id_token_type: r.idTokenType,
        ocpp_version: r.ocppVersion,
        expiry_date: r.expiryDate,
        status: 'active',
        transaction_id: null,
        created_at: new Date().toISOString(),
        ended_at: null,
      };
      const { charger_id: _c, reservation_id: _r, ...rest } = row;
      await db.insertInto('reservations').values(row).onConflict((oc) => oc.columns(['charger_id', 'reservation_id']).doUpdateSet(rest)).execute();
      return toReservation(row);
    },

    /** The reservation holding this connector now, if any. */
    async holding(chargerId: string, connectorId: number, now = new Date().toISOString()): Promise<Reservation | undefined> {
      const row = await db
        .selectFrom('reservations')
        .selectAll()
        .where('charger_id', '=', chargerId)
        .where('connector_id', '=', connectorId)
        .where('status', '=', 'active')
        .where('expiry_date', '>', now)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toReservation(row);
    },

    /** Ends an active reservation; undefined when there is none with that id (unknown or already ended). */
    async end(chargerId: string, reservationId: number, status: Exclude<ReservationStatus, 'active'>, transactionId: number | null = null): Promise<Reservation | undefined> {
      const row = await db
        .updateTable('reservations')
        .set({ status, transaction_id: transactionId, ended_at: new Date().toISOString() })
        .where('charger_id', '=', chargerId)
        .where('reservation_id', '=', reservationId)
        .where('status', '=', 'active')
        .returningAll()
        .executeTakeFirst();
      return row && toReservation(row);
    },

    /** Ends a charger's active reservations on one connector, or on any when `connectorId` is 0; returns those ended. */
    async endOn(chargerId: string, connectorId: number, status: Exclude<ReservationStatus, 'active'>): Promise<Reservation[]> {
      let update = db
        .updateTable('reservations')
        .set({ status, ended_at: new Date().toISOString() })
        .where('charger_id', '=', chargerId)
        .where('status', '=', 'active');
      if (connectorId !== 0) update = update.where('connector_id', '=', connectorId);
      const rows = await update.returningAll().execute();
      return rows.map(toReservation);
    },

    /** Active reservations past their expiry (the sweeper ends each with end(), which one node wins). */
    async due(now = new Date().toISOString(), limit = 500): Promise<Reservation[]> {
      const rows = await db.selectFrom('reservations').selectAll().where('status', '=', 'active').where('expiry_date', '<=', now).limit(limit).execute();
      return rows.map(toReservation);
    },

    async list(chargerId: string): Promise<Reservation[]> {
      const rows = await db.selectFrom('reservations').selectAll().where('charger_id', '=', chargerId).orderBy('created_at', 'desc').limit(LIST_LIMIT).execute();
      return rows.map(toReservation);
    },
  };
}

export type ReservationStore = ReturnType<typeof reservationStore>;
