import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';
import { inTransaction, insertChunks, type Db } from './db.js';
import type { Dialect } from './dialect.js';
import { compiledOnce, slot } from './compiled.js';
import type { Envelope } from './envelope.js';

export interface StoredEvent {
  seq: number;
  envelope: Envelope;
}

/** Which events a reader wants: one installation's or all, some types or all. */
export interface EventScope {
  installationId: string | null;
  types: string[] | '*';
}

function inScope<Q extends SelectQueryBuilder<Database, 'events', any>>(q: Q, scope: EventScope): Q {
  let out = q;
  if (scope.installationId) out = out.where('installation_id', '=', scope.installationId) as Q;
  if (scope.types !== '*') out = out.where('type', 'in', scope.types.length ? scope.types : ['-']) as Q;
  return out;
}

/** Any constant: names the advisory lock that orders event inserts on PostgreSQL. */
const EVENT_ORDER_LOCK = 7_310_001;

/**
 * The event log. Subscribers read it in `seq` order from their own cursor, so `seq` order must
 * be commit order: on PostgreSQL a transaction-scoped advisory lock serialises the inserts (a
 * sequence alone can commit 11 before 10, and a reader that saw 11 would skip 10 for ever).
 */
/**
 * Every delivery drain reads the log after its cursor: one compiled query per shape of scope
 * (with or without an installation, how many types), shared by every store, run with that
 * scope's values.
 */
const afterQueries = new Map<string, ReturnType<typeof afterQueryOf>>();
const afterQueryOf = (installation: boolean, typeCount: number | '*') => {
  const shape: EventScope = {
    installationId: installation ? slot('installationId') : null,
    types: typeCount === '*' ? '*' : Array.from({ length: typeCount }, (_, i) => slot(`type${i}`)),
  };
  return compiledOnce((d) => inScope(d.selectFrom('events').select(['seq', 'envelope']).where('seq', '>', slot('cursor') as unknown as number), shape).orderBy('seq').limit(slot('limit') as unknown as number));
};
function afterQuery(installation: boolean, typeCount: number | '*') {
  const key = `${installation}:${typeCount}`;
  let query = afterQueries.get(key);
  if (!query) afterQueries.set(key, (query = afterQueryOf(installation, typeCount)));
  return query;
}

export function eventLogStore(db: Db, dialect: Dialect) {
  const toStored = (r: { seq: number; envelope: string }): StoredEvent => ({ seq: r.seq, envelope: JSON.parse(r.envelope) });
  return {
    async insert(trx: Db, envelopes: Envelope[]): Promise<void> {
      if (envelopes.length === 0) return;
      await inTransaction(trx, async (t) => {
        if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(t);
        for (const chunk of insertChunks(envelopes)) {
          await t
            .insertInto('events')
            .values(
              chunk.map((e) => ({
                id: e.id,
                type: e.type,
                installation_id: e.installationId,
                charger_id: e.chargerId ?? null,
                occurred_at: e.occurredAt,
                envelope: JSON.stringify(e),
              })),
            )
            .execute();
        }
      });
    },

    /** Events after `cursor` a subscription may want, oldest first. */
    async after(cursor: number, scope: EventScope, limit: number): Promise<StoredEvent[]> {
      // As inScope: an empty type list matches nothing.
      const types = scope.types === '*' ? '*' : scope.types.length ? scope.types : ['-'];
      const query = afterQuery(Boolean(scope.installationId), types === '*' ? '*' : types.length);
      const values: Record<string, unknown> = { cursor, installationId: scope.installationId, limit };
      if (types !== '*') types.forEach((t, i) => (values[`type${i}`] = t));
      return (await query(db, values)).rows.map(toStored);
    },

    /** How many events after `cursor` are in scope, counting no further than `cap` (a bounded backlog). */
    async countAfter(cursor: number, scope: EventScope, cap: number): Promise<number> {
      const head = inScope(db.selectFrom('events').select('seq').where('seq', '>', cursor), scope).limit(cap);
      const r = await db.selectFrom(head.as('head')).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async byId(id: string): Promise<StoredEvent | undefined> {
      const r = await db.selectFrom('events').select(['seq', 'envelope']).where('id', '=', id).executeTakeFirst();
      return r && toStored(r);
    },

    /** Those of `ids` still in the log, in log order. */
    async byIds(ids: string[]): Promise<StoredEvent[]> {
      const found: StoredEvent[] = [];
      for (const chunk of insertChunks(ids)) {
        const rows = await db.selectFrom('events').select(['seq', 'envelope']).where('id', 'in', chunk).execute();
        found.push(...rows.map(toStored));
      }
      return found.sort((a, b) => a.seq - b.seq);
    },

    async window(from: string, to: string, scope: EventScope, limit: number) {
      const q = inScope(db.selectFrom('events').select(['seq', 'envelope']).where('occurred_at', '>=', from).where('occurred_at', '<=', to), scope);
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

export type EventLog = ReturnType<typeof eventLogStore>;
