import { sql } from 'kysely';
import { inTransaction, type Db } from './db.js';
import type { Dialect } from './dialect.js';

/** A table of attempts at a guessed secret (schema.ts FailureTable). */
export type FailureTableName = 'login_failures' | 'charger_auth_failures';

export interface KeyLimit {
  key: string;
  /** Attempts the key may have counted in the window. */
  max: number;
}

/** Any constant: the class of the advisory locks, one per key, that order reservations on PostgreSQL. */
const RESERVE_LOCK_CLASS = 7_310_002;

/**
 * Attempts per key in the store, so every gateway node counts the same ones. An attempt is
 * reserved (written) before its secret is checked and deleted if the secret proves right, so
 * attempts in flight count as failures.
 */
export function failureStore(db: Db, dialect: Dialect, table: FailureTableName) {
  const t = sql.table(table);

  /** One statement: SQLite runs it alone, so it is atomic there by itself. */
  const insertIfUnder = (d: Db, limits: KeyLimit[], at: Date, since: Date) => {
    const keys = sql.join(limits.map((l) => sql`select cast(${l.key} as text) as key`), sql` union all `);
    const under = sql.join(limits.map((l) => sql`(select count(*) from ${t} where key = ${l.key} and at > ${since.toISOString()}) < ${l.max}`), sql` and `);
    return sql<{ id: number }>`insert into ${t} (key, at) select k.key, ${at.toISOString()} from (${keys}) as k where ${under} returning id`.execute(d);
  };

  return {
    /**
     * Counts one attempt against every key when each is under its max, and none otherwise: the
     * ids of the rows written, or undefined. On PostgreSQL a lock per key (taken in key order,
     * held to the commit) makes the count and the insert one step across nodes.
     */
    async reserve(limits: KeyLimit[], at: Date, since: Date): Promise<number[] | undefined> {
      const rows =
        dialect === 'postgres'
          ? await inTransaction(db, async (trx) => {
              // Visible to every node at commit all the same; a crash of the database may forget the
              // last few attempts, and no handshake waits for the WAL flush.
              await sql`set local synchronous_commit = off`.execute(trx);
              for (const key of limits.map((l) => l.key).sort()) await sql`select pg_advisory_xact_lock(${RESERVE_LOCK_CLASS}, hashtext(${key}))`.execute(trx);
              return insertIfUnder(trx, limits, at, since);
            })
          : await insertIfUnder(db, limits, at, since);
      return rows.rows.length === limits.length ? rows.rows.map((r) => Number(r.id)) : undefined;
    },

    /** Attempts since `since` per key, and the oldest of them (when the window frees a slot). */
    async since(key: string, since: Date): Promise<{ count: number; oldest: string | null }> {
      const row = await db
        .selectFrom(table)
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
        .where('key', '=', key)
        .where('at', '>', since.toISOString())
        .executeTakeFirstOrThrow();
      return { count: Number(row.n), oldest: (row.oldest as string | null) ?? null };
    },

    /** Deletes the attempts `ids`, and every attempt of `forget` when given, in one statement. */
    async release(ids: number[], forget?: string): Promise<void> {
      await db
        .deleteFrom(table)
        .where((eb) => eb.or([eb('id', 'in', ids), ...(forget === undefined ? [] : [eb('key', '=', forget)])]))
        .execute();
    },

    /** Every attempt counted against `key`: a lock-out the operator lifts. */
    async forget(key: string): Promise<void> {
      await db.deleteFrom(table).where('key', '=', key).execute();
    },

    async prune(before: Date): Promise<void> {
      await db.deleteFrom(table).where('at', '<=', before.toISOString()).execute();
    },
  };
}

export type FailureStore = ReturnType<typeof failureStore>;
