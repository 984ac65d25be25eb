// Locations pushed to an eMSP from a cluster: each Location's PUT once whichever nodes see it, and
// each EVSE's status changes once, from the node holding its charger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestApi } from '../api/gateway.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp, WHERE } from '../ocpi/helpers.js';

describe('Locations pushed from several nodes', () => {
  let cluster: TestCluster;
  let emsp: MockEmsp;

  beforeAll(async () => {
    cluster = await startTestCluster(2, { ...OCPI_CONFIG, ocpiLocationUpdateMs: 100, outboxRetryBaseMs: 20, outboxRetryMaxMs: 100, outboxPollMs: 20 });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    const [a] = cluster.nodes;
    await registerEmsp({ request: (method: string, path: string, body?: unknown) => a.api(method, path, body) } as TestApi, emsp);
  });
  afterAll(async () => {
    await cluster?.stop();
    await emsp?.close();
  });

  it('PUTs the Location once and PATCHes each status change of the charger once, from the node that holds it', async () => {
    const [a, b] = cluster.nodes;
    const site = await cluster.installation(['CL-LOC-1']);
    await a.api('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['native', 'ocpi'] });
    expect((await a.api('PUT', `/api/installations/${site}/location`, { location: WHERE })).status).toBe(200);
    const path = `/2.2.1/locations/DE/GWY/${site}`;
    await eventually(() => emsp.state.locations.has(`DE/GWY/${site}`));

    const c = b.charger('CL-LOC-1');
    await c.connect();
    await c.boot();
    await c.status(1, 'Available');
    const evse = () => (emsp.state.locations.get(`DE/GWY/${site}`)?.evses as { uid: string; status: string }[])[0];
    await eventually(() => evse().status === 'AVAILABLE');
    await c.status(1, 'Charging');
    await eventually(() => evse().status === 'CHARGING');
    await c.close();
    await eventually(() => evse().status === 'UNKNOWN');
    // Rounds of both nodes have passed since.
    await new Promise((r) => setTimeout(r, 500));

    const taken = (method: string, at: string) => emsp.received.filter((r) => r.method === method && r.path.endsWith(at) && r.status === 200);
    expect(taken('PUT', path)).toHaveLength(1);
    const statuses = taken('PATCH', `${path}/CL-LOC-1`).map((r) => (r.body as { status: string }).status);
    expect(statuses.slice(statuses.indexOf('AVAILABLE'))).toEqual(['AVAILABLE', 'CHARGING', 'UNKNOWN']);
    expect(statuses.filter((s, i) => s === statuses[i - 1])).toEqual([]);
  });
});
