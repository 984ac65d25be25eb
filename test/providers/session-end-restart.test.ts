import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { outboxTestEnv, processApi, spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { basicPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/provider.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'restart-test-admin-token';

describe.each(['sqlite', 'postgres'] as const)('a pending session end across a gateway crash on %s', (engine) => {
  let db: TestDatabase;
  let provider: Provider;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;

  freshDatabaseForSuite(engine, { stores: 0 }, ({ tdb }) => {
    db = tdb;
  });
  beforeAll(async () => {
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { defaultAllowed: true } });
    env = outboxTestEnv(db, TOKEN);
  });
  afterAll(async () => {
    await gw?.kill();
    await provider?.close();
  });

  const api = processApi(() => gw, TOKEN);

  it('is delivered exactly once after SIGKILL and restart', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const inst = await api('POST', '/api/installations', {
      name: 'restart',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    await api('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'RS-1' });
    let c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'RS-1', callTimeoutMs: 5000 });
    await c.connect();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'RESTART', meterStart: 0 });
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 503 } });
    await c.stopTransaction({ transactionId, meterStop: 777 });
    await expect.poll(() => provider.counts().end).toBeGreaterThan(0);
    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(provider.received.ends).toHaveLength(0);

    provider.clearFaults();
    gw = await spawnGateway(env);
    await expect.poll(() => provider.received.ends.length, { timeout: 10_000 }).toBe(1);
    expect(provider.received.ends[0].body).toMatchObject({ transactionId, meterStop: 777, energyWh: 777 });
    // A stop re-sent by the charger after the restart does not produce a second call.
    c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'RS-1', callTimeoutMs: 5000 });
    await c.connect();
    await c.stopTransaction({ transactionId, meterStop: 777 });
    await c.close();
    const tx = await api('GET', `/api/transactions/${transactionId}`);
    expect(tx.body.sessionEnd).toMatchObject({ status: 'delivered' });
    expect(provider.received.ends).toHaveLength(1);
  });

  it('delivers every pending session end once after SIGKILL, each charger\'s in stop order', { timeout: 90_000 }, async () => {
    await gw?.kill();
    provider.clearFaults();
    provider.received.ends.length = 0;
    gw = await spawnGateway(env);
    const inst = await api('POST', '/api/installations', {
      name: 'restart-many',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    const chargerIds = ['RN-A', 'RN-B'];
    const chargers = [];
    for (const id of chargerIds) {
      await api('POST', `/api/installations/${inst.body.id}/chargers`, { id });
      const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id, callTimeoutMs: 5000 });
      await c.connect();
      chargers.push(c);
    }
    const started: { chargerId: string; transactionId: number; c: SimCharger }[] = [];
    for (let connectorId = 1; connectorId <= 3; connectorId++) {
      for (const [i, c] of chargers.entries()) {
        const { transactionId } = await c.startTransaction({ connectorId, idTag: 'RESTART', meterStart: 0 });
        started.push({ chargerId: chargerIds[i], transactionId, c });
      }
    }
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 503 } });
    // Stops alternate between the chargers; each stop is answered before the next is sent.
    for (const s of started) await s.c.stopTransaction({ transactionId: s.transactionId, meterStop: 100 + s.transactionId });
    await expect.poll(() => provider.counts().end).toBeGreaterThanOrEqual(chargerIds.length);
    await gw.kill('SIGKILL');
    await Promise.all(chargers.map((c) => c.close().catch(() => undefined)));
    expect(provider.received.ends).toHaveLength(0);

    provider.clearFaults();
    // Each call is answered late, so a charger's next call sent before its previous was answered would show.
    const LATENCY_MS = 150;
    provider.injectFault({ path: 'end', fault: { mode: 'latency', ms: LATENCY_MS } });
    const restartedAt = Date.now();
    gw = await spawnGateway(env);
    await expect.poll(() => provider.received.ends.length, { timeout: 20_000 }).toBe(started.length);
    const deliveredMs = Date.now() - restartedAt;
    // Marked delivered once each call is answered, a moment after the provider recorded it.
    const statuses = () => Promise.all(started.map(async (s) => (await api('GET', `/api/transactions/${s.transactionId}`)).body.sessionEnd?.status));
    await expect.poll(statuses, { timeout: 5_000 }).toEqual(started.map(() => 'delivered'));
    const ends = provider.received.ends.map((e) => ({ ...(e.body as { chargerId: string; transactionId: number; meterStop: number }), at: e.at }));
    expect(ends.map((e) => e.transactionId).sort((a, b) => a - b)).toEqual(started.map((s) => s.transactionId).sort((a, b) => a - b));
    for (const e of ends) expect(e.meterStop).toBe(100 + e.transactionId);
    for (const chargerId of chargerIds) {
      const own = ends.filter((e) => e.chargerId === chargerId);
      expect(own.map((e) => e.transactionId)).toEqual(started.filter((s) => s.chargerId === chargerId).map((s) => s.transactionId));
      for (let i = 1; i < own.length; i++) expect(own[i].at - own[i - 1].at).toBeGreaterThanOrEqual(LATENCY_MS);
    }
    // The two chargers' queues run side by side: one after the other, no two calls could arrive
    // less than a call's latency apart; side by side, one of each charger's overlaps.
    const [aAt, bAt] = chargerIds.map((id) => ends.filter((e) => e.chargerId === id).map((e) => e.at));
    const closest = Math.min(...aAt.flatMap((a) => bAt.map((b) => Math.abs(a - b))));
    expect(closest).toBeLessThan(LATENCY_MS);
    console.log(`[figures] ${engine}: ${started.length} session ends pending at SIGKILL, all delivered once ${deliveredMs} ms after the restart began (provider latency ${LATENCY_MS} ms per call)`);
  });
});
