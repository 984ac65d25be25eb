// A Local Authorization List change made through one node reaches a charger held by another: only the holder sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster, type TestNode } from '../helpers/cluster.js';

describe('local lists across nodes', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;

  beforeAll(async () => {
    cluster = await startTestCluster(2, { localListDebounceMs: 20 });
    [a, b] = cluster.nodes;
  });
  afterAll(() => cluster?.stop());

  it('sends a tag added through B to the charger connected to A', async () => {
    const installationId = await cluster.installation(['CL-LL-1'], ['FIRST']);
    expect((await b.api('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'native' } })).status).toBe(200);
    const cp = a.charger('CL-LL-1').enableLocalList();
    await cp.connect();
    await cp.boot();
    await expect.poll(() => cp.localList.decide('FIRST'), { timeout: 10_000 }).toBe('Accepted');

    expect((await b.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'ADDED-ON-B' })).status).toBe(201);
    await expect.poll(() => cp.localList.decide('ADDED-ON-B'), { timeout: 10_000 }).toBe('Accepted');
    // One sender: every version step arrived once, in order.
    const versions = cp.localList.received.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size).toBe(versions.length);
    expect((await b.api('GET', '/api/chargers/CL-LL-1/local-list')).body).toMatchObject({ state: 'in_sync', version: cp.localList.version });
  });
});
