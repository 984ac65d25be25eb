import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { ApiTokenTable } from './schema.js';

/** Tokens are high-entropy random strings, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export type TokenRole = 'admin' | 'owner' | 'service';

export interface ApiToken {
  id: string;
  label: string;
  role: TokenRole;
  /** Empty for admin tokens, which reach every installation. */
  installations: string[];
  createdBy: string | null;
  createdAt: string;
}

const toToken = (r: Omit<ApiTokenTable, 'token_hash'>): ApiToken => ({
  id: r.id,
  label: r.label,
  role: r.role as TokenRole,
  installations: JSON.parse(r.installations),
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const COLUMNS = ['id', 'label', 'role', 'installations', 'created_by', 'created_at'] as const;

export function apiTokenStore(db: Db) {
  return {
    async count(): Promise<number> {
      const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async add(label: string, token: string, scope: { role?: TokenRole; installations?: string[]; createdBy?: string | null } = {}): Promise<ApiToken> {
      const row: ApiTokenTable = {
        id: randomUUID(),
        token_hash: hashToken(token),
        label,
        role: scope.role ?? 'admin',
        installations: JSON.stringify(scope.role === 'admin' ? [] : (scope.installations ?? [])),
        created_by: scope.createdBy ?? null,
        created_at: new Date().toISOString(),
      };
      await db.insertInto('api_tokens').values(row).execute();
      return toToken(row);
    },

    async findByToken(token: string): Promise<ApiToken | undefined> {
      const row = await db.selectFrom('api_tokens').select(COLUMNS).where('token_hash', '=', hashToken(token)).executeTakeFirst();
      return row && toToken(row);
    },

    async list(): Promise<ApiToken[]> {
      return (await db.selectFrom('api_tokens').select(COLUMNS).orderBy('created_at').orderBy('id').execute()).map(toToken);
    },

    async get(id: string): Promise<ApiToken | undefined> {
      const row = await db.selectFrom('api_tokens').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toToken(row);
    },

    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type ApiTokenStore = ReturnType<typeof apiTokenStore>;
