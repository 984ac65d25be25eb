// The dashboard a site owner sees on sign-in: per installation, chargers online and offline,
// sessions now and today, energy today, decisions of the last hour by source, failing subscriptions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { apiCall, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const WH_PER_SAMPLE = 500;

describe.each(engines)('GET /api/dashboard (%s)', (engine) => {
  let t: TestGateway;
  let siteA: string;
  let siteB: string;
  let v16: SimCharger;
  let v201: SimCharger;
  const pool = receiverPool();

  const dashboard = async (query = '') => (await t.api('GET', `/api/dashboard${query}`)).body;
  const itemOf = async (id: string, query = '') => (await dashboard(query)).items.find((i: any) => i.id === id);

  beforeAll(async () => {
    t = await startTestGateway(engine, { notificationRetryDelaysMs: [20, 20, 20], notificationProbeMaxMs: 60_000 });
    siteA = await t.installation(['DA-16', 'DA-201', 'DA-NEVER'], [{ idTag: 'CARD' }]);
    siteB = await t.installation(['DB-1'], [{ idTag: 'CARD' }]);
    v16 = t.charger('DA-16', { protocol: 'ocpp1.6' });
    v201 = t.charger('DA-201', { protocol: 'ocpp2.0.1' });
    for (const c of [v16, v201]) {
      await c.connect();
      await c.boot();
    }
  });
  afterAll(async () => {
    await t?.stop();
    await pool.closeAll();
  });

  it('counts chargers online and offline, per installation', async () => {
    expect(await itemOf(siteA)).toMatchObject({ chargers: { online: 2, offline: 1 }, sessions: { now: 0, today: 0 }, energyTodayWh: 0 });
    expect(await itemOf(siteB)).toMatchObject({ chargers: { online: 0, offline: 1 } });
  });

  it("counts today's sessions of both versions, the one charging now, and their energy (so far for the one charging)", async () => {
    for (const c of [v16, v201]) {
      expect(await c.runSession({ idTag: 'CARD', meterIntervalMs: 10, meterSamples: 2, whPerSample: WH_PER_SAMPLE })).toMatchObject({ startStatus: 'Accepted' });
    }
    const started = await v16.startTransaction({ connectorId: 2, idTag: 'CARD', meterStart: 5000 });
    await v16.meterValues({ connectorId: 2, transactionId: started.transactionId, valueWh: 5600 });
    expect(await itemOf(siteA)).toMatchObject({ sessions: { now: 1, today: 3 }, energyTodayWh: 2 * 2 * WH_PER_SAMPLE + 600 });
    // "Today" is where the owner's day starts: from an hour ahead, only the energy still charging counts.
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(await itemOf(siteA, `?dayStart=${encodeURIComponent(later)}`)).toMatchObject({ sessions: { now: 1, today: 0 }, energyTodayWh: 600 });
    expect(await itemOf(siteB)).toMatchObject({ sessions: { now: 0, today: 0 }, energyTodayWh: 0 });
  });

  it('counts the last hour of decisions by the source that decided, per installation', async () => {
    const b = t.charger('DB-1');
    await b.connect();
    await b.authorize('CARD');
    await b.authorize('NOBODY');
    // Counted in memory and stored every few seconds, never a write per decision.
    // A known tag is decided by the installation's id tags; an unknown one by nobody: the chain's default refusal.
    await expect.poll(async () => (await itemOf(siteB)).decisionsLastHour, { timeout: 10_000 }).toEqual({ native: 1, default: 1 });
    // Site A's sessions were decided natively too (Authorize and start, for each version).
    expect((await itemOf(siteA)).decisionsLastHour.native).toBeGreaterThanOrEqual(4);
    await b.close();
  });

  it('lists the subscriptions that are not delivering, with why', async () => {
    const refusing = await pool.start();
    refusing.injectFault({ fault: { mode: 'status', status: 503 } });
    const healthy = await pool.start();
    const sub = await subscribe(t, { installationId: siteA, label: 'Billing', url: refusing.url, events: ['connector.status_changed'] });
    await subscribe(t, { installationId: siteA, label: 'Fine', url: healthy.url, events: ['connector.status_changed'] });
    await v16.status(1, 'Available');
    await expect.poll(async () => (await itemOf(siteA)).failingSubscriptions, { timeout: 10_000 }).toEqual([
      { id: sub.id, label: 'Billing', state: 'queued', reason: expect.stringContaining('503'), failures: expect.any(Number) },
    ]);
    expect((await itemOf(siteB)).failingSubscriptions).toEqual([]);
  });

  it("shows a service token its own installations only, and refuses a day start that is not a time", async () => {
    const token = (await t.api('POST', '/api/tokens', { label: 'site A', role: 'service', installations: [siteA] })).body.token;
    const res = await fetch(`http://127.0.0.1:${t.gw.httpPort}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } });
    expect((await res.json()).items.map((i: any) => i.id)).toEqual([siteA]);
    const bad = await apiCall(t.gw.httpPort, 'GET', '/api/dashboard?dayStart=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('dayStart');
  });
});
