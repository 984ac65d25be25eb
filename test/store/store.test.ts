import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

const startOf = (installationId: string, chargerId: string, idTag: string) => ({
  chargerId, installationId, connectorId: 1, idTag, idTagKey: idTag, meterStart: 500,
  startTime: '2026-01-01T00:00:00.000Z', reservationId: null, authStatus: 'Accepted', authSource: 'native',
  authReason: null, late: false,
});

describe.each(engines)('store on %s', (engine) => {
  let store: Store;
  freshDatabaseForSuite(engine, { stores: 1 }, ({ stores }) => {
    [store] = stores;
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

  it("stores StopTransaction's transactionData with the stop, so a re-sent (duplicate) stop loses nothing", async () => {
    const inst = await store.installations.create({ name: 'Site D' });
    await store.chargers.create(inst.id, 'CP-4');
    const a = await store.transactions.start(startOf(inst.id, 'CP-4', 'T4'));
    const data = [{ timestamp: '2026-01-01T00:30:00.000Z', sampledValue: [{ value: '1500' }] }];
    const stop = { chargerId: 'CP-4', transactionId: a.id, meterStop: 2000, stopTime: '2026-01-01T01:00:00.000Z', reason: null, stopIdTag: null };

    // The same unit of work fails after the stop: neither the stop nor its values remain.
    const failing = store.transact(async (tx) => {
      await tx.transactions.stop({ ...stop, transactionData: data });
      throw new Error('crash after the stop');
    });
    await expect(failing).rejects.toThrow('crash after the stop');
    expect((await store.transactions.get(a.id))?.stop).toBeNull();
    expect(await store.meterValues.forTransaction(a.id)).toEqual([]);

    // The charger re-sends; now both commit, and a further re-send is a duplicate that adds nothing.
    expect((await store.transactions.stop({ ...stop, transactionData: data })).kind).toBe('stopped');
    expect((await store.transactions.stop({ ...stop, transactionData: data })).kind).toBe('duplicate');
    const values = await store.meterValues.forTransaction(a.id);
    expect(values).toMatchObject([{ connectorId: 1, timestamp: data[0].timestamp, sampledValue: data[0].sampledValue, source: 'StopTransaction' }]);
  });

  it('keeps the expiry and parent a start was answered with', async () => {
    const inst = await store.installations.create({ name: 'Site E' });
    const start = { ...startOf(inst.id, 'CP-5', 'T5'), authExpiryDate: '2099-01-01T00:00:00.000Z', authParentIdTag: 'FLEET' };
    const a = await store.transactions.start(start);
    expect(await store.transactions.findStart(start)).toEqual({
      transaction: a,
      answer: { status: 'Accepted', expiryDate: '2099-01-01T00:00:00.000Z', parentIdTag: 'FLEET' },
    });
  });

  it('does not let an older buffered status overwrite a newer one', async () => {
    const inst = await store.installations.create({ name: 'Site C' });
    await store.chargers.create(inst.id, 'CP-3');
    await store.chargers.setConnectorStatus('CP-3', { connectorId: 1, status: 'Charging', errorCode: 'NoError', timestamp: '2026-01-01T00:10:00.000Z' });
    await store.chargers.setConnectorStatus('CP-3', { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: '2026-01-01T00:05:00.000Z' });
    expect((await store.chargers.connectors('CP-3'))[0].status).toBe('Charging');
  });
});

// Two gateway processes share one PostgreSQL: each opens its own pool, as here.
describe('queues shared by concurrent workers on postgres', () => {
  let one: Store;
  let two: Store;
  freshDatabaseForSuite('postgres', { stores: 2 }, ({ stores }) => {
    [one, two] = stores;
  });

  it('hands each due outbox item to one worker only', async () => {
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 40 }, (_, i) => `round-${round}-${i}`);
      for (const eventId of ids) await one.outbox.enqueue({ topic: 'session-end', target: 'x', eventId, payload: {} });
      const [a, b] = await Promise.all([one.outbox.claimDue(30, 60_000), two.outbox.claimDue(30, 60_000)]);
      const claimedA = a.map((i) => i.eventId);
      const claimedB = b.map((i) => i.eventId);
      expect(claimedA.filter((id) => claimedB.includes(id)), `round ${round}`).toEqual([]);
      expect(new Set([...claimedA, ...claimedB]).size).toBe(claimedA.length + claimedB.length);
      // While both leases run, a third claim gets only what neither took, and together they cover every item.
      const rest = (await one.outbox.claimDue(100, 60_000)).map((i) => i.eventId);
      expect(rest.filter((id) => claimedA.includes(id) || claimedB.includes(id))).toEqual([]);
      expect([...claimedA, ...claimedB, ...rest].sort()).toEqual([...ids].sort());
      for (const item of await one.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute()) {
        await one.outbox.delivered(item.id, 200);
      }
    }
    expect(await one.outbox.pendingCount()).toBe(0);
  });

  it('lets one worker of two lease a subscription', async () => {
    const sub = await one.subscriptions.create(
      {
        installationId: null, label: 'lease', kind: 'webhook', url: 'http://127.0.0.1:1/hook', urlMode: 'fixed', events: ['*'],
        enabled: true, subscriptionId: null, authentication: { kind: 'none', username: null, password: null }, signature: 'none',
        filter: {}, blocking: [], blockingTimeoutMs: 1000, timeoutMs: 1000, verify: false, kafka: null, secret: 'lease-secret',
      },
      'active',
      0,
    );
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([one.subscriptions.lease(sub.id, 'node-a', 60_000), two.subscriptions.lease(sub.id, 'node-b', 60_000)]);
      expect([a, b].filter(Boolean), `round ${round}`).toHaveLength(1);
      // The loser stays out while the lease runs; the winner may renew it.
      const [winner, loser] = a ? ['node-a', 'node-b'] : ['node-b', 'node-a'];
      expect(await two.subscriptions.lease(sub.id, loser, 60_000)).toBe(false);
      expect(await one.subscriptions.lease(sub.id, winner, 60_000)).toBe(true);
      await one.subscriptions.release(sub.id, winner);
    }
  });
});
