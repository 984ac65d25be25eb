import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, type TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'upgrade-test-admin-token';

/**
 * An earlier version kept a subscription's delivered position in subscriptions.cursor, moved by
 * the main thread; now it lives beside the attempt log (delivery_cursors). This rewinds a
 * gateway's data to that layout, then upgrades it with a backlog queued.
 */
async function asEarlierVersion(db: TestDatabase, subscriptionId: string): Promise<number> {
  const store = await openTestStore(db);
  try {
    const { cursor } = (await store.subscriptions.get(subscriptionId))!;
    await store.db.updateTable('subscriptions').set({ cursor }).where('id', '=', subscriptionId).execute();
    const migration = db.databaseUrl ? '0027_delivery_cursors' : '0003_delivery_cursors';
    await sql`drop table delivery_cursors`.execute(store.logDb);
    await sql`delete from kysely_migration where name = ${migration}`.execute(store.logDb);
    return cursor;
  } finally {
    await store.close();
  }
}

describe.each(['sqlite', 'postgres'] as const)('a gateway upgraded with a queued backlog on %s', (engine) => {
  let db: TestDatabase;
  let r: Receiver;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${gw!.httpPort}/api${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

  freshDatabaseForSuite(engine, { stores: 0 }, ({ tdb }) => {
    db = tdb;
  });
  beforeAll(async () => {
    r = await receiver();
    const store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'upgrade' });
    await store.chargers.create(inst.id, 'UP-1');
    await store.close();
    env = { DATA_DIR: db.dataDir, ADMIN_TOKEN: TOKEN, NOTIFICATION_PROBE_MAX_MS: '200', ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}) };
  });
  afterAll(async () => {
    await gw?.kill();
    await r?.close();
  });

  it('delivers each queued event once, in order, none lost and none repeated', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const res = await api('/subscriptions', { method: 'POST', body: JSON.stringify({ label: 'upgrade', url: r.url, events: ['connector.status_changed'], secret: RECEIVER_SECRET }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'UP-1', callTimeoutMs: 5000 });
    await c.connect();
    const sent: string[] = [];
    const status = async (i: number) => {
      sent.push(`s${i}`);
      await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: `s${i}` });
    };
    for (let i = 0; i < 10; i++) await status(i);
    await r.waitFor(10, 10_000);
    // Logged means the cursor moved too: both are one transaction.
    for (let logged = 0; logged < 10; await new Promise((done) => setTimeout(done, 50))) {
      logged = ((await (await api(`/subscriptions/${id}/deliveries?status=delivered`)).json()) as { items: unknown[] }).items.length;
    }
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    for (let i = 10; i < 40; i++) await status(i);
    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(r.deliveries).toHaveLength(10);

    expect(await asEarlierVersion(db, id)).toBeGreaterThan(0);
    r.clearFaults();
    gw = await spawnGateway(env);
    await r.waitFor(40, 15_000);
    await new Promise((done) => setTimeout(done, 500));
    expect(r.deliveries.map((d) => d.body.data.info)).toEqual(sent);
    expect(new Set(r.deliveries.map((d) => d.body.id)).size).toBe(40);
  });
});
