import type { Db } from './db.js';

/**
 * Failed sign-ins per key ("email:…", "addr:…"), in the store so every gateway node counts the
 * same failures.
 */
export function loginFailureStore(db: Db) {
  return {
    async record(keys: string[], at: Date): Promise<void> {
      await db.insertInto('login_failures').values(keys.map((key) => ({ key, at: at.toISOString() }))).execute();
    },

    /** Failures since `since` per key, and the oldest of them (when the window frees a slot). */
    async since(key: string, since: Date): Promise<{ count: number; oldest: string | null }> {
      const row = await db
        .selectFrom('login_failures')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
        .where('key', '=', key)
        .where('at', '>', since.toISOString())
        .executeTakeFirstOrThrow();
      return { count: Number(row.n), oldest: (row.oldest as string | null) ?? null };
    },

    async clear(key: string): Promise<void> {
      await db.deleteFrom('login_failures').where('key', '=', key).execute();
    },

    async prune(before: Date): Promise<void> {
      await db.deleteFrom('login_failures').where('at', '<=', before.toISOString()).execute();
    },
  };
}

export type LoginFailureStore = ReturnType<typeof loginFailureStore>;
