import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';

const size = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('SQLite write-ahead log checkpoints', () => {
  let tdb: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('are made off the gateway connection: committed data reaches the database file while that connection only commits', async () => {
    tdb = await freshDatabase('sqlite');
    store = await openTestStore(tdb);
    const file = join(tdb.dataDir!, 'gateway.sqlite');
    await sql`create table scratch (id integer primary key, body blob not null)`.execute(store.db);
    const before = size(file);
    const chunk = Buffer.alloc(64 * 1024, 7);
    // 4 MiB in 64 commits: the gateway connection never checkpoints (wal_autocheckpoint = 0),
    // so only the checkpoint thread can move these pages from the log into the database file.
    for (let i = 0; i < 64; i++) await sql`insert into scratch (body) values (${chunk})`.execute(store.db);
    expect(await until(() => size(file) - before >= 4 * 1024 * 1024, 5_000)).toBe(true);
    const rows = await sql<{ n: number }>`select count(*) as n from scratch`.execute(store.db);
    expect(Number(rows.rows[0].n)).toBe(64);
  });

  it('keep every commit across a reopen', async () => {
    tdb = await freshDatabase('sqlite');
    store = await openTestStore(tdb);
    await sql`create table scratch (id integer primary key, n integer not null)`.execute(store.db);
    for (let i = 0; i < 500; i++) await sql`insert into scratch (n) values (${i})`.execute(store.db);
    await store.close();
    store = await openTestStore(tdb);
    const rows = await sql<{ n: number; total: number }>`select count(*) as n, sum(n) as total from scratch`.execute(store.db);
    expect(rows.rows[0]).toMatchObject({ n: 500, total: (499 * 500) / 2 });
  });
});
