import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const pgctl = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', readdirSync('/etc/postgresql')[0], 'main', action], { stdio: 'pipe' });

/** PostgreSQL stopped and started again under load: nothing acknowledged is lost, /readyz tells the truth. */
describe('PostgreSQL restarted under load', () => {
  let db: TestDatabase;
  let gw: GatewayProcess | undefined;
  beforeAll(async () => {
    db = await freshDatabase('postgres');
    const store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'pg-restart' });
    await store.chargers.create(inst.id, 'PGR-1');
    await store.idTags.upsert(inst.id, { idTag: 'PGCARD', status: 'Accepted' });
    await store.close();
  });
  afterAll(async () => {
    await gw?.kill();
    try {
      pgctl('start');
    } catch {
      /* already running */
    }
    await db?.drop();
  });

  it('reconnects, reports the outage in /readyz while it lasts, and loses no acknowledged transaction', { timeout: 120_000 }, async () => {
    gw = await spawnGateway({ DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl!, ADMIN_TOKEN: 'pg-restart-admin-token', SECRET_KEY: Buffer.alloc(32, 3).toString('base64') });
    const ready = async () => (await fetch(`http://127.0.0.1:${gw!.httpPort}/readyz`)).status;
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'PGR-1', callTimeoutMs: 5000 });
    await c.connect();
    const acknowledged: number[] = [];
    let refused = 0;
    let stop = false;
    const load = (async () => {
      for (let i = 0; i < 2000 && !stop; i++) {
        try {
          const conf = await c.startTransaction({ connectorId: 1 + (i % 8), idTag: 'PGCARD', meterStart: i, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() });
          acknowledged.push(conf.transactionId);
        } catch {
          refused += 1; // not acknowledged: a real charger keeps it and sends it again
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await ready()).toBe(200);
    const before = acknowledged.length;
    pgctl('stop');
    await expect.poll(ready, { timeout: 10_000 }).toBe(503);
    await new Promise((r) => setTimeout(r, 1500));
    pgctl('start');
    await expect.poll(ready, { timeout: 30_000 }).toBe(200);
    const during = acknowledged.length;
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await load;
    await c.close();
    expect(refused).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(during);
    expect(before).toBeGreaterThan(0);

    const store = await openTestStore(db);
    try {
      const stored = new Set((await store.transactions.list({ chargerId: 'PGR-1', limit: 10_000, offset: 0 })).map((t) => t.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      console.log(`pg restart: ${acknowledged.length} acknowledged, ${refused} refused during the outage, 0 lost`);
    } finally {
      await store.close();
    }
  });
});
