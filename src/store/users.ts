import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { UserTable } from './schema.js';

export type Role = 'owner' | 'service';

export interface User {
  id: string;
  email: string;
  name: string | null;
  admin: boolean;
}

export interface Membership {
  installationId: string;
  installationName: string;
  role: Role;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
}

const toUser = (r: Pick<UserTable, 'id' | 'email' | 'name' | 'admin'>): User => ({ id: r.id, email: r.email, name: r.name, admin: r.admin === 1 });

/** A no-op update: on PostgreSQL it holds the rows' locks until the transaction ends; SQLite runs one writer anyway. */
async function lockInstallations(db: Db, ids: string[]): Promise<void> {
  await db.updateTable('installations').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', 'in', ids).execute();
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Users and their roles per installation. */
export function userStore(db: Db) {
  return {
    async count(): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Undefined when the email is taken. */
    async create(input: { email: string; name?: string | null; passwordHash: string; admin?: boolean }): Promise<User | undefined> {
      const now = new Date().toISOString();
      const row: UserTable = {
        id: randomUUID(),
        email: normaliseEmail(input.email),
        name: input.name ?? null,
        password_hash: input.passwordHash,
        admin: input.admin ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      const res = await db.insertInto('users').values(row).onConflict((oc) => oc.column('email').doNothing()).executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0 ? toUser(row) : undefined;
    },

    async list(): Promise<User[]> {
      const rows = await db.selectFrom('users').select(['id', 'email', 'name', 'admin']).orderBy('email').execute();
      return rows.map(toUser);
    },

    async get(id: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').select(['id', 'email', 'name', 'admin']).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    /** With the hash, for sign-in only. */
    async findForLogin(email: string): Promise<(User & { passwordHash: string }) | undefined> {
      const row = await db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').select(['id', 'email', 'name', 'admin']).where('email', '=', normaliseEmail(email)).executeTakeFirst();
      return row && toUser(row);
    },

    async memberships(userId: string): Promise<Membership[]> {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('installations', 'installations.id', 'memberships.installation_id')
        .select(['memberships.installation_id as installationId', 'installations.name as installationName', 'memberships.role as role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('installations.name')
        .execute();
      return rows.map((r) => ({ ...r, role: r.role as Role }));
    },

    async members(installationId: string): Promise<Member[]> {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id as userId', 'users.email as email', 'users.name as name', 'memberships.role as role'])
        .where('memberships.installation_id', '=', installationId)
        .orderBy('users.email')
        .execute();
      return rows.map((r) => ({ ...r, role: r.role as Role }));
    },

    async member(installationId: string, userId: string): Promise<Member | undefined> {
      return (await this.members(installationId)).find((m) => m.userId === userId);
    },

    /** Adds the member or changes their role; true when they were not a member before. */
    async setMember(installationId: string, userId: string, role: Role): Promise<boolean> {
      const updated = await db
        .updateTable('memberships')
        .set({ role })
        .where('installation_id', '=', installationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return false;
      await db.insertInto('memberships').values({ installation_id: installationId, user_id: userId, role, created_at: new Date().toISOString() }).execute();
      return true;
    },

    /** Changes an account; a new password hash replaces the old one. Undefined when there is no such user. */
    async update(id: string, patch: { name?: string | null; admin?: boolean; passwordHash?: string }): Promise<User | undefined> {
      const set = {
        updated_at: new Date().toISOString(),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.admin !== undefined && { admin: patch.admin ? 1 : 0 }),
        ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      };
      await db.updateTable('users').set(set).where('id', '=', id).execute();
      return this.get(id);
    },

    /** The account, with its sessions, memberships and second factor (foreign keys cascade). */
    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /** Admins now, their rows locked first (PostgreSQL): two admins demoting each other cannot both see the other still there. */
    async adminCount(): Promise<number> {
      await db.updateTable('users').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('admin', '=', 1).execute();
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('admin', '=', 1).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * Installations where `userId` is the only owner, named. Takes each membership's
     * installation row lock first (PostgreSQL), so two requests removing the last two owners
     * of one installation cannot both see the other still there.
     */
    async soleOwnerships(userId: string): Promise<{ installationId: string; name: string }[]> {
      const owned = await db.selectFrom('memberships').select('installation_id').where('user_id', '=', userId).where('role', '=', 'owner').orderBy('installation_id').execute();
      if (owned.length === 0) return [];
      const ids = owned.map((o) => o.installation_id);
      await lockInstallations(db, ids);
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('installations', 'installations.id', 'memberships.installation_id')
        .select(['memberships.installation_id as installationId', 'installations.name as name'])
        .select((eb) => eb.fn.countAll<number>().as('owners'))
        .where('memberships.installation_id', 'in', ids)
        .where('memberships.role', '=', 'owner')
        .groupBy(['memberships.installation_id', 'installations.name'])
        .execute();
      return rows.filter((r) => Number(r.owners) === 1).map(({ installationId, name }) => ({ installationId, name }));
    },

    async removeMember(installationId: string, userId: string): Promise<boolean> {
      const res = await db.deleteFrom('memberships').where('installation_id', '=', installationId).where('user_id', '=', userId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type UserStore = ReturnType<typeof userStore>;
