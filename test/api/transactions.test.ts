// Transactions recorded from a simulated charger, read back over the REST API, on both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { ADMIN_TOKEN, startApi, type TestApi } from './gateway.js';

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

  it('filters by id tag (any case), start time and status, and shows the energy of a session still charging', async () => {
    const ids = async (query: string) => (await api.request('GET', `/api/transactions?chargerId=CP-TX-1&${query}`)).body.items.map((t: any) => t.id);
    expect(await ids('idTag=driver1')).toEqual([stoppedId]);
    expect(await ids(`from=${encodeURIComponent(new Date(Date.now() - 5_000).toISOString())}`)).toEqual([activeId]);
    expect(await ids(`to=${encodeURIComponent(new Date(Date.now() - 5_000).toISOString())}`)).toEqual([stoppedId]);
    expect(await ids('from=2020-01-01T00:00:00%2B02:00&active=false&idTag=DRIVER1')).toEqual([stoppedId]);

    const before = (await api.request('GET', `/api/transactions?active=true&chargerId=CP-TX-1`)).body.items[0];
    expect(before).toMatchObject({ id: activeId, energyWh: null, energyNowWh: null });
    const cp = await api.charger('CP-TX-1');
    await cp.meterValues({ connectorId: 1, transactionId: activeId, valueWh: 2950 });
    const charging = (await api.request('GET', `/api/transactions?active=true&chargerId=CP-TX-1`)).body.items[0];
    expect(charging.energyNowWh).toBe(750);
    expect((await api.request('GET', `/api/transactions/${activeId}`)).body.energyNowWh).toBe(750);
    expect((await api.request('GET', `/api/transactions?active=false&chargerId=CP-TX-1`)).body.items[0]).toMatchObject({ energyWh: 1200, energyNowWh: null });
    await cp.close();
  });

  it('exports the filtered list as CSV for a spreadsheet', async () => {
    const res = await fetch(`${api.base}/api/transactions.csv?installationId=${installationId}&chargerId=CP-TX-1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('sessions.csv');
    const [header, ...rows] = (await res.text()).trimEnd().split('\r\n');
    expect(header.split(',').slice(0, 3)).toEqual(['id', 'installation_id', 'charger_id']);
    expect(rows).toHaveLength(2);
    const stopped = Object.fromEntries(header.split(',').map((h, i) => [h, rows[1].split(',')[i]]));
    expect(stopped).toMatchObject({ id: String(stoppedId), charger_id: 'CP-TX-1', id_tag: 'DRIVER1', status: 'stopped', energy_wh: '1200', stop_reason: 'Local' });
    const bad = await api.request('GET', '/api/transactions.csv?limit=10001');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field)).toContain('limit');
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
      ['from=yesterday', 'from'],
      ['to=2026-12-01', 'to'],
      ['idTag=' + 'x'.repeat(37), 'idTag'],
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
