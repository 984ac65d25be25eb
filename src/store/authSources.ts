import type { Db } from './db.js';

/** The order an installation's authorization sources are asked in (installations.auth_sources). */
export function authSourceStore(db: Db) {
  return {
    /** undefined: the installation does not exist; null: it chose no order (the default applies). */
    async get(installationId: string): Promise<string[] | null | undefined> {
      const row = await db.selectFrom('installations').select('auth_sources').where('id', '=', installationId).executeTakeFirst();
      if (!row) return undefined;
      return row.auth_sources ? JSON.parse(row.auth_sources) : null;
    },
    async set(installationId: string, sources: readonly string[] | null): Promise<void> {
      await db
        .updateTable('installations')
        .set({ auth_sources: sources === null ? null : JSON.stringify(sources), updated_at: new Date().toISOString() })
        .where('id', '=', installationId)
        .execute();
    },
  };
}
