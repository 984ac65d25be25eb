import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { InstallationTable } from './schema.js';

export type AuthMode = 'native' | 'webhook';

export interface Installation {
  id: string;
  name: string;
  authMode: AuthMode;
  createdAt: string;
  updatedAt: string;
}

function toInstallation(row: InstallationTable): Installation {
  return {
    id: row.id,
    name: row.name,
    authMode: row.auth_mode as AuthMode,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function installationStore(db: Db) {
  return {
    async create(input: { name: string; authMode?: AuthMode }): Promise<Installation> {
      const now = new Date().toISOString();
      const row: InstallationTable = {
        id: randomUUID(),
        name: input.name,
        auth_mode: input.authMode ?? 'native',
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('installations').values(row).execute();
      return toInstallation(row);
    },

    async list(): Promise<Installation[]> {
      const rows = await db.selectFrom('installations').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toInstallation);
    },

    async get(id: string): Promise<Installation | undefined> {
      const row = await db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInstallation(row);
    },

    async findByName(name: string): Promise<Installation | undefined> {
      const row = await db
        .selectFrom('installations')
        .selectAll()
        .where('name', '=', name)
        .orderBy('created_at')
        .executeTakeFirst();
      return row && toInstallation(row);
    },

    async update(id: string, patch: { name?: string; authMode?: AuthMode }): Promise<Installation | undefined> {
      const values: Partial<InstallationTable> = { updated_at: new Date().toISOString() };
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.authMode !== undefined) values.auth_mode = patch.authMode;
      const res = await db.updateTable('installations').set(values).where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return this.get(id);
    },

    /** Chargers and id tags go with it; transactions stay as history. */
    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('installations').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type InstallationStore = ReturnType<typeof installationStore>;
