import type { Db } from './db.js';

export interface SecurityEvent {
  id: number;
  /** OCPP 2.0.1 security event type (Part 2 Appendices, "Security Events"), e.g. FirmwareUpdated. */
  type: string;
  /** The charger's timestamp. */
  timestamp: string;
  techInfo: string | null;
  receivedAt: string;
}

/** How many of a charger's security events the API shows, newest first. */
const LIST_LIMIT = 500;

/** SecurityEventNotification, kept per charger for the site owner. */
export function securityEventStore(db: Db) {
  return {
    async record(chargerId: string, e: { type: string; timestamp: string; techInfo: string | null }): Promise<SecurityEvent> {
      const receivedAt = new Date().toISOString();
      const row = await db
        .insertInto('security_events')
        .values({ charger_id: chargerId, type: e.type, timestamp: e.timestamp, tech_info: e.techInfo, received_at: receivedAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, ...e, receivedAt };
    },

    async list(chargerId: string): Promise<SecurityEvent[]> {
      const rows = await db.selectFrom('security_events').selectAll().where('charger_id', '=', chargerId).orderBy('id', 'desc').limit(LIST_LIMIT).execute();
      return rows.map((r) => ({ id: r.id, type: r.type, timestamp: r.timestamp, techInfo: r.tech_info, receivedAt: r.received_at }));
    },
  };
}

export type SecurityEventStore = ReturnType<typeof securityEventStore>;
