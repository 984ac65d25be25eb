import { sql } from 'kysely';
import type { Db } from './db.js';
import type { Dialect } from './dialect.js';

export interface OutboxItem {
  id: number;
  topic: string;
  target: string;
  eventId: string;
  payload: unknown;
  attempts: number;
}

export interface OutboxState {
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
}

/** One durable delivery to queue: `eventId` names it, so queuing it again changes nothing. */
export interface OutboxInput {
  topic: string;
  target: string;
  eventId: string;
  payload: unknown;
}

/**
 * Durable deliveries. Rows are written inside the caller's unit of work (`tx.outbox.enqueue`), claimed with a
 * lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers or nodes share the work), and
 * retried until delivered. A worker that dies mid-delivery loses only its lease.
 */
export function outboxStore(db: Db, dialect: Dialect) {
  return {
    async enqueue(item: OutboxInput): Promise<void> {
      const now = new Date().toISOString();
      await db
        .insertInto('outbox')
        .values({
          topic: item.topic,
          target: item.target,
          event_id: item.eventId,
          payload: JSON.stringify(item.payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    },

    /**
     * Only the oldest pending row of each charger is due: a later session end of a charger waits
     * while an earlier one is pending (also while it waits for a retry), so a provider gets them
     * in stop order; different chargers are delivered in parallel. A row with no charger is its
     * own queue. Rows are ordered by id, the order their stops were written.
     */
    async claimDue(limit: number, leaseMs: number, owner: string | null = null): Promise<OutboxItem[]> {
      const now = new Date();
      const nowIso = now.toISOString();
      const heads = db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min('id').as('id'))
        .where('status', '=', 'pending')
        .groupBy(['topic', orderKey(dialect)]);
      let due = db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('id', 'in', heads)
        .where('next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
        .orderBy('id')
        .limit(limit);
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('outbox')
        .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString(), locked_by: owner })
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows
        .sort((a, b) => a.id - b.id)
        .map((r) => ({
          id: r.id,
          topic: r.topic,
          target: r.target,
          eventId: r.event_id,
          payload: JSON.parse(r.payload),
          attempts: r.attempts,
        }));
    },

    async delivered(id: number, status: number): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          status: 'delivered',
          attempts: eb('attempts', '+', 1),
          last_status: status,
          last_error: null,
          delivered_at: new Date().toISOString(),
          locked_until: null,
        }))
        .where('id', '=', id)
        .execute();
    },

    async failed(id: number, retryAt: Date, error: string, status: number | null): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          next_attempt_at: retryAt.toISOString(),
          last_status: status,
          last_error: error.slice(0, 1000),
          locked_until: null,
        }))
        .where('id', '=', id)
        .execute();
    },

    /** Gives claimed rows back at once (a shutdown cut their delivery short), instead of after the lease. */
    async release(ids: number[]): Promise<void> {
      if (ids.length === 0) return;
      await db.updateTable('outbox').set({ locked_until: null }).where('id', 'in', ids).where('status', '=', 'pending').execute();
    },

    /** Gives back every claim of a node found dead, without waiting for their leases to run out. */
    async releaseOwner(owner: string): Promise<void> {
      await db.updateTable('outbox').set({ locked_until: null, locked_by: null }).where('locked_by', '=', owner).where('status', '=', 'pending').execute();
    },

    /** Gives back every claim but `owner`'s: with one node per database (SQLite), claims of a previous run. */
    async releaseOthers(owner: string): Promise<void> {
      await db
        .updateTable('outbox')
        .set({ locked_until: null, locked_by: null })
        .where('status', '=', 'pending')
        .where('locked_until', 'is not', null)
        .where((eb) => eb.or([eb('locked_by', 'is', null), eb('locked_by', '!=', owner)]))
        .execute();
    },

    /** Ends a delivery that can never succeed (its target was removed). */
    async cancel(id: number, reason: string): Promise<void> {
      await db.updateTable('outbox').set({ status: 'cancelled', last_error: reason, locked_until: null }).where('id', '=', id).execute();
    },

    async state(eventId: string): Promise<OutboxState | undefined> {
      const r = await db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirst();
      if (!r) return undefined;
      return {
        status: r.status,
        attempts: r.attempts,
        lastStatus: r.last_status,
        lastError: r.last_error,
        createdAt: r.created_at,
        deliveredAt: r.delivered_at,
        nextAttemptAt: r.next_attempt_at,
      };
    },

    async pendingCount(): Promise<number> {
      const r = await db
        .selectFrom('outbox')
        .select(sql<number>`count(*)`.as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}

/** The queue a row is delivered in order within: its charger, read from the payload. */
function orderKey(dialect: Dialect) {
  const charger = dialect === 'postgres' ? sql<string | null>`(payload::jsonb ->> 'chargerId')` : sql<string | null>`json_extract(payload, '$.chargerId')`;
  return sql<string>`coalesce(${charger}, 'row:' || cast(id as text))`;
}

export type OutboxStore = ReturnType<typeof outboxStore>;
