import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { applyBookkeeping, gatherBookkeeping, type Bookkeeping } from '../../src/notifications/delivery/bookkeeping.js';
import { createPortRequests, type Done } from '../../src/notifications/port.js';
import type { Store } from '../../src/store/index.js';
import type { DeliveryRecord } from '../../src/store/deliveries.js';
import { engines, openTestStore } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

const row = (subscriptionId: string, eventId: string): DeliveryRecord => ({
  subscriptionId, eventId, eventType: 'connector.status_changed', attempt: 1, mode: 'queue',
  status: 200, ok: true, latencyMs: 1, error: null, response: '{"ok":true}', request: null, responseHeaders: null, at: new Date().toISOString(),
});
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('the delivery thread gathers its writes', () => {
  it('applies writes made close together as one batch, and answers each of them', async () => {
    const batches: Bookkeeping[][] = [];
    const write = gatherBookkeeping(async (list) => void batches.push(list));
    const a = write({ rows: [row('s1', 'e1')], advance: { subscriptionId: 's1', seq: 1 } });
    const b = write({ rows: [row('s2', 'e2')], advance: { subscriptionId: 's2', seq: 2 } });
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    expect(batches).toHaveLength(1);
    expect(batches[0].map((x) => x.advance)).toEqual([{ subscriptionId: 's1', seq: 1 }, { subscriptionId: 's2', seq: 2 }]);
  });

  it('applies one batch at a time, in order, and fails every write of a batch that failed, with its reason', async () => {
    const order: string[] = [];
    let first = true;
    const write = gatherBookkeeping(async (list) => {
      const ids = list.flatMap((b) => b.rows.map((r) => r.eventId)).join();
      if (first) {
        first = false;
        // A slow first batch: the next must wait for it.
        await settle();
        order.push(ids);
        throw new Error('database is locked');
      }
      order.push(ids);
    });
    const a = write({ rows: [row('s1', 'e1')] });
    const b = write({ rows: [], advance: { subscriptionId: 's1', seq: 5 } });
    await new Promise((r) => setTimeout(r, 15));
    const c = write({ rows: [row('s1', 'e2')] });
    await expect(a).rejects.toThrow('database is locked');
    await expect(b).rejects.toThrow('database is locked');
    await expect(c).resolves.toBeUndefined();
    expect(order).toEqual(['e1', 'e2']);
  });
});

