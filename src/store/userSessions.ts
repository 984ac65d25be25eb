import { createHash } from 'node:crypto';
import type { Db } from './db.js';

export interface UserSession {
  idHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  secondFactorAt: string | null;
}

/** Session ids are 256 random bits, so SHA-256 stores them safely. */
export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Signed-in sessions; only the hash of the cookie value is kept. */
export function userSessionStore(db: Db) {
  return {
    async create(sessionId: string, userId: string, expiresAt: Date, secondFactorAt: Date | null): Promise<void> {
      const now = new Date().toISOString();
      await db
        .insertInto('user_sessions')
        .values({
          id_hash: hashSessionId(sessionId),
          user_id: userId,
          created_at: now,
          last_seen_at: now,
          expires_at: expiresAt.toISOString(),
          second_factor_at: secondFactorAt?.toISOString() ?? null,
        })
        .execute();
    },

    async find(sessionId: string): Promise<UserSession | undefined> {
      const r = await db.selectFrom('user_sessions').selectAll().where('id_hash', '=', hashSessionId(sessionId)).executeTakeFirst();
      return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, secondFactorAt: r.second_factor_at };
    },

    async touch(idHash: string, at: Date): Promise<void> {
      await db.updateTable('user_sessions').set({ last_seen_at: at.toISOString() }).where('id_hash', '=', idHash).execute();
    },

    async markSecondFactor(idHash: string, at: Date): Promise<void> {
      await db.updateTable('user_sessions').set({ second_factor_at: at.toISOString() }).where('id_hash', '=', idHash).execute();
    },

    async remove(idHash: string): Promise<void> {
      await db.deleteFrom('user_sessions').where('id_hash', '=', idHash).execute();
    },

    /** Signs a user out everywhere, but for the session `keep` (its id hash) when given. */
    async removeAllOf(userId: string, keep?: string): Promise<void> {
      let q = db.deleteFrom('user_sessions').where('user_id', '=', userId);
      if (keep !== undefined) q = q.where('id_hash', '!=', keep);
      await q.execute();
    },

    /** Drops sessions past their absolute end or idle for longer than `idleMs`. */
    async prune(now: Date, idleMs: number): Promise<void> {
      await db
        .deleteFrom('user_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', new Date(now.getTime() - idleMs).toISOString())]))
        .execute();
    },
  };
}

export type UserSessionStore = ReturnType<typeof userSessionStore>;
