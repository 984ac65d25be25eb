import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { engines, freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { SimCharger } from '../../simulators/charger/charger.js';

describe.each(engines)('a gateway killed mid-session on %s', (engine) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    db = await freshDatabase(engine);
    env = { DATA_DIR: db.dataDir, ADMIN_TOKEN: 'crash-test-admin-token', LOG_LEVEL: 'info', ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}) };
    // Set up the installation through a short-lived store (the gateway is not running yet).
    const store: Store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'crash' });
    await store.chargers.create(inst.id, 'KILL-1');
    await store.idTags.upsert(inst.id, { idTag: 'CARD', status: 'Accepted' });
    await store.close();
  });
  afterAll(async () => {
    await gw?.kill();
    await db?.drop();
  });

  it('keeps every acknowledged start, meter value and status across SIGKILL and restart', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    let c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'KILL-1', callTimeoutMs: 5000 });
    await c.connect();
    await c.boot();
    await c.status(1, 'Charging');
    const start = { connectorId: 1, idTag: 'CARD', meterStart: 100, timestamp: new Date().toISOString() };
    const { transactionId } = await c.startTransaction(start);
    await c.meterValues({ connectorId: 1, transactionId, valueWh: 150 });
    expect(await gw.kill('SIGKILL')).toBeNull();
    await c.close().catch(() => undefined);

    gw = await spawnGateway(env);
    c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'KILL-1', callTimeoutMs: 5000 });
    await c.connect();
    // The charger re-sends the start it is unsure of, then stops the transaction.
    expect((await c.startTransaction(start)).transactionId).toBe(transactionId);
    await c.stopTransaction({ transactionId, meterStop: 400, reason: 'Local' });
    await c.close();

    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/readyz`);
    expect(res.status).toBe(200);
    await gw.kill('SIGTERM');

    const store = await openTestStore(db);
    try {
      const tx = await store.transactions.get(transactionId);
      expect(tx).toMatchObject({ meterStart: 100, energyWh: 300, stop: { meterStop: 400 } });
      expect(await store.meterValues.forTransaction(transactionId)).toHaveLength(1);
      expect((await store.chargers.connectors('KILL-1'))[0]?.status).toBe('Charging');
      expect((await store.chargers.get('KILL-1'))?.online).toBe(false);
    } finally {
      await store.close();
    }
  });
});
