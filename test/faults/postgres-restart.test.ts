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
    await store.chargers.create(inst.id, 'PGR-2');
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

  it('reconnects, reports the outage in /readyz while it lasts, and loses no acknowledged start, meter value or status', { timeout: 120_000 }, async () => {
    gw = await spawnGateway({ DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl!, ADMIN_TOKEN: 'pg-restart-admin-token', SECRET_KEY: Buffer.alloc(32, 3).toString('base64') });
    const ready = async () => (await fetch(`http://127.0.0.1:${gw!.httpPort}/readyz`)).status;
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'PGR-1', callTimeoutMs: 5000 });
    await c.connect();
    // A second charger in a session sends meter values and connector statuses alongside.
    const c2 = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'PGR-2', callTimeoutMs: 5000 });
    await c2.connect();
    const { transactionId: session } = await c2.startTransaction({ connectorId: 1, idTag: 'PGCARD', meterStart: 0 });
    let stop = false;
    /** Sends until told to stop; what was acknowledged, and how many were refused. */
    const keepSending = <T>(send: (i: number) => Promise<T>) => {
      const acked: T[] = [];
      const state = { acked, refused: 0, done: Promise.resolve() };
      state.done = (async () => {
        for (let i = 0; i < 2000 && !stop; i++) {
          try {
            acked.push(await send(i));
          } catch {
            state.refused += 1; // not acknowledged: a real charger keeps it and sends it again
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      })();
      return state;
    };
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const starts = keepSending(async (i) => (await c.startTransaction({ connectorId: 1 + (i % 8), idTag: 'PGCARD', meterStart: i, timestamp: at(i) })).transactionId);
    const meters = keepSending(async (i) => {
      await c2.meterValues({ connectorId: 1, transactionId: session, valueWh: 1000 + i, timestamp: at(i) });
      return 1000 + i;
    });
    const statuses = keepSending(async (i) => {
      const sent = { connectorId: 2 + (i % 3), status: i % 2 ? 'Available' : 'Preparing', errorCode: 'NoError', timestamp: at(i) };
      await c2.call('StatusNotification', sent);
      return sent;
    });
    const acknowledged = starts.acked;
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
    await Promise.all([starts.done, meters.done, statuses.done]);
    await c.close();
    await c2.close();
    expect(starts.refused).toBeGreaterThan(0);
    expect(meters.refused + statuses.refused).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(during);
    expect(before).toBeGreaterThan(0);

    const store = await openTestStore(db);
    try {
      const stored = new Set((await store.transactions.list({ chargerId: 'PGR-1', limit: 10_000, offset: 0 })).map((t) => t.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      const storedMeters = await store.db.selectFrom('meter_values').select('sampled_value').where('charger_id', '=', 'PGR-2').execute();
      const values = new Set(storedMeters.flatMap((r) => (JSON.parse(r.sampled_value) as { value: string }[]).map((v) => Number(v.value))));
      expect(meters.acked.filter((v) => !values.has(v))).toEqual([]);
      // A connector keeps its latest status: it is the last acknowledged one, or a later one.
      const connectors = await store.db.selectFrom('connectors').selectAll().where('charger_id', '=', 'PGR-2').execute();
      for (const connectorId of [2, 3, 4]) {
        const last = statuses.acked.filter((s) => s.connectorId === connectorId).at(-1)!;
        const row = connectors.find((r) => r.connector_id === connectorId)!;
        expect(Date.parse(row.status_at!)).toBeGreaterThanOrEqual(Date.parse(last.timestamp));
      }
      console.log(
        `[figures] pg restart: acknowledged ${acknowledged.length} starts, ${meters.acked.length} meter values, ${statuses.acked.length} statuses; ` +
          `refused during the outage ${starts.refused}, ${meters.refused}, ${statuses.refused}; 0 lost`,
      );
    } finally {
      await store.close();
    }
  });
});
