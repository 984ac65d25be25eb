import type { Db } from './db.js';
import type { SqliteDatabase } from './sqliteFile.js';

/**
 * Group commit for SQLite: the transactions asked for in one turn of the event loop run one
 * after the other inside a single database transaction, each in a savepoint of its own, and
 * commit together.
 *
 * SQLite has one connection, so transactions already ran one at a time (Kysely holds a mutex);
 * what this saves is a COMMIT per transaction, which writes every page the transaction touched
 * to the log again. With subscribers, every StatusNotification commits its status and its event,
 * and COMMITs were most of the main thread's SQLite time (docs/bench-log/2026-11.md, "Event
 * notifications"). Statuses that arrive together touch the same few pages.
 *
 * Each caller still gets its own outcome: a failing one rolls back to its savepoint and gets its
 * error; the others commit. If the COMMIT itself fails, every caller of the group gets that error
 * and none of their changes is in the database, as with a transaction each.
 */
export type Member<T> = (trx: Db) => Promise<T>;

interface Waiting {
  run: Member<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

// Each member releases its savepoint: left open until COMMIT, nested savepoints cost every later
// write more (measured: 30 members, +25-45 % per member), so the statement saved is not worth it.
const SAVEPOINT = 'savepoint member';
const RELEASE = 'release member';
const ROLLBACK_TO = 'rollback to member';

/** Runs one statement of the group's own in its transaction. */
type Statement = (sql: string) => void;

/**
 * `sqlite` is the connection Kysely runs on: the group's savepoints go to it directly. While the
 * group's transaction holds Kysely's only connection nothing else runs on it, and each statement
 * through Kysely cost more than SQLite's own work for it (two per member, on every charger write).
 */
export function createCommitGroups(db: Db, sqlite: SqliteDatabase) {
  const run: Statement = (sql) => void sqlite.prepare(sql).run([]);
  let waiting: Waiting[] = [];
  let scheduled = false;

  function schedule(): void {
    scheduled = true;
    // After the frames read in this turn: their transactions join the same group.
    setImmediate(() => void runGroup());
  }

  async function runGroup(): Promise<void> {
    const group = waiting;
    waiting = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        if (group.length === 1) {
          // Alone: no savepoint needed, its failure rolls the transaction back.
          outcomes.push({ ok: true, value: await group[0].run(trx) });
          return;
        }
        for (const member of group) outcomes.push(await inSavepoint(trx, member.run, run));
      });
      group.forEach((member, i) => {
        const o = outcomes[i];
        if (o.ok) member.resolve(o.value);
        else member.reject(o.err);
      });
    } catch (err) {
      for (const member of group) member.reject(err);
    } finally {
      scheduled = false;
      if (waiting.length > 0) schedule();
    }
  }

  return {
    /** Runs `run` in the next group's transaction; resolves once that group has committed. */
    join<T>(run: Member<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ run, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) schedule();
      });
    },
  };
}

async function inSavepoint(trx: Db, run: Member<unknown>, statement: Statement): Promise<{ ok: true; value: unknown } | { ok: false; err: unknown }> {
  statement(SAVEPOINT);
  try {
    const value = await run(trx);
    statement(RELEASE);
    return { ok: true, value };
  } catch (err) {
    statement(ROLLBACK_TO);
    statement(RELEASE);
    return { ok: false, err };
  }
}
