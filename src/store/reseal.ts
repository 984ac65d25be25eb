import type { Db } from './db.js';
import type { SecretBox } from '../secrets.js';

/** Every sealed column, by table. */
const SEALED = {
  installations: ['auth_payload'],
  subscriptions: ['secret', 'previous_secret', 'auth_password', 'kafka_password'],
  totp: ['secret'],
  ocpi_partners: ['outbound_token', 'inbound_token'],
} as const;

/** The primary key of each table above. */
const KEY: Record<keyof typeof SEALED, 'id' | 'user_id'> = { installations: 'id', subscriptions: 'id', totp: 'user_id', ocpi_partners: 'id' };

/** Every sealed column of the database, for a key rotation. */
export function sealedSecretStore(db: Db) {
  return {
    /**
     * Seals again, with `box`'s current key, every stored secret sealed with an older one. Runs at
     * start-up; a no-op when nothing is stale. Returns how many rows were changed.
     */
    reseal: (box: SecretBox) => resealSecrets(db, box),
  };
}

async function resealSecrets(db: Db, box: SecretBox): Promise<number> {
  let changed = 0;
  for (const [table, columns] of Object.entries(SEALED) as [keyof typeof SEALED, readonly string[]][]) {
    const rows = (await db.selectFrom(table).select([KEY[table], ...columns] as any).execute()) as Record<string, string | null>[];
    for (const row of rows) {
      const update: Record<string, string> = {};
      for (const col of columns) {
        const sealed = row[col];
        if (sealed && box.stale(sealed)) update[col] = box.seal(box.open(sealed));
      }
      if (Object.keys(update).length === 0) continue;
      await db.updateTable(table).set(update as any).where(KEY[table] as any, '=', row[KEY[table]] as string).execute();
      changed += 1;
    }
  }
  return changed;
}
