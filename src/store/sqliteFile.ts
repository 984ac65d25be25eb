import { createRequire } from 'node:module';
import { startCheckpointer } from './checkpointer.js';
import type { Logger } from '../log.js';

/** What Kysely's SqliteDialect needs from a database handle. */
export interface SqliteStatement {
  readonly reader: boolean;
  all(parameters: ReadonlyArray<unknown>): unknown[];
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown>;
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * Who checkpoints the write-ahead log: a thread started here (the gateway's own connection),
 * another connection's thread (the delivery thread's, opened beside the gateway's), or this
 * connection as it commits (the delivery log's one writer, a thread that may take its time).
 */
export type Checkpoints = 'background' | 'elsewhere' | 'onCommit';

/** Past a checkpoint, the log file is cut back to this instead of keeping its largest size. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * The embedded SQLite file. On Node ≥ 22.16 it is the built-in node:sqlite; on Node 20 it is
 * better-sqlite3, loaded only there. better-sqlite3 12 aborts Node 24 when it finalizes a
 * statement during garbage collection (WiseLibs/better-sqlite3#1515), and 13 needs Node 22, so
 * the Docker image (Node 24) must not load it at all.
 */
export function openSqliteFile(
  path: string,
  synchronous: 'NORMAL' | 'FULL',
  checkpoints: Checkpoints,
  log: Logger,
): SqliteDatabase & { stopCheckpoints(): Promise<void> } {
  // busy_timeout first: node:sqlite waits 0 ms by default, so switching to WAL failed with
  // "database is locked" while another connection (a checkpoint thread still stopping) held it.
  const pragmas = ['busy_timeout = 5000', 'journal_mode = WAL', `synchronous = ${synchronous}`, 'foreign_keys = ON'];
  // No checkpoint on the charger path's commits: see checkpointer.ts.
  pragmas.push(`wal_autocheckpoint = ${checkpoints === 'onCommit' ? 1000 : 0}`, `journal_size_limit = ${WAL_SIZE_LIMIT}`);
  const nodeSqlite = hasNodeSqlite();
  const db = nodeSqlite ? openNodeSqlite(path) : openBetterSqlite(path);
  for (const p of pragmas) pragma(db, p);
  const fellBack = (err?: Error) => {
    log.error({ err, path }, 'SQLite checkpoint thread died; SQLite checkpoints on commit again');
    pragma(db, 'wal_autocheckpoint = 1000');
  };
  const checkpointer = checkpoints === 'background' ? startCheckpointer(path, nodeSqlite, fellBack) : undefined;
  const cached = withStatementCache(db);
  return {
    prepare: (sql) => cached.prepare(sql),
    /** Kysely closes synchronously; stopCheckpoints() first lets a caller wait for the thread. */
    close() {
      void checkpointer?.stop();
      cached.close();
    },
    stopCheckpoints: async () => checkpointer?.stop(),
  };
}

function pragma(db: SqliteDatabase, p: string): void {
  const stmt = db.prepare(`PRAGMA ${p}`);
  if (stmt.reader) stmt.all([]);
  else stmt.run([]);
}

const require = createRequire(import.meta.url);

function hasNodeSqlite(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number);
  // StatementSync#columns() (to tell readers from writers) arrived in 22.16.
  return major > 22 || (major === 22 && minor >= 16);
}

function openNodeSqlite(path: string): SqliteDatabase {
  const { DatabaseSync } = require('node:sqlite');
  const db = new DatabaseSync(path);
  return {
    close: () => db.close(),
    prepare(sql) {
      const stmt = db.prepare(sql);
      return {
        reader: stmt.columns().length > 0,
        all: (p) => stmt.all(...p),
        run: (p) => stmt.run(...p),
        iterate: (p) => stmt.iterate(...p),
      };
    },
  };
}

function openBetterSqlite(path: string): SqliteDatabase {
  const BetterSqlite3 = require('better-sqlite3');
  return new BetterSqlite3(path);
}

/**
 * Kysely's SQLite driver prepares every query anew, which showed in the gateway's CPU profile under
 * Authorize load (docs/bench-log/2026-11.md). The same SQL text reuses its statement (safe: the
 * dialect runs one query at a time on its single connection). Bounded, since ad-hoc queries vary.
 */
function withStatementCache(db: SqliteDatabase, max = 500): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(source) {
      let stmt = statements.get(source);
      if (!stmt) {
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
        stmt = db.prepare(source);
        statements.set(source, stmt);
      }
      return stmt;
    },
  };
}
