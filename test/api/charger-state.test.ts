// What GET /api/chargers/:id shows once a simulated charger has connected, booted and reported status.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from './gateway.js';

describe.each(engines)('charger state (%s)', (engine) => {
  let api: TestApi;
  let installationId: string;
  beforeAll(async () => {
    api = await startApi(engine);
    installationId = (await api.request('POST', '/api/installations', { name: 'State' })).body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('shows online, boot information and connector status, then offline after the charger leaves', async () => {
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id: 'CP-STATE-1' });
    const before = await api.request('GET', '/api/chargers/CP-STATE-1');
    expect(before.body).toMatchObject({ online: false, connectors: [], anomalies: [], boot: { vendor: null } });

    const cp = await api.charger('CP-STATE-1');
    await cp.boot({ meterType: 'SimMeter' });
    await cp.status(0, 'Available');
    await cp.status(1, 'Faulted', 'GroundFailure');

    const res = await api.request('GET', '/api/chargers/CP-STATE-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'CP-STATE-1',
      installationId,
      online: true,
      boot: { vendor: 'Sim', model: 'SimCharger-1', serialNumber: 'CP-STATE-1', firmwareVersion: '1.0.0' },
      anomalies: [],
    });
    expect(res.body.boot.details).toMatchObject({ meterType: 'SimMeter' });
    expect(res.body.boot.bootedAt).toEqual(expect.any(String));
    expect(res.body.lastSeen).toEqual(expect.any(String));
    expect(res.body.connectors).toEqual([
      expect.objectContaining({ connectorId: 0, status: 'Available', errorCode: 'NoError' }),
      expect.objectContaining({ connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure' }),
    ]);
    const listed = await api.request('GET', `/api/installations/${installationId}/chargers`);
    expect(listed.body.items[0]).toMatchObject({ id: 'CP-STATE-1', online: true });

    await cp.close();
    await eventually(async () => (await api.request('GET', '/api/chargers/CP-STATE-1')).body.online === false);
  });

  it('closes the connection of a charger that is removed', async () => {
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id: 'CP-STATE-2' });
    const cp = await api.charger('CP-STATE-2');
    const closed = new Promise((resolve) => cp.once('close', resolve));
    expect((await api.request('DELETE', `/api/installations/${installationId}/chargers/CP-STATE-2`)).status).toBe(204);
    await closed;
    expect((await api.request('GET', '/api/chargers/CP-STATE-2')).status).toBe(404);
  });

  it('gives the URL to configure in the charger, on the port chargers reach', async () => {
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id: 'CP-URL-1' });
    const res = await api.request('GET', '/api/chargers/CP-URL-1');
    expect(res.body.ocppUrls).toEqual({ ws: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp/CP-URL-1`, wss: null });
    expect(res.body).toMatchObject({ securityProfile: null, passwordSetAt: null });
  });

  it('answers 404 for an unknown charger', async () => {
    const res = await api.request('GET', '/api/chargers/NOPE');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('NOT_FOUND');
  });
});
