import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Logger } from '../log.js';
import { survivePoolConnectionLoss } from './connectionLoss.js';
import { createDeliveryLogMigrator, createMigrator } from './migrations.js';
import { openSqliteFile, type Checkpoints, type SqliteDatabase } from './sqliteFile.js';
import type { Dialect } from './dialect.js';

export type Db = Kysely<Database>;

export interface StoreHandle {
  db: Db;
  /**
   * Where the delivery attempt log and cursors are: the same database on PostgreSQL; on SQLite a
   * file of its own, written by the delivery thread alone, so the charger path's connection never
   * waits for its writes nor makes them (notifications/delivery/bookkeeping.ts).
   */
  logDb: Db;
  dialect: Dialect;
  /** SQLite: the connection Kysely runs on, for the commit groups' own savepoints (commitGroups.ts). */
  sqlite?: SqliteDatabase;
  /** True when the database answers a trivial query (used by /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  databaseUrl?: string;
  /** Where lost database connections are reported. */
  log: Logger;
  dataDir: string;
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  sqliteCheckpoints?: Checkpoints;
  /** Who checkpoints the SQLite delivery log: its writer, the delivery thread, on commit; anyone else never. */
  sqliteLogCheckpoints?: Checkpoints;
}

/** The SQLite delivery log, beside the gateway's file. */
export const DELIVERY_LOG_FILE = 'deliveries.sqlite';

const INT8_OID = 20;
/** A new connection, or a free one from a full pool, waited for longer than this fails the call instead of hanging it. */
const CONNECT_TIMEOUT_MS = 10_000;
/** /readyz answers within this, whatever the database does. */
const PING_DEADLINE_MS = 2_000;

function openPostgres(url: string, log: Logger): { db: Db; close: () => Promise<void> } {
  // int8 (bigint, count(*)) arrives as a string by default; our values (Wh, ids) fit a double.
  const types = {
    getTypeParser: (oid: number, format?: any) =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  survivePoolConnectionLoss(pool, log);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

type Opened = { db: Db; logDb: Db; sqlite: SqliteDatabase; close: () => Promise<void> };

function openSqlite(opts: OpenStoreOptions): Opened {
  mkdirSync(opts.dataDir, { recursive: true });
  const synchronous = opts.sqliteSynchronous ?? 'NORMAL';
  const open = (file: string, checkpoints?: Checkpoints) => {
    const database = openSqliteFile(join(opts.dataDir, file), synchronous, checkpoints ?? 'background', opts.log);
    return { database, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: database as never }) }) };
  };
  const main = open('gateway.sqlite', opts.sqliteCheckpoints);
  const log = open(DELIVERY_LOG_FILE, opts.sqliteLogCheckpoints ?? 'elsewhere');
  const close = async () => {
    await main.database.stopCheckpoints();
    await Promise.all([main.db.destroy(), log.db.destroy()]);
  };
  return { db: main.db, logDb: log.db, sqlite: main.database, close };
}

async function migrate(migrator: ReturnType<typeof createMigrator>): Promise<string | undefined> {
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (!error && !failed) return undefined;
  return error instanceof Error ? error.message : String(error ?? failed?.migrationName);
}

/**
 * Attempts an earlier version logged inside gateway.sqlite move to the log file, once: the
 * API lists them from there. Runs before the delivery thread starts, so nobody else writes.
 * (In WAL mode a transaction over two files is atomic per file only: a crash in between would
 * copy those rows again at the next start, duplicating log lines, never losing them.)
 */
async function moveEarlierAttempts(db: Db, dataDir: string): Promise<void> {
  if (!(await db.selectFrom('deliveries').select('id').limit(1).executeTakeFirst())) return;
  const columns = sql.raw('subscription_id, event_id, event_type, attempt, mode, at, status, ok, latency_ms, error, response');
  await sql`attach database ${join(dataDir, DELIVERY_LOG_FILE)} as log`.execute(db);
  try {
    await db.transaction().execute(async (t) => {
      await sql`insert into log.deliveries (${columns}) select ${columns} from main.deliveries order by id`.execute(t);
      await sql`delete from main.deliveries`.execute(t);
    });
  } finally {
    await sql`detach database log`.execute(db);
  }
}

export async function openStore(opts: OpenStoreOptions): Promise<StoreHandle> {
  const dialect: Dialect = opts.databaseUrl ? 'postgres' : 'sqlite';
  const { db, logDb, sqlite, close } = opts.databaseUrl ? { ...openPostgres(opts.databaseUrl, opts.log), logDb: undefined, sqlite: undefined } : openSqlite(opts);
  const failed = (await migrate(createMigrator(db, dialect))) ?? (logDb && (await migrate(createDeliveryLogMigrator(logDb))));
  if (failed) {
    await close();
    throw new Error(`Database migration failed: ${failed}`);
  }
  if (logDb) await moveEarlierAttempts(db, opts.dataDir);
  return { db, logDb: logDb ?? db, dialect, sqlite, close, ping: pinger(db) };
}

/**
 * A trivial query bounded by a deadline: a probe must answer even while the database hangs or
 * the pool is saturated. One query at a time, so probes never pile up on a database that hangs.
 */
function pinger(db: Db): () => Promise<boolean> {
  let inFlight: Promise<boolean> | undefined;
  return async () => {
    inFlight ??= sql`select 1`
      .execute(db)
      .then(() => true, () => false)
      .finally(() => (inFlight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_DEADLINE_MS)));
    try {
      return await Promise.race([inFlight, deadline]);
    } finally {
      clearTimeout(timer);
    }
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
