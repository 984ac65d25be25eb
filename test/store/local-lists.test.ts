// The Local Authorization List's store: the installation setting, each charger's list state, the provider's recent acceptances.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

describe.each(engines)('local lists on %s', (engine) => {
  let store: Store;
  freshDatabaseForSuite(engine, { stores: 1 }, ({ stores }) => {
    [store] = stores;
  });

  it('keeps the installation setting, off and 30 days by default', async () => {
    const inst = await store.installations.create({ name: 'Site L1' });
    expect(inst.localList).toEqual({ mode: 'off', recentDays: 30 });
    const updated = await store.installations.update(inst.id, { localList: { mode: 'native+recent', recentDays: 7 } });
    expect(updated?.localList).toEqual({ mode: 'native+recent', recentDays: 7 });
    expect((await store.installations.providerSettings(inst.id))?.localList).toEqual({ mode: 'native+recent', recentDays: 7 });
    // Naming only the mode keeps the days.
    expect((await store.installations.update(inst.id, { localList: { mode: 'native' } }))?.localList).toEqual({ mode: 'native', recentDays: 7 });
  });

  it("keeps a charger's list state and goes with the charger", async () => {
    const inst = await store.installations.create({ name: 'Site L2' });
    await store.chargers.create(inst.id, 'LL-1');
    expect(await store.localLists.get('LL-1')).toBeUndefined();
    const entries = [{ idTag: 'A1', info: { status: 'Accepted' as const, parentIdTag: 'P' } }];
    await store.localLists.save('LL-1', { state: 'syncing', maxLength: 100, sendMaxLength: 10 });
    const saved = await store.localLists.save('LL-1', { state: 'in_sync', version: 3, contentHash: 'h', entries, answer: 'Accepted' });
    expect(saved).toMatchObject({ chargerId: 'LL-1', state: 'in_sync', version: 3, contentHash: 'h', entries, answer: 'Accepted', maxLength: 100, sendMaxLength: 10 });
    await store.chargers.remove('LL-1');
    expect(await store.localLists.get('LL-1')).toBeUndefined();
  });

  it('keeps recent acceptances case-insensitively, most recently used first, and reads when tags last started', async () => {
    const inst = await store.installations.create({ name: 'Site L3' });
    const tag = { idTokenType: null, expiryDate: null, parentIdTag: null };
    expect(await store.localLists.rememberRecent(inst.id, { idTag: 'r1', ...tag, lastUsedAt: '2026-01-01T00:00:00.000Z' })).toEqual({ created: true });
    await store.localLists.rememberRecent(inst.id, { idTag: 'R2', ...tag, lastUsedAt: '2026-01-03T00:00:00.000Z' });
    expect(await store.localLists.rememberRecent(inst.id, { idTag: 'R1', ...tag, expiryDate: '2027-01-01T00:00:00.000Z', lastUsedAt: '2026-01-05T00:00:00.000Z' })).toEqual({ created: false });
    const recent = await store.localLists.recent(inst.id, '2026-01-02T00:00:00.000Z');
    expect(recent.map((r) => [r.idTag, r.expiryDate])).toEqual([['R1', '2027-01-01T00:00:00.000Z'], ['R2', null]]);
    expect(await store.localLists.recent(inst.id, '2026-01-04T00:00:00.000Z')).toHaveLength(1);

    await store.chargers.create(inst.id, 'LL-3');
    const start = { chargerId: 'LL-3', installationId: inst.id, connectorId: 1, idTag: 'n1', idTagKey: 'N1', meterStart: 0, reservationId: null, authStatus: 'Accepted', authSource: 'native', authReason: null, late: false };
    await store.transactions.start({ ...start, startTime: '2026-01-01T00:00:00.000Z' });
    await store.transactions.start({ ...start, connectorId: 2, startTime: '2026-02-01T00:00:00.000Z' });
    expect(await store.localLists.lastStarts(inst.id)).toEqual(new Map([['N1', '2026-02-01T00:00:00.000Z']]));
  });
});
