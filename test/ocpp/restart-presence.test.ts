import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'presence-test-admin-token';

describe.each(['sqlite', 'postgres'] as const)('chargers a killed gateway held, after its restart on %s', (engine) => {
  let db: TestDatabase;
  let r: Receiver;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;

  freshDatabaseForSuite(engine, { stores: 0 }, ({ tdb }) => {
    db = tdb;
  });
  beforeAll(async () => {
    r = await receiver();
    const store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'presence' });
    await store.chargers.create(inst.id, 'PR-1');
    await store.close();
    env = { DATA_DIR: db.dataDir, ADMIN_TOKEN: TOKEN, ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}) };
  });
  afterAll(async () => {
    await gw?.kill();
    await r?.close();
  });

  it('are marked offline with a charger.disconnected event', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${gw!.httpPort}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
    const created = await api('/api/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ label: 'presence', url: r.url, events: ['charger.connected', 'charger.disconnected'], secret: RECEIVER_SECRET }),
    });
    expect(created.status).toBe(201);
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'PR-1', callTimeoutMs: 5000 });
    await c.connect();
    await r.waitFor(1, 10_000);
    expect(r.deliveries[0].body).toMatchObject({ type: 'charger.connected', chargerId: 'PR-1' });

    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    gw = await spawnGateway(env);

    // Delivery is at least once: the connected event may come again after the crash.
    const disconnected = await until(() => r.deliveries.find((d) => d.body.type === 'charger.disconnected'), 15_000);
    expect(disconnected.body).toMatchObject({ chargerId: 'PR-1', data: { code: 1006 } });
    const charger = await (await api('/api/chargers/PR-1')).json();
    expect(charger.online).toBe(false);
  });
});

async function until<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
