import { describe, expect, it } from 'vitest';
import { applyBookkeeping, applyBookkeepingInSlices, bookkeeperVia, type Bookkeeping } from '../../src/notifications/bookkeeping.js';
import type { Store } from '../../src/store/index.js';
import type { DeliveryRecord } from '../../src/store/deliveries.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

const row = (subscriptionId: string, eventId: string): DeliveryRecord => ({
  subscriptionId, eventId, eventType: 'connector.status_changed', attempt: 1, mode: 'queue',
  status: 200, ok: true, latencyMs: 1, error: null, response: '{"ok":true}', at: new Date().toISOString(),
});

describe('the delivery thread hands its writes to the main thread', () => {
  it('gathers writes made close together into one message, and answers each of them', async () => {
    const messages: { id: number; json: string }[] = [];
    const via = bookkeeperVia((m) => messages.push(m));
    const a = via.write({ rows: [row('s1', 'e1')], advance: { subscriptionId: 's1', seq: 1 } });
    const b = via.write({ rows: [row('s2', 'e2')], advance: { subscriptionId: 's2', seq: 2 } });
    await new Promise((r) => setTimeout(r, 30));
    expect(messages).toHaveLength(1);
    const sent = JSON.parse(messages[0].json) as Bookkeeping[];
    expect(sent.map((x) => x.advance)).toEqual([{ subscriptionId: 's1', seq: 1 }, { subscriptionId: 's2', seq: 2 }]);
    via.written(messages[0].id);
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
  });

  it('fails every write of a message the main thread could not apply, with its reason', async () => {
    const messages: { id: number; json: string }[] = [];
    const via = bookkeeperVia((m) => messages.push(m));
    const a = via.write({ rows: [row('s1', 'e1')] });
    const b = via.write({ rows: [], advance: { subscriptionId: 's1', seq: 5 } });
    await new Promise((r) => setTimeout(r, 30));
    via.written(messages[0].id, 'database is locked');
    await expect(a).rejects.toThrow('database is locked');
    await expect(b).rejects.toThrow('database is locked');
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

  it('applies a large gathered batch a slice at a time, letting other work run between slices, every row in order', async () => {
    const id = await create('sliced');
    // 12 flushes of 20 rows: 240 rows, several slices.
    const list = Array.from({ length: 12 }, (_, f) => ({
      rows: Array.from({ length: 20 }, (_, k) => row(id, `f${f}-${k}`)),
      advance: { subscriptionId: id, seq: f + 1 },
    }));
    // The charger path's frames, meanwhile: how many turns of the event loop came while it ran.
    let turns = 0;
    let applying = true;
    const tick = () => applying && (turns++, setImmediate(tick));
    setImmediate(tick);
    await applyBookkeepingInSlices(store, list);
    applying = false;
    // At least one turn per two slices of 32 rows (in one transaction it took one or two).
    expect(turns).toBeGreaterThanOrEqual(240 / 32 / 2);
    expect((await store.subscriptions.get(id))?.cursor).toBe(12);
    const logged = (await store.deliveries.list(id, 300)).reverse();
    expect(logged.map((d) => d.eventId)).toEqual(list.flatMap((b) => b.rows.map((r) => r.eventId)));
  });
});
