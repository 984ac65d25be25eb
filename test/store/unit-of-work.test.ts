import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import type { Envelope } from '../../src/store/envelope.js';
import type { EventSink } from '../../src/store/unitOfWork.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

const ALL = { installationId: null, types: '*' } as const;

const event = (type: string, installationId: string): Envelope => ({
  id: randomUUID(), type, occurredAt: new Date().toISOString(), version: 1, installationId, data: {},
});

/** A sink that wants the types in `wanted` (changeable at any time) and keeps what it was handed after commit. */
function recordingSink(store: Store) {
  const wanted = new Set<string>();
  const published: { types: string[]; at: string[]; committed: boolean }[] = [];
  const sink: EventSink = {
    ready: () => undefined,
    wanted: (e) => wanted.has(e.type),
    async published(events) {
      // Read outside the unit: what the subscribers' side would see when it is told.
      const committed = (await store.events.byIds(events.map((e) => e.id))).length === events.length;
      published.push({ types: events.map((e) => e.type), at: events.map((e) => e.installationId), committed });
    },
  };
  return { sink, wanted, published };
}

describe.each(engines)('one unit of work on %s', (engine) => {
  let store: Store;
  let rec: ReturnType<typeof recordingSink>;
  freshDatabaseForSuite(engine, { stores: 1 }, ({ stores }) => {
    [store] = stores;
    rec = recordingSink(store);
    store.publishTo(rec.sink);
  });

  it('commits the change, its audit entry, its wanted events and its outbox row together, and publishes the events after commit', async () => {
    rec.wanted.add('test.wanted');
    const from = await store.events.lastSeq();
    const inst = await store.transact(async (tx) => {
      const created = await tx.installations.create({ name: 'Unit A' });
      await tx.audit({ installationId: created.id, actor: { kind: 'operator', label: 'test' }, action: 'installation.created', target: created.name, changes: {} });
      tx.emit(event('test.wanted', created.id));
      tx.emit(event('test.unwanted', created.id));
      await tx.outbox.enqueue({ topic: 'test', target: created.id, eventId: `unit-a:${created.id}`, payload: {} });
      return created;
    });
    expect(await store.installations.get(inst.id)).toMatchObject({ name: 'Unit A' });
    expect(await store.auditLog.list(inst.id, 10, 0)).toMatchObject([{ action: 'installation.created', target: 'Unit A' }]);
    expect((await store.events.after(from, ALL, 10)).map((e) => e.envelope.type)).toEqual(['test.wanted']);
    expect(await store.outbox.state(`unit-a:${inst.id}`)).toBeDefined();
    expect(rec.published.at(-1)).toEqual({ types: ['test.wanted'], at: [inst.id], committed: true });
  });

  it('writes and publishes nothing of a unit that fails', async () => {
    rec.wanted.add('test.wanted');
    const from = await store.events.lastSeq();
    const before = rec.published.length;
    const id = randomUUID();
    const failing = store.transact(async (tx) => {
      const created = await tx.installations.create({ name: 'Unit B' });
      await tx.audit({ installationId: created.id, actor: { kind: 'operator', label: 'test' }, action: 'installation.created', target: created.name, changes: {} });
      tx.emit(event('test.wanted', created.id));
      await tx.outbox.enqueue({ topic: 'test', target: created.id, eventId: `unit-b:${id}`, payload: {} });
      throw new Error('fails after its writes');
    });
    await expect(failing).rejects.toThrow('fails after its writes');
    expect((await store.installations.list()).map((i) => i.name)).not.toContain('Unit B');
    expect(await store.events.after(from, ALL, 10)).toEqual([]);
    expect(await store.outbox.state(`unit-b:${id}`)).toBeUndefined();
    expect(rec.published.length).toBe(before);
  });

  it('publishes the events of each unit asked for at once that commits, and none of the one that fails (SQLite commits them as one group)', async () => {
    rec.wanted.add('test.together');
    const before = rec.published.length;
    const units = ['i-ok-1', 'i-fail', 'i-ok-2'].map((installationId) =>
      store.transact(async (tx) => {
        tx.emit(event('test.together', installationId));
        if (installationId === 'i-fail') throw new Error('this one fails');
      }),
    );
    const outcomes = await Promise.allSettled(units);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const handed = rec.published.slice(before);
    expect(handed.map((p) => p.at).flat().sort()).toEqual(['i-ok-1', 'i-ok-2']);
    expect(handed.every((p) => p.committed)).toBe(true);
  });

  it('asks whether an event is wanted as it is emitted, and writes no row for one nobody wants', async () => {
    rec.wanted.delete('test.later');
    const from = await store.events.lastSeq();
    await store.transact(async (tx) => {
      tx.emit(event('test.later', 'i-1'));
      rec.wanted.add('test.later');
      // A nested unit runs in the outer one: its events commit and publish with it.
      await tx.transact(async (inner) => inner.emit(event('test.later', 'i-2')));
    });
    const written = await store.events.after(from, ALL, 10);
    expect(written.map((e) => e.envelope.installationId)).toEqual(['i-2']);
    expect(rec.published.at(-1)).toEqual({ types: ['test.later'], at: ['i-2'], committed: true });
  });

  it('waits for the sink to be ready before the transaction, so it answers from memory inside it', async () => {
    let loaded = false;
    const from = await store.events.lastSeq();
    store.publishTo({ ...rec.sink, ready: () => (loaded ? undefined : new Promise<void>((r) => setTimeout(() => ((loaded = true), r()), 10))), wanted: () => loaded });
    try {
      await store.transact(async (tx) => tx.emit(event('test.ready', 'i-3')));
    } finally {
      store.publishTo(rec.sink);
    }
    expect((await store.events.after(from, ALL, 10)).map((e) => e.envelope.type)).toEqual(['test.ready']);
  });
});
