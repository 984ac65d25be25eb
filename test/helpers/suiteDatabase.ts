// Apart from databases.ts, which the benches import outside vitest: this one registers hooks.

import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { freshDatabase, openTestStore, type TestDatabase } from './databases.js';

export interface SuiteDatabase {
  tdb: TestDatabase;
  /** Each with its own pool, as separate gateway processes on one database have. */
  stores: Store[];
}

/**
 * For the describe block it is called in: before its tests, a fresh database of `engine` with
 * `stores` stores open on it, handed to `ready`. After them the stores are closed and the
 * database dropped, once the block's own afterAll hooks have run (vitest runs the last
 * registered first), so a gateway they stop is gone before its database.
 */
export function freshDatabaseForSuite(
  engine: TestDatabase['engine'],
  opts: { stores: number },
  ready: (db: SuiteDatabase) => void | Promise<void>,
): void {
  let tdb: TestDatabase | undefined;
  const stores: Store[] = [];
  beforeAll(async () => {
    tdb = await freshDatabase(engine);
    for (let i = 0; i < opts.stores; i++) stores.push(await openTestStore(tdb));
    await ready({ tdb, stores });
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await tdb?.drop();
  });
}
