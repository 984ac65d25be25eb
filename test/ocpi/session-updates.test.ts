// While a roaming session charges, its eMSP is told the energy so far (PATCH of the Session's kwh),
// between the ACTIVE and COMPLETED pushes, for chargers of both OCPP versions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp } from './helpers.js';

const VERSIONS = [
  { version: '1.6', protocol: 'ocpp1.6' },
  { version: '2.0.1', protocol: 'ocpp2.0.1' },
] as const;

describe.each(engines)('energy of a charging roaming session sent to its eMSP (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let site: string;

  beforeAll(async () => {
    api = await startApi(engine, { ...OCPI_CONFIG, ocpiSessionUpdateMs: 100, outboxRetryBaseMs: 20, outboxRetryMaxMs: 100, outboxPollMs: 20 });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    await registerEmsp(api, emsp);
    site = (await api.request('POST', '/api/installations', { name: 'Updates' })).body.id;
    await api.request('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['ocpi'] });
  });
  afterAll(async () => {
    await emsp.close();
    await api.close();
  });

  it.each(VERSIONS)('PATCHes the kwh so far while an OCPP $version session charges, never after it completed', async ({ version, protocol }) => {
    const id = `UPD-${version.replaceAll('.', '')}`;
    const card = `UPDATE-${version}`;
    emsp.answer(card, 'ALLOWED');
    await api.request('POST', `/api/installations/${site}/chargers`, { id });
    const charger = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
    await charger.connect();
    try {
      await charger.boot();
      // Four readings 400 ms apart: updates every 100 ms see the energy grow.
      await charger.runSession({ idTag: card, meterIntervalMs: 400, meterSamples: 4, whPerSample: 1000 });
    } finally {
      await charger.close();
    }
    const [tx] = (await api.request('GET', `/api/transactions?chargerId=${id}`)).body.items;
    const path = `DE/GWY/${tx.id}`;
    await eventually(() => emsp.state.sessions.get(path)?.status === 'COMPLETED');
    await new Promise((r) => setTimeout(r, 300));

    const kwh = emsp.state.patches.filter((p) => p.path === path).map((p) => p.patch.kwh as number);
    expect(kwh.length).toBeGreaterThanOrEqual(2);
    // Growing, each sent once, none beyond the final figure.
    expect([...kwh].sort((a, b) => a - b)).toEqual(kwh);
    expect(new Set(kwh).size).toBe(kwh.length);
    expect(kwh.at(-1)).toBeLessThanOrEqual(tx.energyWh / 1000);
    // On the wire: ACTIVE, the PATCHes, then COMPLETED, and nothing after.
    const wire = emsp.received.filter((r) => r.path.endsWith(`/2.2.1/sessions/${path}`) && r.status === 200).map((r) => (r.method === 'PATCH' ? 'PATCH' : (r.body as { status: string }).status));
    expect(wire).toEqual(['ACTIVE', ...kwh.map(() => 'PATCH'), 'COMPLETED']);
    expect(emsp.state.sessions.get(path)).toMatchObject({ status: 'COMPLETED', kwh: tx.energyWh / 1000 });
  });
});
