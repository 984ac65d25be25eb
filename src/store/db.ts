import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { createMigrator } from './migrations.js';
import { openSqliteFile, type Checkpoints } from './sqliteFile.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface StoreHandle {
  db: Db;
  dialect: Dialect;
  /** True when the database answers a trivial query (used by /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  databaseUrl?: string;
  dataDir: string;
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  sqliteCheckpoints?: Checkpoints;
}

const INT8_OID = 20;

function openPostgres(url: string): { db: Db; close: () => Promise<void> } {
  // int8 (bigint, count(*)) arrives as a string by default; our values (Wh, ids) fit a double.
  const types = {
    getTypeParser: (oid: number, format?: any) =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

function openSqlite(dataDir: string, synchronous: 'NORMAL' | 'FULL', checkpoints?: Checkpoints): { db: Db; close: () => Promise<void> } {
  mkdirSync(dataDir, { recursive: true });
  const database = openSqliteFile(join(dataDir, 'gateway.sqlite'), synchronous, checkpoints);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: database as never }) });
  const close = async () => {
    await database.stopCheckpoints();
    await db.destroy();
  };
  return { db, close };
}

export async function openStore(opts: OpenStoreOptions): Promise<StoreHandle> {
  const dialect: Dialect = opts.databaseUrl ? 'postgres' : 'sqlite';
  const { db, close } = opts.databaseUrl
    ? openPostgres(opts.databaseUrl)
    : openSqlite(opts.dataDir, opts.sqliteSynchronous ?? 'NORMAL', opts.sqliteCheckpoints);
  const { error, results } = await createMigrator(db, dialect).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await close();
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`Database migration failed: ${reason}`);
  }
  return {
    db,
    dialect,
    close,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Runs `fn` in a database transaction, or inside the caller's one when `db` already is one. */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Rows for a multi-row insert, in chunks whose sizes are powers of two (at most `max`). The SQL
 * text of such an insert depends on its row count: one text per count filled the SQLite
 * statement cache (sqliteFile.ts) and evicted the charger path's hot statements, which were then
 * prepared again (~5 % of the main thread's busy time with 100 busy subscriptions).
 */
export function insertChunks<T>(rows: T[], max = 256): T[][] {
  const chunks: T[][] = [];
  let size = max;
  for (let i = 0; i < rows.length; i += size) {
    while (size > rows.length - i) size >>= 1;
    chunks.push(rows.slice(i, i + size));
  }
  return chunks;
}
