// Transactions recorded from a simulated charger, read back over the REST API, on both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';

describe.each(engines)('transactions (%s)', (engine) => {
  let api: TestApi;
  let installationId: string;
  let stoppedId: number;
  let activeId: number;
  // Within the last minute, so the start does not count as reported late.
  const startTime = new Date(Date.now() - 30_000).toISOString();
  const stopTime = new Date(Date.now() - 10_000).toISOString();

  beforeAll(async () => {
    api = await startApi(engine);
    installationId = (await api.request('POST', '/api/installations', { name: 'Tx' })).body.id;
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id: 'CP-TX-1' });
    await api.request('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'DRIVER1' });
    await api.request('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'DRIVER2' });

    const cp = await api.charger('CP-TX-1');
    await cp.boot();
    const first = await cp.startTransaction({ connectorId: 1, idTag: 'DRIVER1', meterStart: 1000, timestamp: startTime });
    stoppedId = first.transactionId;
    await cp.meterValues({ connectorId: 1, transactionId: stoppedId, valueWh: 1500 });
    await cp.stopTransaction({ transactionId: stoppedId, meterStop: 2200, reason: 'Local', idTag: 'DRIVER1', timestamp: stopTime });
    activeId = (await cp.startTransaction({ connectorId: 1, idTag: 'DRIVER2', meterStart: 2200 })).transactionId;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists transactions newest first, with filters and paging', async () => {
    const all = await api.request('GET', '/api/transactions');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ limit: 100, offset: 0 });
    expect(all.body.items.map((t: any) => t.id)).toEqual([activeId, stoppedId]);

    const active = await api.request('GET', `/api/transactions?active=true&chargerId=CP-TX-1&installationId=${installationId}`);
    expect(active.body.items.map((t: any) => t.id)).toEqual([activeId]);
    const done = await api.request('GET', '/api/transactions?active=false');
    expect(done.body.items.map((t: any) => t.id)).toEqual([stoppedId]);

    const page = await api.request('GET', '/api/transactions?limit=1&offset=1');
    expect(page.body).toMatchObject({ limit: 1, offset: 1 });
    expect(page.body.items.map((t: any) => t.id)).toEqual([stoppedId]);

    expect((await api.request('GET', '/api/transactions?chargerId=OTHER')).body.items).toEqual([]);
  });

  it('returns one transaction with how it was authorized, its start and stop, and its meter values', async () => {
    const res = await api.request('GET', `/api/transactions/${stoppedId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: stoppedId, chargerId: 'CP-TX-1', installationId, connectorId: 1, idTag: 'DRIVER1', active: false, late: false,
      meterStart: 1000, energyWh: 1200, meterAnomaly: false, startTime, reservationId: null,
      authorization: { status: 'Accepted', source: 'native', reason: 'accepted', expiryDate: null, parentIdTag: null, provider: null },
      authorizedOffline: false, providerSessionId: null, sessionEnd: null,
      stop: { meterStop: 2200, reason: 'Local', idTag: 'DRIVER1', time: stopTime },
    });
    // When the gateway received each, as opposed to when the charger says it happened.
    expect(Date.parse(res.body.startReceivedAt)).toBeGreaterThan(Date.parse(startTime));
    expect(Date.parse(res.body.stop.receivedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.startReceivedAt));
    expect(res.body.meterValues).toHaveLength(1);
    expect(res.body.meterValues[0]).toMatchObject({ connectorId: 1, source: 'MeterValues' });
    expect(res.body.meterValues[0].sampledValue[0]).toMatchObject({ value: '1500', unit: 'Wh' });
  });

  it('shows a refused start as refused, with the reason, and never active', async () => {
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id: 'CP-TX-2' });
    const cp = await api.charger('CP-TX-2');
    const refused = await cp.startTransaction({ connectorId: 1, idTag: 'STRANGER', meterStart: 0 });
    expect(refused.idTagInfo.status).toBe('Invalid');
    const res = await api.request('GET', `/api/transactions/${refused.transactionId}`);
    expect(res.body).toMatchObject({
      chargerId: 'CP-TX-2', idTag: 'STRANGER', active: false, stop: null, energyWh: null,
      authorization: { status: 'Invalid', source: 'default', reason: 'unknown_id_tag' },
    });
  });

  it('names the parameter for bad query values', async () => {
    const cases: [string, string][] = [
      ['active=yes', 'active'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['offset=-1', 'offset'],
      ['chargerId=a%2Fb', 'chargerId'],
      ['limit=1&limit=2', 'limit'],
      ['chargerID=CP-TX-1', 'chargerID'],
    ];
    for (const [query, field] of cases) {
      const res = await api.request('GET', `/api/transactions?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: any) => d.field), query).toContain(field);
    }
  });

  it('answers 400 for a non-integer id and 404 for an unknown one', async () => {
    const bad = await api.request('GET', '/api/transactions/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'id', message: 'must be a whole number' }]);
    for (const id of ['999999', '0', '99999999999']) {
      const res = await api.request('GET', `/api/transactions/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body.error).toBe('NOT_FOUND');
    }
  });
});
