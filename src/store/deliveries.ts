import { inTransaction, insertChunks, type Db } from './db.js';

export interface DeliveryRecord {
  subscriptionId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  /** queue, blocking, probe, redeliver, replay, test */
  mode: string;
  status: number | null;
  ok: boolean;
  latencyMs: number;
  error: string | null;
  /** The first 1 KB of the reply. */
  response: string | null;
  /** When the attempt was made (rows are written in batches, later). */
  at: string;
}

/** How much of a subscriber's reply the log keeps, in UTF-8 bytes. */
export const RESPONSE_MAX_BYTES = 1024;

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never ending inside a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  // Every UTF-16 unit is at least one byte, so no more than maxBytes units can fit.
  const bytes = Buffer.from(text.slice(0, maxBytes), 'utf8');
  if (bytes.length <= maxBytes) return text.slice(0, maxBytes);
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The delivery attempt log. The delivery thread writes it (bookkeeping.ts); anyone reads it.
 * On SQLite `db` is the log's own file (db.ts, DELIVERY_LOG_FILE).
 */
export function deliveryStore(db: Db) {
  return {
    async record(d: DeliveryRecord): Promise<void> {
      await this.recordAll([d]);
    },

    async recordAll(rows: DeliveryRecord[]): Promise<void> {
      if (rows.length === 0) return;
      await inTransaction(db, async (t) => {
        for (const chunk of insertChunks(rows)) {
          await t
            .insertInto('deliveries')
            .values(chunk.map((d) => ({
              subscription_id: d.subscriptionId,
              event_id: d.eventId,
              event_type: d.eventType,
              attempt: d.attempt,
              mode: d.mode,
              at: d.at,
              status: d.status,
              ok: d.ok ? 1 : 0,
              latency_ms: Math.round(d.latencyMs),
              error: d.error?.slice(0, 1000) ?? null,
              response: d.response === null ? null : utf8Prefix(d.response, RESPONSE_MAX_BYTES),
            })))
            .execute();
        }
      });
    },

    async list(subscriptionId: string, limit: number, before?: number) {
      let q = db.selectFrom('deliveries').selectAll().where('subscription_id', '=', subscriptionId);
      if (before !== undefined) q = q.where('id', '<', before);
      const rows = await q.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        eventType: r.event_type,
        attempt: r.attempt,
        mode: r.mode,
        at: r.at,
        status: r.status,
        ok: r.ok === 1,
        latencyMs: r.latency_ms,
        error: r.error,
        response: r.response,
      }));
    },

    /** A deleted subscription's attempts. */
    async forget(subscriptionId: string): Promise<void> {
      await db.deleteFrom('deliveries').where('subscription_id', '=', subscriptionId).execute();
    },

    async prune(before: string): Promise<number> {
      const res = await db.deleteFrom('deliveries').where('at', '<', before).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type DeliveryStore = ReturnType<typeof deliveryStore>;
