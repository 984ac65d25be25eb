import { createHash, randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { SecretBox } from '../secrets.js';

export interface TotpState {
  secret: string;
  confirmed: boolean;
  lastStep: number;
}

const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');

/** TOTP secrets (sealed like every other credential) and one-time recovery codes (hashed). */
export function secondFactorStore(db: Db, box: SecretBox) {
  return {
    async get(userId: string): Promise<TotpState | undefined> {
      const r = await db.selectFrom('totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r && { secret: box.open(r.secret), confirmed: r.confirmed_at !== null, lastStep: Number(r.last_step) };
    },

    async enrolled(userId: string): Promise<boolean> {
      const r = await db.selectFrom('totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
      return !!r?.confirmed_at;
    },

    /** Users with a confirmed second factor, of those given. */
    async enrolledOf(userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await db.selectFrom('totp').select('user_id').where('user_id', 'in', userIds).where('confirmed_at', 'is not', null).execute();
      return new Set(rows.map((r) => r.user_id));
    },

    /** Removes the secret and the recovery codes: the user enrols again. */
    async remove(userId: string): Promise<boolean> {
      const res = await db.deleteFrom('totp').where('user_id', '=', userId).executeTakeFirst();
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      return Number(res.numDeletedRows) > 0;
    },

    /** A new pending secret; a confirmed one is not replaced until the new one is confirmed. */
    async setPending(userId: string, secret: string): Promise<boolean> {
      if (await this.enrolled(userId)) return false;
      await db.deleteFrom('totp').where('user_id', '=', userId).execute();
      await db.insertInto('totp').values({ user_id: userId, secret: box.seal(secret), confirmed_at: null, last_step: 0, created_at: new Date().toISOString() }).execute();
      return true;
    },

    async confirm(userId: string, step: number, recoveryCodes: string[]): Promise<void> {
      await db.updateTable('totp').set({ confirmed_at: new Date().toISOString(), last_step: step }).where('user_id', '=', userId).execute();
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await db
        .insertInto('recovery_codes')
        .values(recoveryCodes.map((c) => ({ id: randomUUID(), user_id: userId, code_hash: hashCode(c), used_at: null })))
        .execute();
    },

    /**
     * Claims time step `step` for the user: true only when no code of this or a later step was
     * accepted before. One conditional update, so two nodes cannot both accept the same code.
     */
    async claimStep(userId: string, step: number): Promise<boolean> {
      const res = await db.updateTable('totp').set({ last_step: step }).where('user_id', '=', userId).where('last_step', '<', step).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Spends a recovery code: `accepted` once per code, `used` after that, `invalid` for a code the user never had. */
    async useRecoveryCode(userId: string, code: string): Promise<'accepted' | 'used' | 'invalid'> {
      const hash = hashCode(code);
      const res = await db
        .updateTable('recovery_codes')
        .set({ used_at: new Date().toISOString() })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) return 'accepted';
      const spent = await db.selectFrom('recovery_codes').select('id').where('user_id', '=', userId).where('code_hash', '=', hash).executeTakeFirst();
      return spent ? 'used' : 'invalid';
    },
  };
}

export type SecondFactorStore = ReturnType<typeof secondFactorStore>;
