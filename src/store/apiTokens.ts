import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './db.js';

/** Tokens are high-entropy random strings, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function apiTokenStore(db: Db) {
  return {
    async count(): Promise<number> {
      const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async add(label: string, token: string): Promise<void> {
      await db
        .insertInto('api_tokens')
        .values({ id: randomUUID(), token_hash: hashToken(token), label, created_at: new Date().toISOString() })
        .execute();
    },

    async findByToken(token: string): Promise<{ id: string; label: string } | undefined> {
      return db.selectFrom('api_tokens').select(['id', 'label']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
    },
  };
}

export type ApiTokenStore = ReturnType<typeof apiTokenStore>;
