import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

/**
 * Transactions asked for together (SQLite commits them as one group, PostgreSQL side by side)
 * must each keep their own outcome: what one caller was told is what the database holds.
 */
describe.each(engines)('transactions asked for at once on %s', (engine) => {
  let store: Store;
  let reader: Store;
  freshDatabaseForSuite(engine, { stores: 2 }, ({ stores }) => {
    // A second connection sees only what was committed.
    [store, reader] = stores;
  });

  it('commits each one that succeeds, rolls back only the ones that fail, and answers each after its commit', async () => {
    const inst = await store.installations.create({ name: 'group' });
    const ids = Array.from({ length: 30 }, (_, i) => `GRP-${i}`);
    // Apart and side by side: a member's rollback must undo its own writes, never a neighbour's.
    const FAILING = [7, 19, 20];
    const seenAfterCommit: boolean[] = [];
    const results = await Promise.allSettled(
      ids.map((id, i) =>
        store
          .transact(async (tx) => {
            await tx.chargers.create(inst.id, id);
            // The failing ones have written their row before they fail: those rows must go.
            if (FAILING.includes(i)) throw new Error(`charger ${id} refused`);
            return id;
          })
          .then(async (value) => {
            seenAfterCommit[i] = (await reader.chargers.get(id)) !== undefined;
            return value;
          }),
      ),
    );
    for (const i of FAILING) expect(results[i]).toMatchObject({ status: 'rejected', reason: { message: `charger GRP-${i} refused` } });
    const kept = ids.filter((_, i) => !FAILING.includes(i));
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(kept);
    expect(seenAfterCommit.filter(Boolean)).toHaveLength(kept.length);
    const stored = (await reader.chargers.listByInstallation(inst.id)).map((c) => c.id).sort();
    expect(stored).toEqual([...kept].sort());
  });

  it('runs a transaction asked for inside another in that one, so it commits or rolls back with it', async () => {
    const inst = await store.installations.create({ name: 'nested' });
    await expect(
      store.transact(async (tx) => {
        await tx.chargers.create(inst.id, 'NEST-1');
        await tx.transact(async (inner) => inner.chargers.create(inst.id, 'NEST-2'));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await reader.chargers.get('NEST-1')).toBeUndefined();
    expect(await reader.chargers.get('NEST-2')).toBeUndefined();
  });

  it('keeps serving transactions after a group whose every member failed', async () => {
    const inst = await store.installations.create({ name: 'after' });
    const failing = Array.from({ length: 5 }, () => store.transact(async () => Promise.reject(new Error('no'))));
    expect((await Promise.allSettled(failing)).every((r) => r.status === 'rejected')).toBe(true);
    await store.transact((tx) => tx.chargers.create(inst.id, 'AFTER-1'));
    expect(await reader.chargers.get('AFTER-1')).toMatchObject({ id: 'AFTER-1' });
  });
});
