import { sql } from 'kysely';
import { insertChunks, type Db } from './db.js';
import { compiledOnce, slot } from './compiled.js';

/** How far a subscription's deliveries got: the seq of its last delivered event. */
export interface Cursor {
  subscriptionId: string;
  seq: number;
}

// Every delivery drain reads its subscription's position: built once (compiled.ts).
const findSeq = compiledOnce((d) => d.selectFrom('delivery_cursors').select('seq').where('subscription_id', '=', slot('id')));

/**
 * The delivered positions, kept beside the attempt log (the same database on PostgreSQL, the
 * log's own file on SQLite) and written by the delivery thread in the transaction of its
 * attempt rows (deliveries.ts). A subscription's cursor is the later of this and where the
 * API told it to start (subscriptions.cursor).
 */
export function deliveryCursors(db: Db) {
  return {
    async of(subscriptionId: string): Promise<number | undefined> {
      const r = (await findSeq(db, { id: subscriptionId })).rows[0];
      return r && Number(r.seq);
    },

    async all(): Promise<Map<string, number>> {
      const rows = await db.selectFrom('delivery_cursors').select(['subscription_id', 'seq']).execute();
      return new Map(rows.map((r) => [r.subscription_id, Number(r.seq)]));
    },

    /**
     * Forward only (a late writer never moves one back), many in one statement per chunk of
     * power-of-two size, so the SQL texts stay few (see insertChunks). Runs in the caller's transaction.
     */
    async advance(cursors: Cursor[]): Promise<void> {
      for (const chunk of insertChunks(cursors)) {
        const values = sql.join(chunk.map((c) => sql`(${c.subscriptionId}, ${c.seq})`));
        await sql`insert into delivery_cursors (subscription_id, seq) values ${values}
          on conflict (subscription_id) do update set seq = excluded.seq
          where delivery_cursors.seq < excluded.seq`.execute(db);
      }
    },

    async forget(subscriptionId: string): Promise<void> {
      await db.deleteFrom('delivery_cursors').where('subscription_id', '=', subscriptionId).execute();
    },
  };
}