describe('requests to the delivery thread', () => {
  it('are answered each by its own id, in any order, over a real port; one never answered gives up at its deadline', async () => {
    const { port1, port2 } = new MessageChannel();
    const seen: { t: string; reply: number }[] = [];
    const requests = createPortRequests((m) => port1.postMessage(m));
    port1.on('message', (m: Done) => requests.done(m));
    port2.on('message', (m: { t: string; reply: number }) => seen.push(m));
    const finished: string[] = [];
    const a = requests.request({ t: 'record' }, 5000).then(() => finished.push('record'));
    const b = requests.request({ t: 'prune' }, 5000).then(() => finished.push('prune'));
    const c = requests.request({ t: 'stop' }, 50).then(() => finished.push('stop'));
    while (seen.length < 3) await settle();
    port2.postMessage({ t: 'done', reply: seen[1].reply } satisfies Done);
    port2.postMessage({ t: 'done', reply: seen[0].reply } satisfies Done);
    await Promise.all([a, b, c]);
    expect(finished).toEqual(['prune', 'record', 'stop']);
    port1.close();
  });

  it('stop waiting when the thread is gone', async () => {
    const requests = createPortRequests(() => undefined);
    const waiting = requests.request({ t: 'stop' }, 60_000);
    requests.closed();
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe.each(engines)('bookkeeping applied on %s', (engine) => {
  let store: Store;
  let subscriptionId: string;

  const create = async (label: string, cursor = 0) =>
    (
      await store.subscriptions.create(
        {
          installationId: null, label, kind: 'webhook', url: 'http://127.0.0.1:1/hook', urlMode: 'fixed', events: ['*'],
          enabled: true, subscriptionId: null, authentication: { kind: 'none', username: null, password: null }, signature: 'none',
          filter: {}, blocking: [], blockingTimeoutMs: 1000, timeoutMs: 1000, verify: false, kafka: null, secret: 'bookkeeping-secret',
        },
        'active',
        cursor,
      )
    ).id;

  freshDatabaseForSuite(engine, { stores: 1 }, async ({ stores }) => {
    [store] = stores;
    subscriptionId = await create('bookkeeping');
  });

  it('writes every row and moves the cursor forward only, in one go', async () => {
    await applyBookkeeping(store, [
      { rows: [row(subscriptionId, 'e1'), row(subscriptionId, 'e2')], advance: { subscriptionId, seq: 7 } },
      // A late, older write (another node's, say) never moves the cursor back.
      { rows: [row(subscriptionId, 'e3')], advance: { subscriptionId, seq: 3 } },
    ]);
    expect((await store.subscriptions.get(subscriptionId))?.cursor).toBe(7);
    const logged = await store.deliveries.list(subscriptionId, 10);
    expect(logged.map((d) => d.eventId).sort()).toEqual(['e1', 'e2', 'e3']);
  });

  it("moves many subscriptions' cursors at once, each to its own position and never back", async () => {
    // Five: a chunk of four and one of one (power-of-two statements), and one cursor already ahead.
    const ids = [await create('a'), await create('b'), await create('c'), await create('d'), await create('ahead', 100)];
    await applyBookkeeping(store, [
      ...ids.map((id, k) => ({ rows: [row(id, `m${k}`)], advance: { subscriptionId: id, seq: 10 + k } })),
      { rows: [], advance: { subscriptionId: ids[0], seq: 20 } },
    ]);
    const cursors = await Promise.all(ids.map(async (id) => (await store.subscriptions.get(id))?.cursor));
    expect(cursors).toEqual([20, 11, 12, 13, 100]);
  });

  it('writes a batch whole or not at all: a cursor that cannot be written leaves its attempt rows out too', async () => {
    const id = await create('atomic');
    const broken = { subscriptionId: null as unknown as string, seq: 3 };
    await expect(applyBookkeeping(store, [{ rows: [row(id, 'lost')], advance: broken }])).rejects.toThrow(/null/i);
    expect(await store.deliveries.list(id, 10)).toEqual([]);
    expect((await store.subscriptions.get(id))?.cursor).toBe(0);
  });

  it('takes where the API started a subscription when that is past what was delivered', async () => {
    const id = await create('restarted');
    await applyBookkeeping(store, [{ rows: [row(id, 'r1')], advance: { subscriptionId: id, seq: 5 } }]);
    // Enabled again or verified: it starts from the end of the log (the API writes that on the subscription).
    await store.subscriptions.update(id, {}, { cursor: 9 });
    expect((await store.subscriptions.get(id))?.cursor).toBe(9);
    expect((await store.subscriptions.list()).find((s) => s.id === id)?.cursor).toBe(9);
  });
});

describe('on SQLite the attempt log has a file of its own', () => {
  let store: Store;
  const dataDir = mkdtempSync(join(tmpdir(), 'delivery-log-'));

  beforeAll(async () => {
    store = await openTestStore({ dataDir });
  });
  afterAll(() => store.close());

  it('logs attempts and moves the cursors in deliveries.sqlite, never in gateway.sqlite', async () => {
    await applyBookkeeping(store, [
      { rows: [row('sub-a', 'e1'), row('sub-a', 'e2')], advance: { subscriptionId: 'sub-a', seq: 2 } },
      { rows: [row('sub-b', 'e3')] },
      { rows: [], advance: { subscriptionId: 'sub-a', seq: 4 } },
    ]);
    expect(await store.logDb.selectFrom('delivery_cursors').selectAll().execute()).toEqual([{ subscription_id: 'sub-a', seq: 4 }]);
    expect((await store.deliveries.list('sub-a', 10)).map((d) => d.eventId)).toEqual(['e2', 'e1']);
    expect(await store.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).not.toContain('delivery_cursors');
  });

  it('moves attempts an earlier version logged in gateway.sqlite into the log file when it opens, in order', async () => {
    await store.db.insertInto('deliveries').values(['old-1', 'old-2'].map((eventId) => ({
      subscription_id: 'sub-old', event_id: eventId, event_type: 'connector.status_changed', attempt: 1, mode: 'queue',
      at: new Date().toISOString(), status: 200, ok: 1, latency_ms: 3, error: null, response: 'ok',
    }))).execute();
    await store.close();
    store = await openTestStore({ dataDir });
    expect((await store.deliveries.list('sub-old', 10)).map((d) => [d.eventId, d.latencyMs])).toEqual([['old-2', 3], ['old-1', 3]]);
    expect(await store.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
  });
});
