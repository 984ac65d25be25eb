import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'backlog-test-admin-token';

describe.each(['sqlite', 'postgres'] as const)('a gateway killed mid-backlog on %s', (engine) => {
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
    const inst = await store.installations.create({ name: 'backlog' });
    await store.chargers.create(inst.id, 'BK-1');
    await store.close();
    env = {
      DATA_DIR: db.dataDir,
      ADMIN_TOKEN: TOKEN,
      NOTIFICATION_PROBE_MAX_MS: '200',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    };
  });
  afterAll(async () => {
    await gw?.kill();
    await r?.close();
  });

  it('delivers every event after restart, in order, none lost', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'backlog', url: r.url, events: ['connector.status_changed'], secret: RECEIVER_SECRET }),
    });
    expect(res.status).toBe(201);
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'BK-1', callTimeoutMs: 5000 });
    await c.connect();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      sent.push(`s${i}`);
      await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: `s${i}` });
    }
    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(r.deliveries).toHaveLength(0);

    r.clearFaults();
    gw = await spawnGateway(env);
    await r.waitFor(40, 15_000);
    expect(r.deliveries.map((d) => d.body.data.info)).toEqual(sent);
    expect(new Set(r.deliveries.map((d) => d.body.id)).size).toBe(40);
  });
});
