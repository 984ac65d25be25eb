import { sql } from 'kysely';
import { inTransaction, type Db, type Dialect } from './db.js';
import type { Envelope } from '../notifications/catalogue.js';

export interface StoredEvent {
  seq: number;
  envelope: Envelope;
}

/** Any constant: names the advisory lock that orders event inserts on PostgreSQL. */
const EVENT_ORDER_LOCK = 7_310_001;

/**
 * The event log. Subscribers read it in `seq` order from their own cursor, so `seq` order must
 * be commit order: on PostgreSQL a transaction-scoped advisory lock serialises the inserts (a
 * sequence alone can commit 11 before 10, and a reader that saw 11 would skip 10 for ever).
 */
export function eventStore(db: Db, dialect: Dialect) {
  const toStored = (r: { seq: number; envelope: string }): StoredEvent => ({ seq: r.seq, envelope: JSON.parse(r.envelope) });
  return {
    async insert(trx: Db, envelopes: Envelope[]): Promise<void> {
      if (envelopes.length === 0) return;
      await inTransaction(trx, async (t) => {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(t);
        await t
          .insertInto('events')
          .values(
            envelopes.map((e) => ({
              id: e.id,
              type: e.type,
              installation_id: e.installationId,
              charger_id: e.chargerId ?? null,
              occurred_at: e.occurredAt,
              envelope: JSON.stringify(e),
            })),
          )
          .execute();
      });
    },

    /** Events after `cursor` a subscription may want, oldest first. */
    async after(cursor: number, scope: { installationId: string | null; types: string[] | '*' }, limit: number): Promise<StoredEvent[]> {
      let q = db.selectFrom('events').select(['seq', 'envelope']).where('seq', '>', cursor);
      if (scope.installationId) q = q.where('installation_id', '=', scope.installationId);
      if (scope.types !== '*') q = q.where('type', 'in', scope.types.length ? scope.types : ['-']);
      return (await q.orderBy('seq').limit(limit).execute()).map(toStored);
    },

    async byId(id: string): Promise<StoredEvent | undefined> {
      const r = await db.selectFrom('events').select(['seq', 'envelope']).where('id', '=', id).executeTakeFirst();
      return r && toStored(r);
    },

    async window(from: string, to: string, scope: { installationId: string | null; types: string[] | '*' }, limit: number) {
      let q = db.selectFrom('events').select(['seq', 'envelope']).where('occurred_at', '>=', from).where('occurred_at', '<=', to);
      if (scope.installationId) q = q.where('installation_id', '=', scope.installationId);
      if (scope.types !== '*') q = q.where('type', 'in', scope.types.length ? scope.types : ['-']);
      return (await q.orderBy('seq').limit(limit).execute()).map(toStored);
    },

    async lastSeq(): Promise<number> {
      const r = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      return Number(r?.m ?? 0);
    },

    /**
     * Drops events older than `before` that every subscription has passed. `passedBy`: the lowest
     * cursor of any subscription; MAX_SAFE_INTEGER when none holds events back.
     */
    async prune(before: string, passedBy: number): Promise<number> {
      let q = db.deleteFrom('events').where('occurred_at', '<', before);
      // PostgreSQL's integer seq cannot be compared with a value beyond its range.
      if (passedBy < Number.MAX_SAFE_INTEGER) q = q.where('seq', '<=', passedBy);
      const res = await q.executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type EventStore = ReturnType<typeof eventStore>;
