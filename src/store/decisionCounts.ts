import { inTransaction, insertChunks, type Db } from './db.js';

export interface DecisionCount {
  installationId: string;
  /** ISO text cut after the minutes (2026-12-07T14:05). */
  minute: string;
  source: string;
  count: number;
}

/** The minute a time falls in, as stored. */
export const minuteOf = (at: Date): string => at.toISOString().slice(0, 16);

/** Authorization decisions counted per installation, minute and source: the dashboard's "last hour". */
export function decisionCountStore(db: Db) {
  return {
    /** Adds to what is counted (several nodes add to the same rows). */
    async add(counts: DecisionCount[]): Promise<void> {
      if (counts.length === 0) return;
      await inTransaction(db, async (t) => {
        for (const chunk of insertChunks(counts)) {
          await t
            .insertInto('decision_counts')
            .values(chunk.map((c) => ({ installation_id: c.installationId, minute: c.minute, source: c.source, count: c.count })))
            .onConflict((oc) => oc.columns(['installation_id', 'minute', 'source']).doUpdateSet((eb) => ({ count: eb('decision_counts.count', '+', eb.ref('excluded.count')) })))
            .execute();
        }
      });
    },

    /** Decisions per installation and source from `since` (a minute, as stored) on. */
    async since(since: string, within?: string[]): Promise<{ installationId: string; source: string; count: number }[]> {
      if (within?.length === 0) return [];
      let q = db
        .selectFrom('decision_counts')
        .select((eb) => ['installation_id', 'source', eb.fn.sum<number>('count').as('n')])
        .where('minute', '>=', since);
      if (within) q = q.where('installation_id', 'in', within);
      const rows = await q.groupBy(['installation_id', 'source']).execute();
      return rows.map((r) => ({ installationId: r.installation_id, source: r.source, count: Number(r.n) }));
    },

    async prune(before: string): Promise<void> {
      await db.deleteFrom('decision_counts').where('minute', '<', before).execute();
    },
  };
}

export type DecisionCountStore = ReturnType<typeof decisionCountStore>;
