import type { Db } from './db.js';

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
}

export function deliveryStore(db: Db) {
  return {
    async record(d: DeliveryRecord): Promise<void> {
      await this.recordAll([d]);
    },

    async recordAll(rows: DeliveryRecord[]): Promise<void> {
      if (rows.length === 0) return;
      const at = new Date().toISOString();
      await db
        .insertInto('deliveries')
        .values(rows.map((d) => ({
          subscription_id: d.subscriptionId,
          event_id: d.eventId,
          event_type: d.eventType,
          attempt: d.attempt,
          mode: d.mode,
          at,
          status: d.status,
          ok: d.ok ? 1 : 0,
          latency_ms: Math.round(d.latencyMs),
          error: d.error?.slice(0, 1000) ?? null,
          response: d.response?.slice(0, 1024) ?? null,
        })))
        .execute();
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

    async prune(before: string): Promise<number> {
      const res = await db.deleteFrom('deliveries').where('at', '<', before).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type DeliveryStore = ReturnType<typeof deliveryStore>;
