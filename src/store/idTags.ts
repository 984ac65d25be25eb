import { inTransaction, type Db } from './db.js';
import type { IdTagTable } from './schema.js';
import { compiledOnce, slot } from './compiled.js';

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired';

export interface IdTag {
  idTag: string;
  status: IdTagStatus;
  expiryDate: string | null;
  parentIdTag: string | null;
  /** The id-token type (OCPP 2.0.1 IdTokenEnumType, or a 2.1 type) the tag is limited to; null: any. */
  type: string | null;
  createdAt: string;
  updatedAt: string;
}

/** OCPP IdToken is case-insensitive: lookups go through this key, the original spelling is kept. */
export function idTagKey(idTag: string): string {
  return idTag.toUpperCase();
}

function toIdTag(row: IdTagTable): IdTag {
  return {
    idTag: row.id_tag,
    status: row.status as IdTagStatus,
    expiryDate: row.expiry_date,
    parentIdTag: row.parent_id_tag,
    type: row.type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// Every native Authorize runs this lookup.
const findByKey = compiledOnce((d) =>
  d.selectFrom('id_tags').selectAll().where('installation_id', '=', slot('installationId')).where('id_tag_key', '=', slot('key')).limit(1),
);

export function idTagStore(db: Db) {
  return {
    /** Creates or replaces; `created` tells which. */
    async upsert(
      installationId: string,
      input: { idTag: string; status: IdTagStatus; expiryDate?: string | null; parentIdTag?: string | null; type?: string | null },
    ): Promise<{ tag: IdTag; created: boolean }> {
      const now = new Date().toISOString();
      const key = idTagKey(input.idTag);
      return inTransaction(db, async (trx) => {
        const existing = await trx
          .selectFrom('id_tags')
          .select('created_at')
          .where('installation_id', '=', installationId)
          .where('id_tag_key', '=', key)
          .executeTakeFirst();
        const row: IdTagTable = {
          installation_id: installationId,
          id_tag: input.idTag,
          id_tag_key: key,
          status: input.status,
          expiry_date: input.expiryDate ?? null,
          parent_id_tag: input.parentIdTag ?? null,
          type: input.type ?? null,
          created_at: existing?.created_at ?? now,
          updated_at: now,
        };
        await trx
          .insertInto('id_tags')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['installation_id', 'id_tag_key']).doUpdateSet({
              id_tag: row.id_tag,
              status: row.status,
              expiry_date: row.expiry_date,
              parent_id_tag: row.parent_id_tag,
              type: row.type,
              updated_at: row.updated_at,
            }),
          )
          .execute();
        return { tag: toIdTag(row), created: !existing };
      });
    },

    async list(installationId: string): Promise<IdTag[]> {
      const rows = await db
        .selectFrom('id_tags')
        .selectAll()
        .where('installation_id', '=', installationId)
        .orderBy('id_tag_key')
        .execute();
      return rows.map(toIdTag);
    },

    async find(installationId: string, idTag: string): Promise<IdTag | undefined> {
      const [row] = (await findByKey(db, { installationId, key: idTagKey(idTag) })).rows;
      return row && toIdTag(row);
    },

    async remove(installationId: string, idTag: string): Promise<boolean> {
      const res = await db
        .deleteFrom('id_tags')
        .where('installation_id', '=', installationId)
        .where('id_tag_key', '=', idTagKey(idTag))
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type IdTagStore = ReturnType<typeof idTagStore>;
