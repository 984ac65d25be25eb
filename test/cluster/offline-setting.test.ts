// An offline setting changed through one node reaches the chargers every node holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster, type TestNode } from '../helpers/cluster.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

describe('the offline setting across nodes', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;

  beforeAll(async () => {
    cluster = await startTestCluster(2);
    [a, b] = cluster.nodes;
  });
  afterAll(() => cluster?.stop());

  const writes = (c: SimCharger) => c.receivedCalls.filter((x) => x.action === 'ChangeConfiguration').map((x) => [x.payload.key, x.payload.value]);

  it('is pushed by the node holding each charger, once, when changed through another', async () => {
    const installationId = await cluster.installation(['CL-OFF-A', 'CL-OFF-B'], ['T1']);
    const onA = a.charger('CL-OFF-A');
    const onB = b.charger('CL-OFF-B');
    for (const c of [onA, onB]) {
      await c.connect();
      await c.boot();
      await expect.poll(() => writes(c)).toEqual([
        ['LocalAuthorizeOffline', 'false'],
        ['AllowOfflineTxForUnknownId', 'false'],
      ]);
    }
    // A kept list makes the chargers decide from it offline: LocalAuthorizeOffline on.
    expect((await b.api('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'native' } })).status).toBe(200);
    for (const c of [onA, onB]) {
      await expect.poll(() => writes(c).slice(2), { timeout: 10_000 }).toEqual([
        ['LocalAuthorizeOffline', 'true'],
        ['AllowOfflineTxForUnknownId', 'false'],
      ]);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(writes(onA)).toHaveLength(4);
    expect(writes(onB)).toHaveLength(4);
    expect((await a.api('GET', '/api/chargers/CL-OFF-A')).body.offlineConfig).toMatchObject({ localList: true, applied: true });
  });
});
