import { inTransaction, insertChunks, type Db } from './db.js';
import { deliveryCursors, type Cursor } from './deliveryCursors.js';

/** What an attempt sent: credentials already replaced (webhookSink.ts), the body bounded here. */
export interface AttemptRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

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
  /** Null for Kafka (and for attempts logged before this was kept). */
  request: AttemptRequest | null;
  responseHeaders: Record<string, string> | null;
  /** When the attempt was made (rows are written in batches, later). */
  at: string;
}

/** How much of a subscriber's reply the log keeps, in UTF-8 bytes. */
export const RESPONSE_MAX_BYTES = 1024;

/** How much of a sent body the log keeps: events are far smaller; the bound keeps the log's size known. */
export const REQUEST_BODY_MAX_BYTES = 16 * 1024;
/** Header values past this are cut, and at most HEADERS_MAX of them kept: a reply's headers are the endpoint's choice. */
const HEADER_VALUE_MAX_BYTES = 512;
const HEADERS_MAX = 50;

export interface DeliveryFilter {
  /** true: delivered; false: failed. */
  ok?: boolean;
  eventType?: string;
}

function boundedHeaders(headers: Record<string, string>): string {
  const kept = Object.entries(headers).slice(0, HEADERS_MAX).map(([k, v]) => [k, utf8Prefix(v, HEADER_VALUE_MAX_BYTES)]);
  return JSON.stringify(Object.fromEntries(kept));
}

function boundedRequest(r: AttemptRequest): string {
  return JSON.stringify({ method: r.method, url: r.url, headers: JSON.parse(boundedHeaders(r.headers)), body: utf8Prefix(r.body, REQUEST_BODY_MAX_BYTES) });
}

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
 * The delivery attempt log and the delivered positions beside it. The delivery thread writes
 * them (notifications/delivery/bookkeeping.ts); anyone reads them. On SQLite `db` is the log's
 * own file (db.ts, DELIVERY_LOG_FILE).
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
              request: d.request && boundedRequest(d.request),
              response_headers: d.responseHeaders && boundedHeaders(d.responseHeaders),
            })))
            .execute();
        }
      });
    },

    /** Attempt rows and the cursors they moved, in one transaction: a crash repeats both or neither. */
    async log(rows: DeliveryRecord[], cursors: Cursor[]): Promise<void> {
      if (rows.length === 0 && cursors.length === 0) return;
      await inTransaction(db, async (t) => {
        await deliveryStore(t).recordAll(rows);
        await deliveryCursors(t).advance(cursors);
      });
    },

    async list(subscriptionId: string, limit: number, before?: number, filter: DeliveryFilter = {}) {
      let q = db.selectFrom('deliveries').selectAll().where('subscription_id', '=', subscriptionId);
      if (before !== undefined) q = q.where('id', '<', before);
      if (filter.ok !== undefined) q = q.where('ok', '=', filter.ok ? 1 : 0);
      if (filter.eventType !== undefined) q = q.where('event_type', '=', filter.eventType);
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
        request: r.request === null ? null : (JSON.parse(r.request) as AttemptRequest),
        responseHeaders: r.response_headers === null ? null : (JSON.parse(r.response_headers) as Record<string, string>),
      }));
    },

    /**
     * Events whose attempts since `since` all failed, oldest first: what "retry all failed" sends
     * again. Test sends are left out (their events are not in the event log).
     */
    async failedEventIds(subscriptionId: string, since: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('deliveries')
        .select((eb) => ['event_id', eb.fn.min('id').as('first')])
        .where('subscription_id', '=', subscriptionId)
        .where('at', '>=', since)
        .where('mode', '!=', 'test')
        .groupBy('event_id')
        .having((eb) => eb.fn.max('ok'), '=', 0)
        .orderBy('first')
        .limit(limit)
        .execute();
      return rows.map((r) => r.event_id);
    },

    /** A deleted subscription's attempts and position. */
    async forget(subscriptionId: string): Promise<void> {
      await inTransaction(db, async (t) => {
        await t.deleteFrom('deliveries').where('subscription_id', '=', subscriptionId).execute();
        await deliveryCursors(t).forget(subscriptionId);
      });
    },

    async prune(before: string): Promise<number> {
      const res = await db.deleteFrom('deliveries').where('at', '<', before).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type DeliveryStore = ReturnType<typeof deliveryStore>;
/** One attempt as GET /api/subscriptions/:id/deliveries lists it. */
export type DeliveryView = Awaited<ReturnType<DeliveryStore['list']>>[number];
