import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the suite's PostgreSQL lives; CI treats an unreachable server as a failure, never a skip. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  databaseUrl?: string;
  dataDir: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is required by the test suite and is not reachable at ${PG_ADMIN_URL}: ${(err as Error).message}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of the given engine; drop() removes it. */
export async function freshDatabase(engine: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  const cleanDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') return { engine, dataDir, drop: async () => cleanDir() };
  const name = `gw_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine,
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
      cleanDir();
    },
  };
}

/** Ends every server process connected to the test database, as an operator's pg_terminate_backend does; how many. */
export async function terminateBackends(tdb: Pick<TestDatabase, 'databaseUrl'>): Promise<number> {
  const name = new URL(tdb.databaseUrl!).pathname.slice(1);
  const { rows } = await withAdmin((c) =>
    c.query('select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]),
  );
  return rows.filter((r) => r.ended).length;
}

/**
 * A database server that hangs, for the test database's clients: its server processes and the
 * postmaster (which accepts new ones) are stopped; they answer nothing until thaw(). Other
 * databases' open connections keep working. Always thaw, in a finally.
 */
export async function freezeBackends(tdb: Pick<TestDatabase, 'databaseUrl'>): Promise<{ thaw(): void }> {
  const name = new URL(tdb.databaseUrl!).pathname.slice(1);
  const { rows } = await withAdmin((c) => c.query('select pid from pg_stat_activity where datname = $1', [name]));
  const backends = rows.map((r) => Number(r.pid));
  if (backends.length === 0) throw new Error(`no server process is connected to ${name}`);
  const postmaster = Number(readFileSync(`/proc/${backends[0]}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  const signal = (pid: number, s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* gone meanwhile */
    }
  };
  const frozen = [postmaster, ...backends];
  const thaw = () => frozen.forEach((pid) => signal(pid, 'SIGCONT'));
  frozen.forEach((pid) => signal(pid, 'SIGSTOP'));
  return { thaw };
}

/** The last statement of each server process connected to the test database. */
export async function backendQueries(tdb: Pick<TestDatabase, 'databaseUrl'>): Promise<string[]> {
  const name = new URL(tdb.databaseUrl!).pathname.slice(1);
  const { rows } = await withAdmin((c) => c.query('select query from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]));
  return rows.map((r) => String(r.query));
}

export const engines = ['sqlite', 'postgres'] as const;

/** A store on a test database, with the secret key the gateway would use for that data dir. */
export async function openTestStore(tdb: Pick<TestDatabase, 'databaseUrl' | 'dataDir'>) {
  const { createStore } = await import('../../src/store/index.js');
  const { createSecretBox, loadSecretKey } = await import('../../src/secrets.js');
  const { pino } = await import('pino');
  const log = pino({ level: 'silent' });
  const secretBox = createSecretBox(loadSecretKey(undefined, tdb.dataDir, log));
  return createStore({ databaseUrl: tdb.databaseUrl, dataDir: tdb.dataDir, secretBox, log });
}
