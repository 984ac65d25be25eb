import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(engines)('a charging session on %s', (engine) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(engine, { heartbeatIntervalSec: 120 });
    await t.installation(['CP-1', 'CP-2'], [
      { idTag: 'GoodTag', expiryDate: '2099-01-01T00:00:00.000Z', parentIdTag: 'FLEET-1' },
      { idTag: 'BLOCKED1', status: 'Blocked' },
      { idTag: 'EXPIRED1', status: 'Expired' },
      { idTag: 'OLDTAG', expiryDate: '2001-01-01T00:00:00.000Z' },
    ]);
  });
  afterAll(() => t?.stop());

  it('boots, reports connectors and is seen online with its boot info', async () => {
    const c = t.charger('CP-1');
    await c.connect();
    const boot = await c.boot();
    expect(boot.status).toBe('Accepted');
    expect(boot.interval).toBe(120);
    expect(Date.parse(boot.currentTime)).toBeGreaterThan(Date.now() - 60_000);
    await c.status(0, 'Available');
    await c.status(1, 'Faulted', 'GroundFailure');
    expect(await c.heartbeat()).toHaveProperty('currentTime');

    const stored = await t.gw.store.chargers.get('CP-1');
    expect(stored).toMatchObject({ online: true, boot: { vendor: 'Sim', model: 'SimCharger-1', firmwareVersion: '1.0.0' } });
    const connectors = await t.gw.store.chargers.connectors('CP-1');
    expect(connectors.map((x) => [x.connectorId, x.status, x.errorCode])).toEqual([
      [0, 'Available', 'NoError'],
      [1, 'Faulted', 'GroundFailure'],
    ]);
    await c.close();
    await expect.poll(async () => (await t.gw.store.chargers.get('CP-1'))?.online).toBe(false);
  });

  it('authorizes from the id tags it keeps, case-insensitively, with expiry and parent', async () => {
    const c = t.charger('CP-2');
    await c.connect();
    expect((await c.authorize('goodtag')).idTagInfo).toEqual({
      status: 'Accepted',
      expiryDate: '2099-01-01T00:00:00.000Z',
      parentIdTag: 'FLEET-1',
    });
    expect((await c.authorize('NOBODY')).idTagInfo.status).toBe('Invalid');
    expect((await c.authorize('blocked1')).idTagInfo.status).toBe('Blocked');
    expect((await c.authorize('EXPIRED1')).idTagInfo.status).toBe('Expired');
    expect((await c.authorize('OLDTAG')).idTagInfo.status).toBe('Expired');
    await c.close();
  });

  it('applies an id tag change made through the API to the next Authorize', async () => {
    const c = t.charger('CP-2');
    await c.connect();
    const installationId = (await t.gw.store.chargers.get('CP-2'))!.installationId;
    expect((await c.authorize('LATECOMER')).idTagInfo.status).toBe('Invalid');
    expect((await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'LATECOMER' })).status).toBe(201);
    expect((await c.authorize('LATECOMER')).idTagInfo.status).toBe('Accepted');
    expect((await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'latecomer', status: 'Blocked' })).status).toBe(200);
    expect((await c.authorize('LATECOMER')).idTagInfo.status).toBe('Blocked');
    expect((await t.api('DELETE', `/api/installations/${installationId}/id-tags/LATECOMER`)).status).toBe(204);
    expect((await c.authorize('LATECOMER')).idTagInfo.status).toBe('Invalid');
    await c.close();
  });

  it('runs a transaction with meter values and stores it complete', async () => {
    const c = t.charger('CP-2');
    await c.connect();
    await c.boot();
    const start = await c.startTransaction({ connectorId: 1, idTag: 'GoodTag', meterStart: 1000 });
    expect(start.idTagInfo.status).toBe('Accepted');
    expect(Number.isInteger(start.transactionId)).toBe(true);
    await c.meterValues({ connectorId: 1, transactionId: start.transactionId, valueWh: 1500 });
    const stopReq = {
      transactionId: start.transactionId,
      meterStop: 2500,
      idTag: 'GoodTag',
      reason: 'Local' as const,
      timestamp: new Date().toISOString(),
      transactionData: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '2500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    };
    const stop = await c.stopTransaction(stopReq);
    expect(stop.idTagInfo?.status).toBe('Accepted');
    // Re-sent after a lost reply: answered again; its transactionData was stored with the first, once.
    expect((await c.stopTransaction(stopReq)).idTagInfo?.status).toBe('Accepted');

    const tx = await t.gw.store.transactions.get(start.transactionId);
    expect(tx).toMatchObject({
      chargerId: 'CP-2',
      connectorId: 1,
      idTag: 'GoodTag',
      meterStart: 1000,
      energyWh: 1500,
      active: false,
      authorization: { status: 'Accepted', source: 'native' },
      stop: { meterStop: 2500, reason: 'Local', idTag: 'GoodTag' },
    });
    const values = await t.gw.store.meterValues.forTransaction(start.transactionId);
    expect(values.map((v) => v.source)).toEqual(['MeterValues', 'StopTransaction']);
    expect(values[1].sampledValue).toEqual(stopReq.transactionData[0].sampledValue);
    await c.close();
  });
});
