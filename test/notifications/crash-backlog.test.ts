import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'backlog-test-admin-token';

/** A fresh database with one charger, a receiver, and the environment a gateway process starts with. */
function backlogSuite(engine: 'sqlite' | 'postgres', chargerId: string) {
  const s = {} as { db: TestDatabase; r: Receiver; gw: GatewayProcess | undefined; env: Record<string, string> };
  freshDatabaseForSuite(engine, { stores: 0 }, ({ tdb }) => {
    s.db = tdb;
  });
  beforeAll(async () => {
    s.r = await receiver();
    const store = await openTestStore(s.db);
    const inst = await store.installations.create({ name: 'backlog' });
    await store.chargers.create(inst.id, chargerId);
    await store.close();
    s.env = {
      DATA_DIR: s.db.dataDir,
      ADMIN_TOKEN: TOKEN,
      NOTIFICATION_PROBE_MAX_MS: '200',
      ...(s.db.databaseUrl ? { DATABASE_URL: s.db.databaseUrl } : {}),
    };
  });
  afterAll(async () => {
    await s.gw?.kill();
    await s.r?.close();
  });
  return s;
}

describe.each(['sqlite', 'postgres'] as const)('a gateway killed mid-backlog on %s', (engine) => {
  const s = backlogSuite(engine, 'BK-1');

  it('delivers every event after restart, in order, none lost', { timeout: 60_000 }, async () => {
    s.gw = await spawnGateway(s.env);
    const res = await fetch(`http://127.0.0.1:${s.gw.httpPort}/api/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'backlog', url: s.r.url, events: ['connector.status_changed'], secret: RECEIVER_SECRET }),
    });
    expect(res.status).toBe(201);
    s.r.injectFault({ fault: { mode: 'status', status: 503 } });
    const c = new SimCharger({ url: `ws://127.0.0.1:${s.gw.ocppPort}/ocpp`, id: 'BK-1', callTimeoutMs: 5000 });
    await c.connect();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      sent.push(`s${i}`);
      await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: `s${i}` });
    }
    await s.gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(s.r.deliveries).toHaveLength(0);

    s.r.clearFaults();
    s.gw = await spawnGateway(s.env);
    await s.r.waitFor(40, 15_000);
    expect(s.r.deliveries.map((d) => d.body.data.info)).toEqual(sent);
    expect(new Set(s.r.deliveries.map((d) => d.body.id)).size).toBe(40);
  });
});

/**
 * An earlier version kept a subscription's delivered position in subscriptions.cursor, moved by
 * the main thread; now it lives beside the attempt log (delivery_cursors). This puts a
 * gateway's data as migration 0027 (log 0003 on SQLite) leaves an earlier version's: the
 * position in subscriptions.cursor, the new table empty.
 */
async function asEarlierVersion(db: TestDatabase, subscriptionId: string): Promise<number> {
  const store = await openTestStore(db);
  try {
    const { cursor } = (await store.subscriptions.get(subscriptionId))!;
    await store.db.updateTable('subscriptions').set({ cursor }).where('id', '=', subscriptionId).execute();
    await store.logDb.deleteFrom('delivery_cursors').execute();
    return cursor;
  } finally {
    await store.close();
  }
}

describe.each(['sqlite', 'postgres'] as const)('a gateway upgraded with a queued backlog on %s', (engine) => {
  const s = backlogSuite(engine, 'UP-1');
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${s.gw!.httpPort}/api${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

  it('delivers each queued event once, in order, none lost and none repeated', { timeout: 60_000 }, async () => {
    s.gw = await spawnGateway(s.env);
    const res = await api('/subscriptions', { method: 'POST', body: JSON.stringify({ label: 'upgrade', url: s.r.url, events: ['connector.status_changed'], secret: RECEIVER_SECRET }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const c = new SimCharger({ url: `ws://127.0.0.1:${s.gw.ocppPort}/ocpp`, id: 'UP-1', callTimeoutMs: 5000 });
    await c.connect();
    const sent: string[] = [];
    const status = async (i: number) => {
      sent.push(`s${i}`);
      await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: `s${i}` });
    };
    for (let i = 0; i < 10; i++) await status(i);
    await s.r.waitFor(10, 10_000);
    // Logged means the cursor moved too: both are one transaction.
    for (let logged = 0; logged < 10; await new Promise((done) => setTimeout(done, 50))) {
      logged = ((await (await api(`/subscriptions/${id}/deliveries?status=delivered`)).json()) as { items: unknown[] }).items.length;
    }
    s.r.injectFault({ fault: { mode: 'status', status: 503 } });
    for (let i = 10; i < 40; i++) await status(i);
    await s.gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(s.r.deliveries).toHaveLength(10);

    expect(await asEarlierVersion(s.db, id)).toBeGreaterThan(0);
    s.r.clearFaults();
    s.gw = await spawnGateway(s.env);
    await s.r.waitFor(40, 15_000);
    await new Promise((done) => setTimeout(done, 500));
    expect(s.r.deliveries.map((d) => d.body.data.info)).toEqual(sent);
    expect(new Set(s.r.deliveries.map((d) => d.body.id)).size).toBe(40);
  });
});
