// A charger's Local Authorization List holds only so many entries: 1.6 says so in
// LocalAuthListMaxLength, a 2.0.1 station in Entries' maxLimit, which only a report carries
// (GetReport, then NotifyReport). Either way the list sent is cut to fit, most recently used first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const VERSIONS = [
  { protocol: 'ocpp1.6', tag: '16' },
  { protocol: 'ocpp2.0.1', tag: '201' },
] as const;
const TAGS = ['CAP-A', 'CAP-B', 'CAP-C', 'CAP-D', 'CAP-E'];

describe.each(engines)('a list larger than the charger holds, on %s', (engine) => {
  let api: TestApi;
  let installationId: string;
  const chargers: SimCharger[] = [];

  beforeAll(async () => {
    api = await startApi(engine, { localListDebounceMs: 20 });
    installationId = (await api.request('POST', '/api/installations', { name: 'Small lists' })).body.id;
    for (const idTag of TAGS) await api.request('POST', `/api/installations/${installationId}/id-tags`, { idTag });
    expect((await api.request('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'native' } })).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await api?.close();
  });

  it.each(VERSIONS)('is cut to what a $protocol charger holds, and the charger takes it', async ({ protocol, tag }) => {
    const id = `CAP-${tag}-${engine}`;
    expect((await api.request('POST', `/api/installations/${installationId}/chargers`, { id })).status).toBe(201);
    const charger = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 }).enableLocalList({ maxLength: 3, perMessage: 10 });
    chargers.push(charger);
    await charger.connect();
    await charger.boot();
    const list = async () => (await api.request('GET', `/api/chargers/${id}/local-list`)).body;
    await eventually(async () => (await list()).state === 'in_sync' && (await list()).maxLength === 3);
    expect(charger.localList.entries.size).toBe(3);
    expect((await list()).entries).toHaveLength(3);
    if (protocol === 'ocpp2.0.1') {
      // The capacity came from the station's own report, asked for once.
      expect(charger.receivedCalls.filter((c) => c.action === 'GetReport')).toEqual([
        { action: 'GetReport', payload: { requestId: expect.any(Number), componentVariable: [{ component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'Entries' } }] } },
      ]);
    }
  });
});
