// Locations pushed to an eMSP's Locations Receiver: the whole Location when published or moved,
// then each EVSE's status as its charger (of either OCPP version) reports it, through an outage.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp, WHERE } from './helpers.js';

const VERSIONS = [
  { version: '1.6', protocol: 'ocpp1.6', charging: 'Charging' },
  { version: '2.0.1', protocol: 'ocpp2.0.1', charging: 'Occupied' },
] as const;

describe.each(engines)('Locations pushed to the eMSP (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let site: string;
  const chargers: SimCharger[] = [];

  beforeAll(async () => {
    api = await startApi(engine, { ...OCPI_CONFIG, ocpiLocationUpdateMs: 100, outboxRetryBaseMs: 20, outboxRetryMaxMs: 100, outboxPollMs: 20 });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    await registerEmsp(api, emsp);
    site = (await api.request('POST', '/api/installations', { name: 'Pushed' })).body.id;
    await api.request('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['native', 'ocpi'] });
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await emsp.close();
    await api.close();
  });

  const pushed = () => emsp.state.locations.get(`DE/GWY/${site}`);
  const evse = (uid: string) => (pushed()?.evses as { uid: string; status: string }[] | undefined)?.find((e) => e.uid === uid);
  const patchesOf = (uid: string) => emsp.state.evsePatches.filter((p) => p.path === `DE/GWY/${site}/${uid}`).map((p) => p.patch.status);

  it('PUTs the Location once it is published, and again when its place changes', async () => {
    expect((await api.request('PUT', `/api/installations/${site}/location`, { location: WHERE })).status).toBe(200);
    await eventually(() => pushed() !== undefined);
    expect(pushed()).toMatchObject({ country_code: 'DE', party_id: 'GWY', id: site, address: WHERE.address, publish: true });

    expect((await api.request('PUT', `/api/installations/${site}/location`, { location: { ...WHERE, name: 'Pushed, renamed' } })).status).toBe(200);
    await eventually(() => pushed()?.name === 'Pushed, renamed');
  });

  it('PATCHes publish: false when the installation stops taking OCPI tokens, and PUTs it again when it takes them back', async () => {
    await eventually(() => pushed()?.publish === true);
    expect((await api.request('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['native'] })).status).toBe(200);
    await eventually(() => pushed()?.publish === false);
    expect((await api.request('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['native', 'ocpi'] })).status).toBe(200);
    await eventually(() => pushed()?.publish === true);
  });

  it('never blocks on a Location taken off OCPI before the eMSP had it: published again, it arrives', async () => {
    const other = (await api.request('POST', '/api/installations', { name: 'Brief' })).body.id as string;
    await api.request('PUT', `/api/installations/${other}/authorization-sources`, { sources: ['ocpi'] });
    emsp.state.locationFailures = 1_000_000;
    expect((await api.request('PUT', `/api/installations/${other}/location`, { location: WHERE })).status).toBe(200);
    await eventually(() => emsp.received.some((r) => r.method === 'PUT' && r.path.endsWith(`/locations/DE/GWY/${other}`)));
    expect((await api.request('PUT', `/api/installations/${other}/authorization-sources`, { sources: ['native'] })).status).toBe(200);
    // Both the PUT and the PATCH publish: false wait in the outbox; the eMSP is back.
    await new Promise((r) => setTimeout(r, 300));
    emsp.state.locationFailures = 0;
    await new Promise((r) => setTimeout(r, 500));
    expect(emsp.state.locations.has(`DE/GWY/${other}`)).toBe(false);
    expect((await api.request('PUT', `/api/installations/${other}/authorization-sources`, { sources: ['ocpi'] })).status).toBe(200);
    await eventually(() => emsp.state.locations.get(`DE/GWY/${other}`)?.publish === true);
  });

  it.each(VERSIONS)('PATCHes the EVSE of an OCPP $version charger as its status changes, and UNKNOWN when it goes', async ({ version, protocol, charging }) => {
    const id = `PUSH-${version.replaceAll('.', '')}`;
    // A charger joining the Location: it is PUT again with the new EVSE.
    expect((await api.request('POST', `/api/installations/${site}/chargers`, { id })).status).toBe(201);
    await eventually(() => evse(id) !== undefined);

    const c = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
    chargers.push(c);
    await c.connect();
    await c.boot();
    await c.status(1, 'Available');
    await eventually(() => evse(id)?.status === 'AVAILABLE');

    // The eMSP is down for a while: the change waits in the outbox and arrives when it is back.
    emsp.state.locationFailures = 3;
    await c.status(1, charging);
    await eventually(() => evse(id)?.status === 'CHARGING');
    expect(emsp.state.locationFailures).toBe(0);

    await c.close();
    await eventually(() => evse(id)?.status === 'UNKNOWN');
    // Each change once, in the order it happened (UNKNOWN may also come between the boot and the first status).
    const seen = patchesOf(id);
    expect(seen.slice(seen.indexOf('CHARGING'))).toEqual(['CHARGING', 'UNKNOWN']);
    expect(seen.filter((status, i) => status === seen[i - 1])).toEqual([]);
  });
});
