import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendQueries, freezeBackends, freshDatabase, openTestStore, terminateBackends, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { inBatches } from '../helpers/clusterProcesses.js';
import { driveSessions, lostFrom, newLedger, watchDrops, type DriveOptions, type Ledger } from '../helpers/sessionLedger.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

const COUNT = 500;
const ids = Array.from({ length: COUNT }, (_, i) => `PGT-${i + 1}`);
const tagOf = (chargerId: string) => `CARD-${chargerId}`;
const TOKEN = 'pg-terminated-admin-token';

const pgctl = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', readdirSync('/etc/postgresql')[0], 'main', action], { stdio: 'pipe' });

/** A gateway process on its own PostgreSQL database, with chargers that keep running sessions. */
function harness() {
  const h = { db: undefined as unknown as TestDatabase, gw: undefined as GatewayProcess | undefined, chargers: [] as SimCharger[], closing: false, stopped: false };
  const ledger: Ledger = newLedger();
  const status = async (path: string) => (await fetch(`http://127.0.0.1:${h.gw!.httpPort}${path}`, { signal: AbortSignal.timeout(10_000) })).status;
  // A probe that does not answer counts as not ready, as an orchestrator's would.
  const ready = () => status('/readyz').catch(() => 0);

  async function setUp(count: number) {
    h.db = await freshDatabase('postgres');
    const store = await openTestStore(h.db);
    try {
      const inst = await store.installations.create({ name: 'pg-terminated' });
      await store.transact(async (tx) => {
        for (const id of ids.slice(0, count)) {
          await tx.chargers.create(inst.id, id);
          await tx.idTags.upsert(inst.id, { idTag: tagOf(id), status: 'Accepted' });
        }
      });
    } finally {
      await store.close();
    }
    const secret = Buffer.alloc(32, 7).toString('base64');
    h.gw = await spawnGateway({ DATA_DIR: h.db.dataDir, DATABASE_URL: h.db.databaseUrl!, ADMIN_TOKEN: TOKEN, SECRET_KEY: secret }, 60_000);
    const url = `ws://127.0.0.1:${h.gw.ocppPort}/ocpp`;
    h.chargers = await inBatches(ids.slice(0, count), 50, async (id) => {
      const c = new SimCharger({ url, id, callTimeoutMs: 30_000 });
      await c.connect();
      watchDrops(c, ledger, () => h.closing);
      await c.boot();
      return c;
    });
  }

  /** Starts every charger's session loop; the promise settles once all have stopped. */
  function drive(o: Omit<DriveOptions, 'idTag' | 'stopped'>): Promise<unknown> {
    return Promise.allSettled(h.chargers.map((c) => driveSessions(c, ledger, { ...o, idTag: tagOf(c.id), stopped: () => h.stopped })));
  }

  async function tearDown() {
    h.closing = true;
    await Promise.all(h.chargers.map((c) => c.close()));
    await h.gw?.kill();
    await h.db?.drop();
  }

  /** The gateway lived, answered every CALL, dropped no socket and lost nothing it acknowledged. */
  async function expectNothingLost() {
    expect(h.gw!.child.exitCode, `the gateway died:\n${h.gw!.stderr.slice(-30).join('\n')}`).toBeNull();
    expect(h.gw!.child.signalCode).toBeNull();
    expect(await status('/healthz')).toBe(200);
    await expect.poll(ready, { timeout: 30_000 }).toBe(200);
    expect(ledger.dropped).toEqual([]);
    expect(ledger.unanswered).toEqual([]);
    // A CALL the database failed is refused as the gateway's own fault, which a charger retries.
    expect(Object.keys(ledger.refused).filter((code) => code !== 'InternalError')).toEqual([]);
    const store = await openTestStore(h.db);
    try {
      expect(await lostFrom(ledger, store)).toEqual([]);
    } finally {
      await store.close();
    }
  }

  /** Session ends go to a webhook: the delivery thread, with its own connections, runs through the fault too. */
  async function subscribe(r: Receiver) {
    const res = await fetch(`http://127.0.0.1:${h.gw!.httpPort}/api/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'stops', url: r.url, events: ['session.stopped'], secret: RECEIVER_SECRET }),
    });
    expect(res.status).toBe(201);
  }

  return { h, ledger, ready, setUp, drive, subscribe, tearDown, expectNothingLost };
}

describe(`PostgreSQL ends the backends of a gateway with ${COUNT} chargers in sessions`, () => {
  const t = harness();
  let r: Receiver;
  beforeAll(async () => {
    r = await receiver();
    await t.setUp(COUNT);
    await t.subscribe(r);
  }, 120_000);
  afterAll(async () => {
    await t.tearDown();
    await r?.close();
  });

  it('lives through it twice: every CALL answered, no socket dropped, nothing acknowledged lost, listener back', { timeout: 200_000 }, async () => {
    const running = t.drive({ thinkMs: 500, meterSamples: 2, maxSessions: 40, maxAttempts: 40 });
    await sleep(5_000);
    const first = await terminateBackends(t.h.db);
    await sleep(30_000);
    const second = await terminateBackends(t.h.db);
    await sleep(8_000);
    t.h.stopped = true;
    await running;

    await t.expectNothingLost();
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    // The cluster bus's LISTEN connection came back by itself.
    await expect.poll(async () => (await backendQueries(t.h.db)).some((q) => q.startsWith('LISTEN gw_node_')), { timeout: 30_000 }).toBe(true);
    // Every acknowledged stop is notified, the delivery thread having lived through it as well.
    const stops = t.ledger.sessions.filter((s) => s.stopAcked).map((s) => s.transactionId);
    const unnotified = () => {
      const notified = new Set(r.deliveries.map((d) => d.body.data.transactionId as number));
      return stops.filter((id) => !notified.has(id));
    };
    await expect.poll(unnotified, { timeout: 60_000 }).toEqual([]);
    expect(t.h.gw!.lines.filter((l) => /delivery thread (crashed|exited)/.test(l.msg))).toEqual([]);
    const refused = Object.values(t.ledger.refused).reduce((a, b) => a + b, 0);
    console.log(`[figures] backends terminated: ${first}, ${second}; ${t.ledger.sessions.length} sessions acknowledged; refused ${JSON.stringify(t.ledger.refused)} (${refused}); 0 lost`);
  });
});

describe('PostgreSQL stopped, or hanging, while chargers are in sessions', () => {
  const t = harness();
  let frozen: { thaw(): void } | undefined;
  beforeAll(() => t.setUp(200), 120_000);
  afterAll(() => t.tearDown());
  afterEach(() => {
    frozen?.thaw();
    try {
      pgctl('start');
    } catch {
      /* already running */
    }
  });

  it('answers 503 on /readyz while it is down and 200 after, refusing CALLs cleanly meanwhile', { timeout: 120_000 }, async () => {
    const running = t.drive({ thinkMs: 300, meterSamples: 2, maxSessions: 40, maxAttempts: 200 });
    await sleep(2_000);
    expect(await t.ready()).toBe(200);
    pgctl('stop');
    try {
      await expect.poll(t.ready, { timeout: 15_000 }).toBe(503);
      await sleep(2_000);
    } finally {
      pgctl('start');
    }
    await expect.poll(t.ready, { timeout: 30_000 }).toBe(200);
    await sleep(3_000);
    t.h.stopped = true;
    await running;

    expect(t.ledger.refused.InternalError).toBeGreaterThan(0);
    await t.expectNothingLost();
  });

  it('answers /readyz with 503 while the database hangs, and 200 once it answers again', { timeout: 60_000 }, async () => {
    await expect.poll(t.ready, { timeout: 30_000 }).toBe(200);
    frozen = await freezeBackends(t.h.db);
    try {
      expect(await t.ready()).toBe(503);
    } finally {
      frozen.thaw();
    }
    await expect.poll(t.ready, { timeout: 30_000 }).toBe(200);
    expect(t.h.gw!.child.exitCode).toBeNull();
  });
});
