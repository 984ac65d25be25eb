import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { engines, freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';

describe.each(engines)('store on %s', (engine) => {
  let tdb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    tdb = await freshDatabase(engine);
    store = await openTestStore(tdb);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('keeps installations, chargers and case-insensitive id tags', async () => {
    const inst = await store.installations.create({ name: 'Site A' });
    expect(await store.chargers.create(inst.id, 'CP-1')).toMatchObject({ id: 'CP-1', online: false });
    expect(await store.chargers.create(inst.id, 'CP-1')).toBeUndefined();
    await store.idTags.upsert(inst.id, { idTag: 'abc123', status: 'Accepted' });
    expect((await store.idTags.find(inst.id, 'ABC123'))?.idTag).toBe('abc123');
    const again = await store.idTags.upsert(inst.id, { idTag: 'ABC123', status: 'Blocked' });
    expect(again.created).toBe(false);
    expect(await store.idTags.list(inst.id)).toHaveLength(1);
  });

  it('maps a re-sent StartTransaction to the same row and never closes a transaction twice', async () => {
    const inst = await store.installations.create({ name: 'Site B' });
    await store.chargers.create(inst.id, 'CP-2');
    const start = {
      chargerId: 'CP-2', installationId: inst.id, connectorId: 1, idTag: 'T1', idTagKey: 'T1', meterStart: 3_000_000_000,
      startTime: '2026-01-01T00:00:00.000Z', reservationId: null, authStatus: 'Accepted', authSource: 'native',
      authReason: null, late: false,
    };
    const a = await store.transactions.start(start);
    const b = await store.transactions.start(start);
    expect(b.id).toBe(a.id);
    expect(a.meterStart).toBe(3_000_000_000);
    const stop = { chargerId: 'CP-2', transactionId: a.id, meterStop: 3_000_001_000, stopTime: '2026-01-01T01:00:00.000Z', reason: 'Local', stopIdTag: null };
    expect((await store.transactions.stop(stop)).kind).toBe('stopped');
    expect((await store.transactions.stop(stop)).kind).toBe('duplicate');
    expect((await store.transactions.stop({ ...stop, meterStop: 3_000_002_000 })).kind).toBe('already_stopped');
    expect((await store.transactions.get(a.id))?.energyWh).toBe(1000);
    expect((await store.transactions.stop({ ...stop, transactionId: 999999 })).kind).toBe('unknown');
  });

  it('does not let an older buffered status overwrite a newer one', async () => {
    const inst = await store.installations.create({ name: 'Site C' });
    await store.chargers.create(inst.id, 'CP-3');
    await store.chargers.setConnectorStatus('CP-3', { connectorId: 1, status: 'Charging', errorCode: 'NoError', timestamp: '2026-01-01T00:10:00.000Z' });
    await store.chargers.setConnectorStatus('CP-3', { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: '2026-01-01T00:05:00.000Z' });
    expect((await store.chargers.connectors('CP-3'))[0].status).toBe('Charging');
  });
});
